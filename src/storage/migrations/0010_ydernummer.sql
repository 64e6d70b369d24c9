-- Ydernumre are six-digit text (common/ydernummer.h). Sanctions registered
-- through the API before this migration stored the number without its
-- leading zeros ("33345" for 033345): such a clinic did not see its own
-- sanctions and the attachment check missed it. Pad them back to six digits.
UPDATE sanctions SET provider = substr('000000' || provider, length(provider) + 1)
 WHERE provider <> '' AND length(provider) < 6;
