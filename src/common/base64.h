// Base64 (RFC 4648, standard alphabet, padded) for binary data kept in TEXT
// columns (line blocks, claim-key segments, sealed chunks). OpenSSL's block
// codec: fast (the data is not secret; libsodium's constant-time codec was a
// tenth of a ledger run's CPU). Pure functions; thread safe.
#pragma once

#include <string>
#include <string_view>

namespace almen {

std::string Base64Encode(std::string_view bytes);
// false if `text` is not valid base64 (its length a multiple of 4).
bool Base64Decode(std::string_view text, std::string* bytes);

}  // namespace almen
