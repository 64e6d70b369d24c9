// Unit tests of the rule kinds and engine properties, driving Settle on small
// files in a temporary directory. Golden scenarios live in tests/golden/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "common/csv.h"
#include "common/file.h"
#include "settlement/engine.h"
#include "settlement/settle.h"

namespace almen {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::string claim_id, provider, date, code, status, rule, reason;
  int64_t amount = 0;
};

class SettleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("almen-settle-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  static constexpr const char* kHeader =
      "claim_id,provider,cpr,service_date,code,quantity,contact_id,performer,setting,indication,course_id,minutes,km\n";

  Status Run(const std::string& claims, SettleOptions opt = {}, const std::string& out = "out") {
    opt.claims_path = Write("claims.csv", std::string(kHeader) + claims);
    out_ = (dir_ / out).string();
    return Settle(agreement_, pseudonymizer_, opt, out_, &summary_);
  }

  std::vector<Row> Lines() const {
    auto text = ReadFile(out_ + "/lines.csv");
    auto r = CsvReader::Open("lines.csv", *text);
    std::vector<Row> rows;
    while (*r->Next()) {
      Row row;
      row.claim_id = r->field(r->Column("claim_id"));
      row.provider = r->field(r->Column("provider"));
      row.date = r->field(r->Column("service_date"));
      row.code = r->field(r->Column("code"));
      row.status = r->field(r->Column("status"));
      row.amount = std::stoll(std::string(r->field(r->Column("amount_ore"))));
      row.rule = r->field(r->Column("rule"));
      row.reason = r->field(r->Column("reason"));
      rows.push_back(row);
    }
    return rows;
  }
  std::string Statements() const { return *ReadFile(out_ + "/statements.csv"); }
  // Settles `claims` on one thread and on each of `threads`: lines.csv and the
  // statements are the same byte for byte. Returns the one thread's lines.csv.
  std::string SameOnThreads(const std::string& claims, std::initializer_list<int> threads) {
    SettleOptions one;
    one.threads = 1;
    EXPECT_TRUE(Run(claims, one, "one").ok());
    std::string l1 = *ReadFile(out_ + "/lines.csv"), s1 = Statements();
    for (int n : threads) {
      SettleOptions many;
      many.threads = n;
      EXPECT_TRUE(Run(claims, many, "many" + std::to_string(n)).ok()) << n;
      EXPECT_EQ(*ReadFile(out_ + "/lines.csv"), l1) << n;
      EXPECT_EQ(Statements(), s1) << n;
    }
    return l1;
  }

  fs::path dir_;
  std::string out_;
  Agreement agreement_ = *Agreement::LoadBuiltin();
  Pseudonymizer pseudonymizer_{"test-key"};
  SettleSummary summary_;
};

TEST_F(SettleTest, PricesAtTheRegulatedOrTheStatedLevel) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,0101,2,,,,,,,\n"
                  "2,123456,0101801233,2024-03-04,0101,1,,,,,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].amount, 2 * 17753);  // 172,88 + 4,65 (OK25 pkt. 5.4), × 2
  EXPECT_EQ(rows[1].amount, 16822);      // 172,88 × 0,973046 before 1 April 2024
  SettleOptions apr;
  apr.price_level_apr24 = true;
  ASSERT_TRUE(Run("2,123456,0101801233,2024-03-04,0101,1,,,,,,,\n", apr, "out2").ok());
  EXPECT_EQ(Lines()[0].amount, 17288);
  EXPECT_EQ(summary_.price_level, "apr-24");
}

TEST_F(SettleTest, Code2151PaidIn2024OnlyAndRuleIdStable) {
  ASSERT_TRUE(Run("1,123456,0101801233,2024-12-31,2151,1,,,,,,,\n"
                  "2,123456,0101801233,2025-01-01,2151,1,,,,,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].status, "accepted");
  EXPECT_EQ(rows[1].status, "rejected");
  EXPECT_EQ(rows[1].rule, "2151.abolished");
  EXPECT_NE(rows[1].reason.find("5.4"), std::string::npos);
}

TEST_F(SettleTest, Only0120IsPaidWith0101InOneContact) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,0101,1,k,,,,,,\n"
                  "2,123456,0101801233,2025-03-04,0120,1,k,,,chronic_programme,,,\n"
                  "3,123456,0101801233,2025-03-04,0101,1,,,,,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].rule, "0120.not_with_0101");
  EXPECT_EQ(rows[0].status, "rejected");
  EXPECT_EQ(rows[1].status, "accepted");
  EXPECT_EQ(rows[2].status, "accepted");  // its own contact
}

TEST_F(SettleTest, A0101IsPaidWhenThe0120InItsContactIsNot) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,0101,1,k,,out_of_hours,,,,\n"
                  "2,123456,0101801233,2025-03-04,0120,1,k,,out_of_hours,chronic_programme,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].status, "accepted");
  EXPECT_EQ(rows[1].rule, "0120.not_out_of_hours");
}

