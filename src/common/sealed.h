// Sealed files: an input file (a claim file, a listing: they hold CPR numbers
// in clear) compressed and encrypted so it can be kept for re-runs without
// ever being stored readable (agreement.md §E, docs/decisions.md "Re-runs").
//
// Format: a sequence of text chunks (base64, so they fit a TEXT column in both
// SQLite and PostgreSQL):
//   chunk 0       the libsodium secretstream header (XChaCha20-Poly1305);
//   chunk 1..n    one secretstream message each: a zstd frame of up to
//                 kSealBlockBytes of the plain file; the last carries TAG_FINAL.
// Opening checks every message's authentication tag, the order (a chunk left
// out, repeated or swapped fails) and that the final tag was seen (a truncated
// sequence fails). Memory is bounded by one block per core (blocks are
// compressed in parallel), whatever the file size.
//
// The key is a 32-byte secret derived from the deployment's pseudonym key
// (Pseudonymizer::archive_key): without that key a sealed file is unreadable.
//
// Example:
//   ALMEN_RETURN_IF_ERROR(SealFile("claims.csv", key, [&](int64_t n, std::string&& chunk) {
//     return store(n, chunk);
//   }));
//   ALMEN_RETURN_IF_ERROR(UnsealToFile(key, next_chunk, "/tmp/x/claims.csv"));
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"

namespace almen {

using SealKey = std::array<unsigned char, 32>;

inline constexpr size_t kSealBlockBytes = size_t{8} << 20;  // 8 MiB of plain text per chunk

// Reads `path` block by block and calls `emit(chunk_number, base64_chunk)` for
// chunk 0 (the header) and every sealed block, in order.
Status SealFile(const std::string& path, const SealKey& key,
                const std::function<Status(int64_t, std::string&&)>& emit);

// Opens a sealed sequence: `next()` returns the chunks in order (nullopt at the
// end). Writes the plain file to `out_path` (created 0600, all or nothing: a
// failure leaves no file). InvalidInput when a chunk fails authentication, is out
// of order or the sequence is truncated; the message never contains plain text.
Status UnsealToFile(const SealKey& key, const std::function<StatusOr<std::optional<std::string>>()>& next,
                    const std::string& out_path);

}  // namespace almen
