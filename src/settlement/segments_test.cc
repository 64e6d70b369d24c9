// Pass 2 on segments (slices.h RunSegmentsInOrder, engine.h
// ServiceAccumulator): whichever thread does which segment, and however long
// each takes, the output is written in segment order and a service row's
// reason is that of its first line in the file. And the progress reports of a
// long run (slices.h ProgressReporter).
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "common/file.h"
#include "settlement/engine.h"
#include "settlement/slices.h"

namespace almen::settle_internal {
namespace {

namespace fs = std::filesystem;

class SegmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("almen-segments-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(SegmentsTest, OutputIsInSegmentOrderWhateverTheThreadsAndTheirSpeed) {
  for (int threads : {1, 2, 3, 8}) {
    for (size_t count : {size_t{0}, size_t{1}, size_t{5}, size_t{200}}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, " + std::to_string(count) + " segments");
      std::string expected = "head\n", expected_aux;
      for (size_t j = 0; j < count; ++j) {
        expected += "segment " + std::to_string(j) + "\n";
        expected_aux += std::string(j % 3, static_cast<char>('a' + j % 26));
      }
      std::vector<int> done_by(count, -1);
      Status st = RunSegmentsInOrder(
          count, threads, Path("out.csv"), "head\n", Path("out.aux"),
          [&](size_t j, int worker, OutputBuffer* out, OutputBuffer* aux) {
            // Uneven work: later segments often finish first.
            std::this_thread::sleep_for(std::chrono::microseconds((j * 7919) % 5 * 200));
            out->Append("segment " + std::to_string(j) + "\n");
            aux->Append(std::string(j % 3, static_cast<char>('a' + j % 26)));
            done_by[j] = worker;
            return Status::Ok();
          });
      ASSERT_TRUE(st.ok()) << st.message();
      EXPECT_EQ(*ReadFile(Path("out.csv")), expected);
      EXPECT_EQ(*ReadFile(Path("out.aux")), expected_aux);
      for (int w : done_by) {
        EXPECT_GE(w, 0);
        EXPECT_LT(w, threads);
      }
    }
  }
}

TEST_F(SegmentsTest, OutputPastThePageCacheIsTheSameBytes) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    std::string expected = "head\n";
    for (size_t j = 0; j < 40; ++j) expected += std::string(j * 40009 % 300000, static_cast<char>('a' + j % 26)) + "\n";
    for (bool direct : {false, true}) {
      Status st = RunSegmentsInOrder(
          40, threads, Path("out.csv"), "head\n", Path("out.aux"),
          [](size_t j, int, OutputBuffer* out, OutputBuffer* aux) {
            out->Append(std::string(j * 40009 % 300000, static_cast<char>('a' + j % 26)) + "\n");
            aux->Append(std::to_string(j));
            return Status::Ok();
          },
          {}, direct);
      ASSERT_TRUE(st.ok()) << st.message();
      EXPECT_EQ(*ReadFile(Path("out.csv")), expected);
      EXPECT_EQ(ReadFile(Path("out.aux"))->size(), 70u);
    }
  }
}

TEST_F(SegmentsTest, NoAuxPathWritesNoAuxFile) {
  Status st = RunSegmentsInOrder(3, 2, Path("out.csv"), "", "", [](size_t j, int, OutputBuffer* out, OutputBuffer* aux) {
    out->Append(std::to_string(j));
    aux->Append("ignored");
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*ReadFile(Path("out.csv")), "012");
  EXPECT_FALSE(fs::exists(Path("out.aux")));
}

TEST_F(SegmentsTest, TheFirstErrorEndsTheRunAndIsReturned) {
  for (int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    std::atomic<int> after{0};
    Status st = RunSegmentsInOrder(500, threads, Path("out.csv"), "", "",
                                   [&](size_t j, int, OutputBuffer* out, OutputBuffer*) {
                                     if (j == 37) return Internal("segment 37 failed");
                                     if (j > 60) ++after;
                                     out->Append("x");
                                     return Status::Ok();
                                   });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "segment 37 failed");
    // Threads stop taking segments soon after: at most a pool's worth more.
    EXPECT_LE(after.load(), 2 * threads + 1 + threads);
  }
}