TEST_F(SettleTest, ChildAndPregnancyExamsAnd0121Exclude0120) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,8211,1,a,,,,,,\n"
                  "2,123456,0101801233,2025-03-04,0120,1,a,,,chronic_programme,,,\n"
                  "3,123456,0202801234,2025-03-04,8120,1,b,,,,,,\n"
                  "4,123456,0202801234,2025-03-04,0120,1,b,,,chronic_programme,,,\n"
                  "5,123456,0303801234,2025-03-04,0121,1,c,,home,,,,\n"
                  "6,123456,0303801234,2025-03-04,0120,1,c,,home,chronic_programme,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].status, "accepted");
  EXPECT_EQ(rows[1].rule, "0120.not_with_child_pregnancy_exam");
  EXPECT_EQ(rows[3].rule, "0120.not_with_child_pregnancy_exam");
  EXPECT_EQ(rows[4].status, "accepted");
  EXPECT_EQ(rows[5].rule, "0120.not_with_0121");
}

TEST_F(SettleTest, StaffMayDo0120OnlyForTheNamedIndications) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,0120,1,,staff,,chronic_programme,,,\n"
                  "2,123456,0202801234,2025-03-04,0120,1,,staff,,hypertension,,,\n"
                  "3,123456,0303801233,2025-03-04,0120,1,,staff,,thyroid,,,\n"
                  "4,123456,0404801234,2025-03-04,0120,1,,staff,,osteoporosis,,,\n"
                  "5,123456,0505801233,2025-03-04,0120,1,,staff,,other,,,\n"
                  "6,123456,0606801234,2025-03-04,0120,1,,staff,,,,,\n"
                  "7,123456,0707801233,2025-03-04,0120,1,,doctor,,other,,,\n").ok());
  auto rows = Lines();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rows[static_cast<size_t>(i)].status, "accepted") << i;
  EXPECT_EQ(rows[4].rule, "0120.not_by_staff");
  EXPECT_EQ(rows[5].rule, "0120.not_by_staff");
  EXPECT_EQ(rows[6].status, "accepted");
}

// Bilag 3 pkt. 8.1: add-ons and lab with 0120 only exceptionally (review);
// psychometric tests (2149) are allowed with 0120 for psychiatric conditions
// such as dementia (and reduction of addictive medicine), else reviewed too.
TEST_F(SettleTest, AddOnsAndLabWith0120AreReviewedExcept2149ForPsychiatricConditions) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,0120,1,k,,,chronic_programme,,,\n"
                  "2,123456,0101801233,2025-03-04,2101,1,k,,,,,,\n"
                  "3,123456,0101801233,2025-03-04,7120,1,k,,,,,,\n"
                  "4,123456,0101801233,2025-03-04,2149,1,k,,,,,,\n"
                  "5,123456,0202801233,2025-03-04,0120,1,d,,,dementia,,,\n"
                  "6,123456,0202801233,2025-03-04,2149,1,d,,,,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[1].status, "review");
  EXPECT_EQ(rows[1].rule, "0120.addon_only_exceptionally");
  EXPECT_GT(rows[1].amount, 0);
  EXPECT_EQ(rows[2].status, "review");
  EXPECT_EQ(rows[3].status, "review");  // 2149 with a chronic-programme 0120
  EXPECT_EQ(rows[5].status, "accepted");  // 2149 with a dementia 0120
  EXPECT_EQ(summary_.review, 3);
}

