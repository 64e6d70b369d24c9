// Repeated claims found after pass 1 (engine.h FindRepeats): the later line in
// file order is the repeat, across slices and within one, whatever the
// partitioning; a repeat's event is rejected, or dropped when only its trip
// made it one.
#include <gtest/gtest.h>

#include "settlement/engine.h"

namespace almen::settle_internal {
namespace {

Key128 K(uint64_t hi, uint64_t lo) {
  Key128 k;
  k.hi = hi;
  k.lo = lo;
  return k;
}

Event Ev(int chunk, int64_t local, int code, uint64_t trip) {
  Event e;
  e.line = LineId(chunk, local);
  e.code = static_cast<int16_t>(code);
  e.trip = trip;
  e.price = Money::FromOre(100);
  return e;
}

TEST(FindRepeats, TheLaterLineInFileOrderIsTheRepeat) {
  for (int bits : {1, 6, 14}) {
    SCOPED_TRACE(bits);
    CompiledRules rules;
    rules.event_codes.codes = {120};
    std::vector<Pass1State> p1(3);
    for (auto& s : p1) s.claims = ClaimKeyLog(bits, 16);
    const Key128 a = K(0x8000000000000001u, 1), b = K(0x0000000000000002u, 2), c = K(0xffffffffffffffffu, 3);
    // Slice 0: a, b, a (a repeat within the slice). Slice 1: b (a repeat of slice 0), c.
    // Slice 2: c (a repeat of slice 1), and a key of its own.
    p1[0].claims.Add(a, 0);
    p1[0].claims.Add(b, 1);
    p1[0].claims.Add(a, 2);
    p1[1].claims.Add(b, 0);
    p1[1].claims.Add(c, 1);
    p1[2].claims.Add(c, 0);
    p1[2].claims.Add(K(5, 5), 1);
    p1[0].events = {Ev(0, 0, 120, 0), Ev(0, 2, 120, 77)};
    p1[1].events = {Ev(1, 0, 300, 88)};  // an event only by its trip
    p1[2].events = {Ev(2, 0, 120, 0), Ev(2, 1, 120, 0)};
    FindRepeats(rules, p1, 2);
    EXPECT_EQ(p1[0].dup_lines, (absl::flat_hash_set<int64_t>{2}));
    EXPECT_EQ(p1[1].dup_lines, (absl::flat_hash_set<int64_t>{0}));
    EXPECT_EQ(p1[2].dup_lines, (absl::flat_hash_set<int64_t>{0}));
    ASSERT_EQ(p1[0].events.size(), 2u);
    EXPECT_FALSE(p1[0].events[0].rejected);
    EXPECT_TRUE(p1[0].events[1].rejected);
    EXPECT_EQ(p1[0].events[1].trip, 0u);
    EXPECT_EQ(p1[0].events[1].price, Money());
    EXPECT_TRUE(p1[1].events.empty());
    ASSERT_EQ(p1[2].events.size(), 2u);
    EXPECT_TRUE(p1[2].events[0].rejected);
    EXPECT_FALSE(p1[2].events[1].rejected);
  }
}

TEST(FindRepeats, PartitionsGrowWithTheFile) {
  EXPECT_EQ(ClaimPartitionBits(0), 6);
  EXPECT_GE(ClaimPartitionBits(800'000'000), 8);  // 10 M lines: partitions of ≤ 32 K keys
  EXPECT_LE((800'000'000 / 64) >> ClaimPartitionBits(800'000'000), 32768);
  EXPECT_EQ(ClaimPartitionBits(size_t{1} << 50), 9);  // at most 512 partitions, whatever the size
}

}  // namespace
}  // namespace almen::settle_internal