TEST_F(SegmentsTest, AnUnwritablePathIsAnError) {
  Status st = RunSegmentsInOrder(2, 2, Path("no/such/dir/out.csv"), "", "",
                                 [](size_t, int, OutputBuffer*, OutputBuffer*) { return Status::Ok(); });
  EXPECT_FALSE(st.ok());
}

TEST_F(SegmentsTest, WrittenIsCalledInOrderOnce) {
  std::vector<size_t> seen;
  Status st = RunSegmentsInOrder(
      50, 3, Path("out.csv"), "", "",
      [](size_t j, int, OutputBuffer* out, OutputBuffer*) {
        std::this_thread::sleep_for(std::chrono::microseconds((50 - j) * 20));
        out->Append(".");
        return Status::Ok();
      },
      [&](size_t j) { seen.push_back(j); });
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(seen.size(), 50u);
  for (size_t j = 0; j < seen.size(); ++j) EXPECT_EQ(seen[j], j);
}

TEST(ProgressReporter, ReportsThePhaseAndItsBytesAboutTwiceASecond) {
  std::mutex mu;
  std::vector<std::tuple<std::string, int64_t, int64_t>> seen;
  {
    ProgressReporter progress(
        [&](std::string_view phase, int64_t done, int64_t total, double) {
          std::lock_guard lock(mu);
          seen.emplace_back(std::string(phase), done, total);
        },
        1000);
    progress.Phase("pass 1");
    progress.Add(300);
    progress.Add(400);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    progress.Phase("pass 2");
    progress.Add(2000);  // more than the total: reported as the total
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  std::lock_guard lock(mu);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_LE(seen.size(), 5u);
  EXPECT_EQ(seen.front(), std::make_tuple(std::string("pass 1"), int64_t{700}, int64_t{1000}));
  EXPECT_EQ(seen.back(), std::make_tuple(std::string("pass 2"), int64_t{1000}, int64_t{1000}));
}

TEST(ProgressReporter, WithoutAReportNothingRuns) {
  ProgressReporter progress({}, 10);
  progress.Phase("pass 1");
  progress.Add(5);  // no thread, nothing to call
}

TEST(OutputBuffer, GrowsKeepingWhatItHolds) {
  OutputBuffer b;
  std::string want;
  for (int i = 0; i < 20000; ++i) {
    const std::string piece = std::to_string(i) + (i % 7 ? "," : "\n");
    if (i % 2) {
      b.Append(piece);
    } else {
      char* p = b.Reserve(piece.size() + 100);  // more room than used
      std::memcpy(p, piece.data(), piece.size());
      b.Commit(p + piece.size());
    }
    want += piece;
  }
  EXPECT_EQ(b.view(), want);
  b.clear();
  EXPECT_EQ(b.size(), 0u);
  b.Append("again");
  EXPECT_EQ(b.view(), "again");
}

TEST(ServiceAccumulator, ARowsReasonIsThatOfItsFirstLineWhicheverThreadAddedIt) {
  // Lines 1…40 of one row, spread over three accumulators in shuffled order.
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    std::vector<int64_t> seqs;
    for (int64_t s = 1; s <= 40; ++s) seqs.push_back(s);
    std::shuffle(seqs.begin(), seqs.end(), rng);
    ServiceAccumulator parts[3];
    for (size_t i = 0; i < seqs.size(); ++i)
      parts[i % 3].Add(123456, Month::Of(*Date::Parse("2025-03-04")), 101, LineStatus::kAccepted, nullptr, nullptr,
                       1, Money::FromOre(100), "line " + std::to_string(seqs[i]), seqs[i]);
    ServiceAccumulator all;
    for (int k : {2, 0, 1}) all.Merge(std::move(parts[k]));
    auto totals = all.Totals();
    ASSERT_EQ(totals.size(), 1u);
    EXPECT_EQ(totals[0].reason, "line 1");
    EXPECT_EQ(totals[0].count, 40);
    EXPECT_EQ(totals[0].amount, Money::FromOre(4000));
  }
}