TEST_F(SettleTest, HomeAnnualStatusPaysTransportNotTheVisit) {
  ASSERT_TRUE(Run("1,123456,0101801233,2025-03-04,0120,1,h,,home,chronic_programme,,20,10\n"
                  "2,123456,0101801233,2025-03-04,0421,1,h,,home,,,,\n"
                  "3,123456,0101801233,2025-03-04,9001,10,h,,home,,,,10\n").ok());
  auto rows = Lines();
  // 412,55 + 2 started quarters × 120,00; mileage on its own 9001 line: 10 km × 3,81
  EXPECT_EQ(rows[0].amount, 41255 + 2 * 12000);
  EXPECT_EQ(rows[1].rule, "0120.home_no_visit_fee");
  EXPECT_EQ(rows[2].status, "accepted");
  EXPECT_EQ(rows[2].amount, 10 * 381);
}

TEST_F(SettleTest, PerPatientRulesAcrossTheFileRegardlessOfOrder) {
  // chronic_risk once per patient (across providers), dementia twice per year,
  // addiction once per course. Lines deliberately out of date order.
  ASSERT_TRUE(Run("1,123456,0101801233,2025-09-01,0120,1,,,,chronic_risk,,,\n"
                  "2,654321,0101801233,2025-02-01,0120,1,,,,chronic_risk,,,\n"
                  "3,123456,0202801234,2025-12-01,0120,1,,,,dementia,,,\n"
                  "4,123456,0202801234,2025-03-01,0120,1,,,,dementia,,,\n"
                  "5,123456,0202801234,2025-06-01,0120,1,,,,dementia,,,\n"
                  "6,123456,0202801234,2026-01-05,0120,1,,,,dementia,,,\n"
                  "7,123456,0303801233,2025-05-01,0120,1,,,,addiction,A,,\n"
                  "8,123456,0303801233,2025-04-01,0120,1,,,,addiction,A,,\n"
                  "9,123456,0303801233,2025-06-01,0120,1,,,,addiction,B,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].rule, "0120.chronic_risk_once");
  EXPECT_NE(rows[0].reason.find("1. februar 2025"), std::string::npos) << rows[0].reason;
  EXPECT_EQ(rows[1].status, "accepted");
  EXPECT_EQ(rows[2].rule, "0120.dementia_twice_per_year");
  EXPECT_EQ(rows[3].status, "accepted");
  EXPECT_EQ(rows[4].status, "accepted");
  EXPECT_EQ(rows[5].status, "accepted");  // a new year
  EXPECT_EQ(rows[6].rule, "0120.addiction_once_per_course");
  EXPECT_EQ(rows[7].status, "accepted");
  EXPECT_EQ(rows[8].status, "accepted");  // another course
}

TEST_F(SettleTest, ChronicFeesWithLtoRatesAndTwelveMonthEnrolment) {
  SettleOptions opt;
  opt.providers_path = Write("providers.csv",
                             "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
                             "111111,LTO,0360,ordinary,2,1,2020-01-01,\n"
                             "222222,By,0101,ordinary,2,0,2020-01-01,\n");
  ASSERT_TRUE(Run("1,111111,0101801233,2025-03-10,0130,1,,,,,,,\n"
                  "2,111111,0202801234,2025-03-10,0131,1,,,,,,,\n"
                  "3,111111,0303801233,2025-03-10,0132,1,,,,,,,\n"
                  "4,222222,0404801234,2025-03-10,0130,1,,,,,,,\n"
                  "5,222222,0404801234,2025-08-10,0130,1,,,,,,,\n"
                  "6,111111,0404801234,2025-09-10,0131,1,,,,,,,\n",
                  opt)
                  .ok());
  auto rows = Lines();
  // LTO: (monthly × 12 + the 5.4 raise) / 12, rounded to whole øre (H4).
  EXPECT_EQ(rows[0].amount, 22542);  // (2.644,68 + 60,34) / 12 = 225,418…
  EXPECT_EQ(rows[1].amount, 22601);  // (2.644,68 + 67,39) / 12 = 226,005…
  EXPECT_EQ(rows[2].amount, 41650);  // (4.913,16 + 84,79) / 12 = 416,495…
  EXPECT_EQ(rows[3].amount, 17878);  // (2.085,00 + 60,34) / 12 = 178,778…
  EXPECT_EQ(rows[4].rule, "chronic.already_enrolled");
  EXPECT_EQ(rows[5].rule, "chronic.enrolled_elsewhere");
  std::string st = Statements();
  int months = 0;
  std::istringstream in(st);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("111111,", 0) == 0 && line.find(",chronic_fee,0130,") != std::string::npos) ++months;
  EXPECT_EQ(months, 12);
  EXPECT_NE(st.find("111111,2026-02,chronic_fee,0130,1,22542"), std::string::npos) << st;
  EXPECT_EQ(st.find("111111,2026-03,chronic_fee,0130"), std::string::npos);
}

TEST_F(SettleTest, BasishonorarPerListedPatientPerMonth) {
  SettleOptions opt;
  opt.listings_path = Write("listings.csv",
                            "provider,cpr,listed_from,listed_to\n"
                            "123456,0101801233,2020-01-01,\n"
                            "123456,0202801234,2025-02-15,2025-04-01\n");
  ASSERT_TRUE(Run("1,123456,0101801233,2025-01-04,0101,1,,,,,,,\n"
                  "2,123456,0101801233,2025-04-04,0101,1,,,,,,,\n",
                  opt)
                  .ok());
  std::string st = Statements();
  EXPECT_NE(st.find("123456,2025-01,basishonorar,,1,4003"), std::string::npos) << st;
  EXPECT_NE(st.find("123456,2025-03,basishonorar,,2,8006"), std::string::npos) << st;
  EXPECT_NE(st.find("123456,2025-04,basishonorar,,1,4003"), std::string::npos) << st;
}

TEST_F(SettleTest, DuplicateClaimIdsAreNeverPaidTwice) {
  ASSERT_TRUE(Run("A,123456,0101801233,2025-03-04,0101,1,,,,,,,\n"
                  "A,123456,0101801233,2025-03-04,0101,1,,,,,,,\n"
                  "A,654321,0101801233,2025-03-04,0101,1,,,,,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].status, "accepted");
  EXPECT_EQ(rows[1].rule, "claim.duplicate");
  EXPECT_EQ(rows[2].status, "accepted");  // unique per provider
}

TEST_F(SettleTest, MalformedCprIsARejectedLineAndNeverEchoed) {
  ASSERT_TRUE(Run("1,123456,3213801233,2025-03-04,0101,1,,,,,,,\n").ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].rule, "cpr.malformed");
  for (const char* f : {"lines.csv", "statements.csv", "summary.json"})
    EXPECT_EQ(ReadFile(out_ + "/" + f)->find("3213801233"), std::string::npos) << f;
}

TEST_F(SettleTest, UnknownProviderWhenARegisterIsGiven) {
  SettleOptions opt;
  opt.providers_path = Write("providers.csv",
                             "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
                             "111111,A,0101,ordinary,1,0,2025-01-01,2025-06-01\n");
  ASSERT_TRUE(Run("1,111111,0101801233,2025-03-04,0101,1,,,,,,,\n"
                  "2,111111,0101801233,2025-07-04,0101,1,,,,,,,\n"
                  "3,999999,0101801233,2025-03-04,0101,1,,,,,,,\n",
                  opt)
                  .ok());
  auto rows = Lines();
  EXPECT_EQ(rows[0].status, "accepted");
  EXPECT_EQ(rows[1].rule, "provider.unknown");
  EXPECT_EQ(rows[2].rule, "provider.unknown");
}

TEST_F(SettleTest, BadInputWritesNothing) {
  Status st = Run("1,123456,0101801233,2025-02-30,0101,1,,,,,,,\n");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("claims.csv:2:4 (service_date)"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(out_));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".almen-staging"), std::string::npos);
}

