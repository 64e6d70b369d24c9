#include "common/sealed.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "common/crypto.h"
#include "common/file.h"

namespace almen {
namespace {

namespace fs = std::filesystem;

class SealedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("almen-sealed-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteInput(const std::string& content) {
    std::string p = (dir_ / "in.csv").string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::vector<std::string> Seal(const std::string& content, const SealKey& key) {
    std::vector<std::string> chunks;
    Status s = SealFile(WriteInput(content), key, [&](int64_t n, std::string&& c) {
      EXPECT_EQ(n, static_cast<int64_t>(chunks.size()));
      chunks.push_back(std::move(c));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return chunks;
  }
  Status Open(const std::vector<std::string>& chunks, const SealKey& key, std::string* out) {
    size_t i = 0;
    std::string p = (dir_ / "out.csv").string();
    Status s = UnsealToFile(
        key, [&]() -> StatusOr<std::optional<std::string>> {
          if (i == chunks.size()) return std::optional<std::string>();
          return std::optional<std::string>(chunks[i++]);
        },
        p);
    if (s.ok()) *out = *ReadFile(p);
    return s;
  }

  fs::path dir_;
};

SealKey Key(const char* secret) { return Pseudonymizer(secret).archive_key(); }

TEST_F(SealedTest, RoundTripsSmallEmptyAndMultiBlockFiles) {
  std::mt19937_64 rng(7);
  std::string big;
  // Three blocks and a bit, of CSV-like text with CPR-like numbers.
  while (big.size() < 3 * kSealBlockBytes + 1234)
    big += "c" + std::to_string(rng()) + ",123456,0101198" + std::to_string(rng() % 10) + "-1234,2025-01-02\n";
  for (const std::string& content : {std::string("claim_id,cpr\nc1,0101801234\n"), std::string(), big}) {
    auto chunks = Seal(content, Key("k1"));
    ASSERT_EQ(chunks.size(), 1 + std::max<size_t>(1, (content.size() + kSealBlockBytes - 1) / kSealBlockBytes));
    std::string back;
    ASSERT_TRUE(Open(chunks, Key("k1"), &back).ok());
    EXPECT_EQ(back, content);
  }
}

TEST_F(SealedTest, NoPlainTextInTheChunks) {
  auto chunks = Seal("claim_id,cpr\nc1,0101801234\n", Key("k1"));
  for (const auto& c : chunks) EXPECT_EQ(c.find("0101801234"), std::string::npos);
  // Not the same ciphertext twice (random header nonce).
  EXPECT_NE(Seal("x", Key("k1"))[1], Seal("x", Key("k1"))[1]);
}

TEST_F(SealedTest, WrongKeyTamperingReorderAndTruncationFailWithoutOutput) {
  std::string big(2 * kSealBlockBytes + 10, 'a');
  auto chunks = Seal(big, Key("k1"));
  ASSERT_EQ(chunks.size(), 4u);
  std::string out;
  EXPECT_FALSE(Open(chunks, Key("k2"), &out).ok());
  auto tampered = chunks;
  tampered[2][10] = tampered[2][10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Open(tampered, Key("k1"), &out).ok());
  auto swapped = chunks;
  std::swap(swapped[1], swapped[2]);
  EXPECT_FALSE(Open(swapped, Key("k1"), &out).ok());
  auto truncated = chunks;
  truncated.pop_back();
  Status s = Open(truncated, Key("k1"), &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(dir_ / "out.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "out.csv.part"));
}

TEST_F(SealedTest, ArchiveKeyDependsOnTheSecret) {
  EXPECT_NE(Key("a"), Key("b"));
  EXPECT_EQ(Key("a"), Key("a"));
}

}  // namespace
}  // namespace almen
