// FileWriter (file.h): the same bytes whether they go past the page cache or
// through it, for every length around its block and buffer sizes, on the
// temporary directory (tmpfs on some machines: O_DIRECT refused, buffered) and
// on the build directory (a disk: O_DIRECT taken).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "common/file.h"

namespace almen {
namespace {

namespace fs = std::filesystem;

std::string Bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

class FileWriterTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const fs::path base = GetParam() ? fs::temp_directory_path() : fs::current_path();
    dir_ = base / ("almen-filewriter-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_P(FileWriterTest, DirectAndBufferedWriteTheSameBytes) {
  constexpr size_t kB = FileWriter::kBlock, kBuf = FileWriter::kBuffer;
  for (size_t n : {size_t{0}, size_t{1}, kB - 1, kB, kB + 1, kBuf - 1, kBuf, kBuf + 1, 3 * kBuf + 4321}) {
    for (bool direct : {false, true}) {
      SCOPED_TRACE(std::to_string(n) + (direct ? " bytes, direct" : " bytes, buffered"));
      const std::string want = Bytes(n, static_cast<uint32_t>(n));
      auto w = FileWriter::Create(Path("out"), direct);
      ASSERT_TRUE(w.ok()) << w.status().message();
      // Appends of uneven sizes, some larger than the buffer.
      std::mt19937 rng(7);
      for (size_t at = 0; at < n;) {
        const size_t k = std::min<size_t>(n - at, rng() % 3 == 0 ? rng() % (2 * kBuf) : rng() % 9000);
        ASSERT_TRUE(w->Append(std::string_view(want).substr(at, k)).ok());
        at += k;
      }
      ASSERT_TRUE(w->Close().ok());
      EXPECT_EQ(fs::file_size(Path("out")), n);
      EXPECT_EQ(*ReadFile(Path("out")), want);
    }
  }
}

TEST_P(FileWriterTest, ReplacesWhatWasThere) {
  ASSERT_TRUE(WriteFileAtomic(Path("out"), Bytes(3 * FileWriter::kBuffer, 1)).ok());
  auto w = FileWriter::Create(Path("out"), true);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->Append("short").ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(*ReadFile(Path("out")), "short");
}

TEST_P(FileWriterTest, WithoutCloseTheWrittenBlocksAreThereAndNothingLeaks) {
  bool direct = false;
  {
    auto w = FileWriter::Create(Path("out"), true);
    ASSERT_TRUE(w.ok());
    FileWriter moved = std::move(*w);
    direct = moved.direct();
    ASSERT_TRUE(moved.Append(Bytes(FileWriter::kBuffer + 10, 2)).ok());
  }
  // Past the page cache the last 10 bytes were still in the buffer.
  EXPECT_EQ(fs::file_size(Path("out")), FileWriter::kBuffer + (direct ? 0 : 10));
}

TEST_P(FileWriterTest, AnUnwritablePathIsAnError) {
  for (bool direct : {false, true}) {
    auto w = FileWriter::Create(Path("no/such/dir/out"), direct);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.status().message().find("cannot write"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(TempAndBuildDirectory, FileWriterTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Temp" : "BuildDirectory"; });

}  // namespace
}  // namespace almen