TEST(ServiceAccumulator, OpenRowsAndBuffersAddUpAsOneMapWould) {
  // Lines with stable reasons go through the open rows and the buffers
  // (engine.h); many rows contend for the slots. The totals, counts and first
  // reasons are those of a plain map, however the lines are shared out.
  static const std::string kReasons[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
  std::mt19937_64 rng(5);
  struct Want {
    int64_t count = 0, ore = 0, first = INT64_MAX;
    std::string reason;
  };
  std::map<std::tuple<int, int32_t, int, int>, Want> want;
  ServiceAccumulator parts[2];
  const Month march = Month::Of(*Date::Parse("2025-03-04"));
  for (int64_t seq = 0; seq < 200000; ++seq) {
    const int provider = 100000 + static_cast<int>(rng() % 300);
    const Month month = march + static_cast<int>(rng() % 3);
    const int code = static_cast<int>(rng() % 60);
    const LineStatus status = rng() % 4 ? LineStatus::kAccepted : LineStatus::kReview;
    const int64_t ore = static_cast<int64_t>(rng() % 1000);
    const std::string& reason = kReasons[rng() % std::size(kReasons)];
    parts[rng() % 2].Add(provider, month, code, status, nullptr, nullptr, 1, Money::FromOre(ore), reason, seq,
                         /*stable=*/true);
    Want& w = want[{provider, month.serial, code, static_cast<int>(status)}];
    ++w.count;
    w.ore += ore;
    if (seq < w.first) {
      w.first = seq;
      w.reason = reason;
    }
  }
  ServiceAccumulator all;
  all.Merge(std::move(parts[1]));
  all.Merge(std::move(parts[0]));
  auto totals = all.Totals();
  ASSERT_EQ(totals.size(), want.size());
  for (const ServiceTotal& t : totals) {
    auto it = want.find({t.provider, t.month.serial, t.code, static_cast<int>(t.status)});
    ASSERT_NE(it, want.end());
    EXPECT_EQ(t.count, it->second.count);
    EXPECT_EQ(t.amount, Money::FromOre(it->second.ore));
    EXPECT_EQ(t.reason, it->second.reason);
  }
}

TEST(SplitAtLines, CutsAfterTheFirstLineEndPastEachShareAndCoversTheBody) {
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "line " + std::to_string(i) + "\n";
  for (int n : {1, 2, 3, 7}) {
    auto slices = SplitAtLines(body, 2, n);
    ASSERT_EQ(slices.size(), static_cast<size_t>(n));
    std::string joined;
    for (size_t k = 0; k < slices.size(); ++k) {
      joined += slices[k].text;
      EXPECT_EQ(slices[k].first_line, k == 0 ? 2 : 0);
      if (k + 1 < slices.size()) {
        EXPECT_EQ(slices[k].text.back(), '\n');
      }
    }
    EXPECT_EQ(joined, body);
  }
  EXPECT_EQ(SplitAtLines("", 2, 3).size(), 1u);
  EXPECT_EQ(SplitAtLines("one line, no end", 2, 3).size(), 1u);
}

TEST(ForRanges, EachIndexOnceInContiguousRanges) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{5}, size_t{1000}})
    for (int threads : {1, 2, 3, 8}) {
      std::vector<int> hits(n, 0);
      std::mutex mu;
      std::set<size_t> used;
      ForRanges(n, threads, [&](size_t t, size_t from, size_t to) {
        ASSERT_LE(from, to);
        for (size_t i = from; i < to; ++i) ++hits[i];
        std::lock_guard lock(mu);
        EXPECT_TRUE(used.insert(t).second);
      });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i], 1) << n << " " << threads << " " << i;
      EXPECT_LE(used.size(), static_cast<size_t>(threads));
    }
}

}  // namespace
}  // namespace almen::settle_internal
