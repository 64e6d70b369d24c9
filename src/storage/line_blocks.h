// Line blocks: the compact storage of a run's accepted lines.
//
// A settlement of a national year has ~10 million lines, nearly all of them
// `accepted`. Storing each as a database row (and indexing it) cost ~80 s per
// 10 million lines (docs/performance.md, "Server"); instead the accepted lines
// of one (run, provider, month) are kept as one *block*: one row of table
// `line_blocks` with the block's line count and amount sum as columns (so
// aggregates never decode a block) and the lines in the encoding below.
// Rejected and review lines stay rows of `flagged_lines` (docs/server.md).
//
// Block format, version 1 (persisted: do not change; add a version instead).
// The whole block is one zstd frame; inside it, all integers are LEB128
// varints ("zz" = zigzag-encoded signed):
//
//   'L' 'B' 1 (or 2)                   magic and version
//   n                                  lines in the block
//   s, then s × (len, bytes)           the block's string table (codes, rules,
//                                      reasons, paragraphs), each string once
//   8 streams, each as (len, bytes), n entries each, in seq order:
//     seq       zz delta from the previous line's seq (first: from 0)
//     day       one byte, 1..31: service_date = month + "-" + two digits
//     code      string index
//     amount    zz øre
//     rule      string index
//     reason    string index
//     paragraph string index
//     claim_id  v: even → decimal claim id, zz delta (v >> 1) from the previous
//               decimal claim id of the block (first: from 0); odd → the claim
//               id's bytes follow, length v >> 1
//   version 2 adds a 9th stream:
//     contact   8 bytes little endian per line: the contact key (settlement/types.h),
//               so a later run finds the lines of a contact (docs/ledger.md)
//   and a 10th:
//     quantity  v (the line's quantity; 1 in version-1 blocks)
//
// Columnar streams compress well (a 10 M-line year: ~12 bytes per line before
// zstd, ~3 after). The database holds the frame as base64 text, which both
// SQLite and PostgreSQL store in a TEXT column.
//
// Not thread safe (one builder per thread); decoding is a pure function.
//
// Example:
//   LineBlockBuilder b;
//   b.Add(1, "202500000001", 1, "0101", 17753, "", "Honoreret efter takst.", "§ 5");
//   std::string stored = b.FinishBase64();
//   ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(stored, [](const BlockLine& l) { … }));
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/status.h"

namespace almen {

// One line of a block. The views are valid during the callback only.
struct BlockLine {
  int64_t seq = 0;
  int day = 0;  // 1..31 (day of the block's month)
  int64_t amount_ore = 0;
  uint64_t contact = 0;  // 0 in version-1 blocks
  int64_t quantity = 1;  // 1 in version-1 blocks
  std::string_view claim_id, code, rule, reason, paragraph;
};

class LineBlockBuilder {
 public:
  // REQUIRES: seq greater than the previous line's; 1 <= day <= 31.
  void Add(int64_t seq, std::string_view claim_id, int day, std::string_view code, int64_t amount_ore,
           std::string_view rule, std::string_view reason, std::string_view paragraph, uint64_t contact = 0,
           int64_t quantity = 1);
  int64_t lines() const { return n_; }
  int64_t amount_ore() const { return amount_; }
  // The zstd frame of the block (see the format above); `level` is zstd's.
  std::string Finish(int level = 1) const;
  // Finish() as base64 text (the form stored in line_blocks.data).
  std::string FinishBase64(int level = 1) const;
  // Frees the builder's buffers (after Finish).
  void Clear();

 private:
  uint32_t Intern(int field, std::string_view s);

  int64_t n_ = 0, amount_ = 0, last_seq_ = 0, last_claim_ = 0;
  std::string seq_, day_, code_, amount_s_, rule_, reason_, paragraph_, claim_, contact_, quantity_;
  std::deque<std::string> strings_;  // stable addresses for last_
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  absl::flat_hash_map<std::string, uint32_t, Hash, Eq> index_;
  // The last strings looked up (consecutive lines mostly repeat them).
  std::string_view last_[4];
  uint32_t last_id_[4] = {};
};

// Decodes a block made by LineBlockBuilder::Finish, calling `fn` for every
// line in seq order. An Internal error if the block is corrupt.
Status DecodeLineBlock(std::string_view frame, const std::function<void(const BlockLine&)>& fn);
Status DecodeLineBlockBase64(std::string_view base64, const std::function<void(const BlockLine&)>& fn);

}  // namespace almen
