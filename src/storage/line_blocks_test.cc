#include "storage/line_blocks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace almen {
namespace {

struct Owned {
  int64_t seq;
  int day;
  int64_t amount;
  std::string claim, code, rule, reason, paragraph;
};

std::vector<Owned> Decode(const std::string& b64) {
  std::vector<Owned> out;
  Status s = DecodeLineBlockBase64(b64, [&](const BlockLine& l) {
    out.push_back({l.seq, l.day, l.amount_ore, std::string(l.claim_id), std::string(l.code), std::string(l.rule),
                   std::string(l.reason), std::string(l.paragraph)});
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

TEST(LineBlocks, RoundTripsEveryField) {
  LineBlockBuilder b;
  b.Add(1, "202500000001", 1, "0101", 17753, "", "Honoreret efter takst.", "OK25 pkt. 5.4 (+4,65 kr.)");
  b.Add(7, "202500000002", 1, "0120", 0, "chronic.enrol", "Tilmeldt kronikerforløb", "§ 12");
  // Not decimal (leading zero, letters, empty, too long): kept as bytes.
  b.Add(9, "0042", 31, "0101", -5, "", "Honoreret efter takst.", "");
  b.Add(10, "A-17;\"x\"", 2, "0101", 1, "", "Honoreret efter takst.", "");
  b.Add(11, "", 3, "", 0, "", "", "");
  b.Add(12, "1234567890123456789", 4, "0101", 9000000000000, "", "æøå", "");
  b.Add(1000000, "7", 5, "0101", 1, "", "", "");  // the decimal delta goes backwards
  EXPECT_EQ(b.lines(), 7);
  EXPECT_EQ(b.amount_ore(), 17753 - 5 + 1 + 9000000000000 + 1);
  auto lines = Decode(b.FinishBase64());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].seq, 1);
  EXPECT_EQ(lines[0].claim, "202500000001");
  EXPECT_EQ(lines[0].paragraph, "OK25 pkt. 5.4 (+4,65 kr.)");
  EXPECT_EQ(lines[1].seq, 7);
  EXPECT_EQ(lines[1].rule, "chronic.enrol");
  EXPECT_EQ(lines[1].reason, "Tilmeldt kronikerforløb");
  EXPECT_EQ(lines[2].claim, "0042");
  EXPECT_EQ(lines[2].day, 31);
  EXPECT_EQ(lines[2].amount, -5);
  EXPECT_EQ(lines[3].claim, "A-17;\"x\"");
  EXPECT_EQ(lines[4].claim, "");
  EXPECT_EQ(lines[4].code, "");
  EXPECT_EQ(lines[5].claim, "1234567890123456789");
  EXPECT_EQ(lines[5].amount, 9000000000000);
  EXPECT_EQ(lines[5].reason, "æøå");
  EXPECT_EQ(lines[6].seq, 1000000);
  EXPECT_EQ(lines[6].claim, "7");
}

TEST(LineBlocks, EmptyBlock) {
  LineBlockBuilder b;
  EXPECT_TRUE(Decode(b.FinishBase64()).empty());
}

TEST(LineBlocks, CorruptBlocksAreErrors) {
  LineBlockBuilder b;
  b.Add(1, "1", 1, "0101", 1, "", "", "");
  std::string frame = b.Finish();
  auto noop = [](const BlockLine&) {};
  EXPECT_TRUE(DecodeLineBlock(frame, noop).ok());
  EXPECT_FALSE(DecodeLineBlock(frame.substr(0, frame.size() / 2), noop).ok());
  EXPECT_FALSE(DecodeLineBlock("not a block", noop).ok());
  EXPECT_FALSE(DecodeLineBlockBase64("!!!", noop).ok());
}

}  // namespace
}  // namespace almen