// A file of random but valid lines exercising every rule kind.
// `quoted_newlines`: a quarter of the course ids are quoted with line ends in them.
std::string RandomClaims(std::mt19937_64& rng, int n, int patients = 60, bool quoted_newlines = false) {
  const char* codes[] = {"0101", "0120", "0120", "0130", "0131", "0132", "2101", "2149", "7120",
                         "8211", "0121", "0411", "2151", "0201", "0105"};
  const char* inds[] = {"", "chronic_programme", "chronic_risk", "dementia", "addiction", "other", "hypertension"};
  const char* settings[] = {"", "home", "out_of_hours", "clinic"};
  std::string s;
  for (int i = 0; i < n; ++i) {
    int patient = static_cast<int>(rng() % static_cast<uint64_t>(patients));
    char cpr[32];  // (room for any int, as the compiler cannot know the patients are < 9000)
    std::snprintf(cpr, sizeof cpr, "%02d0180%04d", 1 + patient % 28, 1000 + patient);
    int month = 1 + static_cast<int>(rng() % 12), day = 1 + static_cast<int>(rng() % 28);
    char date[16];
    std::snprintf(date, sizeof date, "2025-%02d-%02d", month, day);
    std::string contact = rng() % 3 ? "c" + std::to_string(rng() % 40) : "";
    s += std::to_string(rng() % (n * 2)) + "," + (rng() % 2 ? "123456" : "654321") + "," + cpr + "," + date + "," +
         codes[rng() % std::size(codes)] + ",1," + contact + "," + (rng() % 5 ? "doctor" : "staff") + "," +
         settings[rng() % std::size(settings)] + "," + inds[rng() % std::size(inds)] + "," +
         (quoted_newlines && rng() % 4 == 0 ? "\"A\nB\r\nC\"" : rng() % 2 ? "A" : "B") + "," + std::to_string(rng() % 40) + "," + std::to_string(rng() % 20) + "\n";
  }
  return s;
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(SettleTest, ReorderingLinesDoesNotChangeTheResult) {
  std::mt19937_64 rng(7);
  std::string claims = RandomClaims(rng, 3000);
  std::vector<std::string> lines;
  std::istringstream in(claims);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  // Claim ids repeat at random; keep only the first of each (provider, id)
  // so that "which one is the repeat" does not depend on order.
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (const auto& l : lines) {
    auto c1 = l.find(','), c2 = l.find(',', c1 + 1);
    if (seen.insert(l.substr(0, c2)).second) unique.push_back(l);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v) s += l + "\n";
    return s;
  };
  ASSERT_TRUE(Run(join(unique), {}, "a").ok());
  auto lines_a = SortedLines(*ReadFile(out_ + "/lines.csv"));
  auto st_a = Statements();
  std::shuffle(unique.begin(), unique.end(), rng);
  SettleOptions two;
  two.threads = 2;
  ASSERT_TRUE(Run(join(unique), two, "b").ok());
  EXPECT_EQ(SortedLines(*ReadFile(out_ + "/lines.csv")), lines_a);
  EXPECT_EQ(Statements(), st_a);
}

