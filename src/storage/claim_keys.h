// Claim-key segments: the duplicate check of a ledger run against every
// stored line without reading every stored line (docs/ledger.md).
//
// Each run stores, per provider, the sorted 32-bit fingerprints of its lines'
// claim keys (settlement/types.h ClaimKey; the fingerprint is the top 32 bits)
// as one segment: varint deltas, zstd, base64, about 3 bytes a line. A later
// run reads the segments of the providers in its file (not the lines), and
// only a fingerprint found there is checked against the stored claim ids
// themselves (a few per run: real repeats and ~1 in 10^5 chance collisions).
//
// Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace almen {

uint32_t ClaimFingerprint(uint64_t key_hi);
// REQUIRES: `sorted` ascending (duplicates allowed).
std::string EncodeClaimKeySegment(const std::vector<uint32_t>& sorted);
Status DecodeClaimKeySegment(std::string_view base64, std::vector<uint32_t>* out);  // appends

}  // namespace almen