// Lines without a contact id are one contact per patient, provider and day
// (pass 2 finds the paid ones through Resolved::day_hints, whatever the form
// of the CPR): the same lines with that contact written as an id are judged
// the same.
TEST_F(SettleTest, PatientDayContactsAreJudgedAsTheSameContactIds) {
  std::mt19937_64 rng(17);
  std::istringstream in(RandomClaims(rng, 20000, 40));
  std::string implicit, explicit_ids;
  for (std::string l; std::getline(in, l);) {
    std::vector<std::string> f;
    for (size_t at = 0;;) {
      const size_t comma = l.find(',', at);
      f.push_back(l.substr(at, comma - at));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    ASSERT_EQ(f.size(), 13u);
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
      return s + "\n";
    };
    f[6] = f[1] + "-" + f[2] + "-" + f[3];  // provider, CPR, day
    explicit_ids += join(f);
    f[6].clear();
    if (rng() % 2) f[2] = f[2].substr(0, 6) + "-" + f[2].substr(6);  // DDMMYY-SSSS
    implicit += join(f);
  }
  ASSERT_TRUE(Run(implicit, {}, "implicit").ok());
  const std::string lines = *ReadFile(out_ + "/lines.csv"), statements = Statements();
  EXPECT_NE(lines.find("0120.not_with_0101"), std::string::npos);  // contacts were judged
  ASSERT_TRUE(Run(explicit_ids, {}, "explicit").ok());
  EXPECT_EQ(*ReadFile(out_ + "/lines.csv"), lines);
  EXPECT_EQ(Statements(), statements);
}

TEST_F(SettleTest, LinesPastThePageCacheAreTheSameFile) {
  // ALMEN_DIRECT_IO=1 writes lines.csv past the page cache whatever its size
  // (pass2.cc DirectLines; a national year's does without it).
  std::mt19937_64 rng(19);
  const std::string claims = RandomClaims(rng, static_cast<int>(2 * settle_internal::kSegmentLines + 777));
  ASSERT_TRUE(Run(claims, {}, "cached").ok());
  const std::string lines = *ReadFile(out_ + "/lines.csv"), statements = Statements();
  ::setenv("ALMEN_DIRECT_IO", "1", 1);
  const Status direct = Run(claims, {}, "direct");
  ::unsetenv("ALMEN_DIRECT_IO");
  ASSERT_TRUE(direct.ok()) << direct.message();
  EXPECT_EQ(*ReadFile(out_ + "/lines.csv"), lines);
  EXPECT_EQ(Statements(), statements);
}

TEST_F(SettleTest, ThreadsGiveTheSameFileAsOneThread) {
  // Enough lines for several pass-2 segments per slice (engine.h kSegmentLines),
  // so that threads take segments of each other's slices.
  std::mt19937_64 rng(11);
  SameOnThreads(RandomClaims(rng, static_cast<int>(3 * settle_internal::kSegmentLines + 5000)), {2, 3, 5});
}

TEST_F(SettleTest, ResolvingPatientsOnThreadsGivesTheSameAsOneThread) {
  // Enough patients that the per-patient steps of Resolve are shared out
  // between threads (resolve.cc), with chronic enrolments and repeats.
  std::mt19937_64 rng(12);
  const std::string lines = SameOnThreads(RandomClaims(rng, 40000, 6000), {2, 3});
  EXPECT_NE(lines.find("chronic"), std::string::npos);
}

TEST_F(SettleTest, LineEndsInQuotedFieldsGiveTheSameOnAnyThreads) {
  // Cuts at line ends (SplitAtLines) fall inside quoted fields for some
  // thread counts: the file is then cut again at records.
  std::mt19937_64 rng(13);
  const std::string claims = RandomClaims(rng, 20000, 60, /*quoted_newlines=*/true);
  SameOnThreads(claims, {2, 3, 4, 5, 7, 11});
}

TEST_F(SettleTest, ALineEndInsideAQuotedFieldAtTheMiddleIsNotACut) {
  // The file is cut for two threads at the first line end after the middle of
  // its body (SplitAtLines); here that line end is inside a quoted course_id,
  // so the first slice ends in an unclosed quote and the file is cut again at
  // records (Split).
  const std::string tail = ",123456,0101801233,2025-03-04,0101,1,,,,,,,\n";
  std::string before;
  for (int i = 0; i < 400; ++i) before += "p" + std::to_string(i) + tail;
  const std::string record = "q,123456,0101801233,2025-03-04,0101,1,,,,,\"a\nb\nc\nd\ne\nf\ng\nh\",,\n";
  const size_t open = before.size() + record.find('"'), close = before.size() + record.rfind('"');
  std::string claims;
  for (int pad = 1; pad <= 60 && claims.empty(); ++pad) {
    std::string body = before + record + "s" + std::string(static_cast<size_t>(pad), 'x') + tail;
    for (int i = 0; i < 400; ++i) body += "r" + std::to_string(i) + tail;
    const size_t cut = body.find('\n', body.size() / 2);
    if (cut > open && cut < close) claims = body;
  }
  ASSERT_FALSE(claims.empty());
  SettleOptions one;
  one.threads = 1;
  ASSERT_TRUE(Run(claims, one, "one").ok());
  std::string l1 = *ReadFile(out_ + "/lines.csv");
  EXPECT_NE(l1.find("\nq,"), std::string::npos);
  SettleOptions two;
  two.threads = 2;
  ASSERT_TRUE(Run(claims, two, "two").ok()) << "the cut inside the quoted field was taken";
  EXPECT_EQ(*ReadFile(out_ + "/lines.csv"), l1);
}

TEST_F(SettleTest, ErrorsDeepInAThreadedFileNameTheExactLine) {
  std::string claims;
  for (int i = 0; i < 3000; ++i) claims += std::to_string(i) + ",123456,0101801233,2025-03-04,0101,1,,,,,,,\n";
  claims += "x,123456,0101801233,2025-02-30,0101,1,,,,,,,\n";  // data line 3001 = file line 3002
  for (int i = 0; i < 3000; ++i) claims += "y" + std::to_string(i) + ",123456,0101801233,2025-03-04,0101,1,,,,,,,\n";
  for (int threads : {1, 2, 3}) {
    SettleOptions opt;
    opt.threads = threads;
    Status st = Run(claims, opt, "t" + std::to_string(threads));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("claims.csv:3002:4 (service_date)"), std::string::npos) << st.message();
    EXPECT_FALSE(fs::exists(out_));
  }
}

}  // namespace
}  // namespace almen
