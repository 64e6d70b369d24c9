// Tests of `almen generate`: determinism, exact line counts, every file
// parsing with the project's CSV reader, field validity, the botilbud
// register's national shape and the consistency of providers, listings and
// attachments. N = 20.000 keeps it fast.
#include "generate/generate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/csv.h"
#include "common/date.h"
#include "common/file.h"
#include "generate/world.h"

namespace almen {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kLines = 20'000;

std::string TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("almen_generate_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p.string();
}

GenerateSummary RunGenerate(const std::string& dir, int64_t lines, uint64_t seed, int year = 2025,
                            ClaimOrder order = ClaimOrder::kArrival, SplitBy split_by = SplitBy::kNone) {
  GenerateOptions o;
  o.out_dir = dir;
  o.lines = lines;
  o.seed = seed;
  o.year = year;
  o.order = order;
  o.split_by = split_by;
  GenerateSummary s;
  Status st = Generate(o, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  return s;
}

std::string Read(const std::string& path) {
  auto s = ReadFile(path);
  EXPECT_TRUE(s.ok()) << path;
  return s.ok() ? *s : std::string();
}

// Rows of a CSV file as maps from column name to value.
std::vector<std::map<std::string, std::string>> Rows(const std::string& path) {
  std::vector<std::map<std::string, std::string>> rows;
  const std::string text = Read(path);
  auto r = CsvReader::Open(BaseName(path), text);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return rows;
  const auto names = r->header().names;
  while (true) {
    auto more = r->Next();
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) break;
    EXPECT_EQ(r->field_count(), names.size()) << path << ":" << r->line();
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < names.size(); ++i) row[names[i]] = std::string(r->field(static_cast<int>(i)));
    rows.push_back(std::move(row));
  }
  return rows;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

struct Cpr {
  Date birth;
  bool male = false;
};
// The century rule of spec/facts.md; nullopt for anything malformed.
std::optional<Cpr> ParseCpr(std::string s) {
  if (s.size() == 11 && s[6] == '-') s.erase(6, 1);
  if (s.size() != 10 || !AllDigits(s)) return std::nullopt;
  auto num = [&](size_t at, size_t n) { return std::stoi(s.substr(at, n)); };
  const int year = gen::CprBirthYear(num(4, 2), s[6] - '0');
  const int month = num(2, 2), day = num(0, 2);
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
  auto d = Date::Parse(iso);
  if (!d) return std::nullopt;
  return Cpr{*d, (s[9] - '0') % 2 == 1};
}

class GenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(TempDir("a"));
    summary_ = new GenerateSummary(RunGenerate(*dir_, kLines, 7));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete summary_;
  }
  static std::string Path(const std::string& name) { return *dir_ + "/" + name; }
  static std::string* dir_;
  static GenerateSummary* summary_;
};
std::string* GenerateTest::dir_ = nullptr;
GenerateSummary* GenerateTest::summary_ = nullptr;

TEST_F(GenerateTest, SameSeedGivesIdenticalFilesAndOtherSeedDiffers) {
  const std::string same = TempDir("same"), other = TempDir("other");
  RunGenerate(same, kLines, 7);
  RunGenerate(other, kLines, 8);
  for (const char* name : {"claims.csv", "providers.csv", "listings.csv", "botilbud.csv", "attachments.csv"}) {
    EXPECT_EQ(Read(Path(name)), Read(same + "/" + name)) << name;
    EXPECT_NE(Read(Path(name)), Read(other + "/" + name)) << name;
  }
  fs::remove_all(same);
  fs::remove_all(other);
}

TEST_F(GenerateTest, WritesExactlyNClaimLinesAndNoStagingLeftovers) {
  EXPECT_EQ(summary_->claim_lines, kLines);
  EXPECT_EQ(Rows(Path("claims.csv")).size(), static_cast<size_t>(kLines));
  for (const auto& e : fs::directory_iterator(fs::path(*dir_).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".almen-staging-" + fs::path(*dir_).filename().string()),
              std::string::npos);
  const std::string small = TempDir("small");
  EXPECT_EQ(RunGenerate(small, 0, 1).claim_lines, 0);
  EXPECT_EQ(Rows(small + "/claims.csv").size(), 0u);
  EXPECT_EQ(RunGenerate(small, 1, 1).claim_lines, 1);
  EXPECT_EQ(RunGenerate(small, 777, 3).claim_lines, 777);
  EXPECT_EQ(Rows(small + "/claims.csv").size(), 777u);
  fs::remove_all(small);
}

TEST_F(GenerateTest, ProvidersAreValidAndDoNotOverlap) {
  const auto rows = Rows(Path("providers.csv"));
  std::map<std::string, std::vector<Period>> periods;
  int lto = 0, region_or_udbud = 0, changed_after_baseline = 0;
  for (const auto& r : rows) {
    EXPECT_EQ(r.at("provider").size(), 6u);
    EXPECT_TRUE(AllDigits(r.at("provider")));
    EXPECT_FALSE(r.at("name").empty());
    EXPECT_EQ(r.at("municipality_code").size(), 4u);
    EXPECT_TRUE(r.at("clinic_type") == "ordinary" || r.at("clinic_type") == "region" || r.at("clinic_type") == "udbud");
    EXPECT_TRUE(AllDigits(r.at("capacities")));
    EXPECT_GE(std::stoi(r.at("capacities")), 1);
    EXPECT_TRUE(r.at("lto") == "0" || r.at("lto") == "1");
    lto += r.at("lto") == "1";
    region_or_udbud += r.at("clinic_type") != "ordinary";
    auto from = Date::Parse(r.at("valid_from"));
    ASSERT_TRUE(from);
    Period p{*from, Date::Max()};
    if (!r.at("valid_to").empty()) {
      auto to = Date::Parse(r.at("valid_to"));
      ASSERT_TRUE(to);
      EXPECT_LT(*from, *to);
      p.to = *to;
    }
    if (*from > Date::FromYmd(2024, 7, 1)) ++changed_after_baseline;
    for (const Period& q : periods[r.at("provider")]) EXPECT_FALSE(p.Overlaps(q)) << r.at("provider");
    periods[r.at("provider")].push_back(p);
  }
  EXPECT_GE(periods.size(), 20u);
  EXPECT_EQ(static_cast<int64_t>(periods.size()), summary_->providers);
  EXPECT_GE(lto, 4);
  EXPECT_GE(region_or_udbud, 2);
  EXPECT_GE(changed_after_baseline, 3);
}

TEST_F(GenerateTest, ClinicsCoverEveryRegion) {
  // The world behind the files (same seed and size), with its regions.
  auto world = gen::BuildWorld(7, kLines, 2025);
  ASSERT_TRUE(world.ok());
  std::set<int> regions;
  for (const auto& c : world->clinics) regions.insert(world->municipalities[static_cast<size_t>(c.municipality)].region);
  EXPECT_EQ(regions.size(), 5u);
  EXPECT_EQ(world->municipalities.size(), 98u);
}

TEST_F(GenerateTest, ListingsReferenceProvidersAndDoNotOverlapPerPatient) {
  std::set<std::string> providers;
  for (const auto& r : Rows(Path("providers.csv"))) providers.insert(r.at("provider"));
  std::map<std::string, std::vector<Period>> by_patient;
  int moved = 0;
  for (const auto& r : Rows(Path("listings.csv"))) {
    EXPECT_TRUE(providers.count(r.at("provider"))) << r.at("provider");
    auto cpr = ParseCpr(r.at("cpr"));
    ASSERT_TRUE(cpr) << r.at("cpr");
    std::string key = r.at("cpr");
    if (key.size() == 11) key.erase(6, 1);
    auto from = Date::Parse(r.at("listed_from"));
    ASSERT_TRUE(from);
    EXPECT_GE(*from, cpr->birth);
    Period p{*from, Date::Max()};
    if (!r.at("listed_to").empty()) {
      p.to = *Date::Parse(r.at("listed_to"));
      EXPECT_LT(p.from, p.to);
      ++moved;
    }
    for (const Period& q : by_patient[key]) EXPECT_FALSE(p.Overlaps(q)) << key;
    by_patient[key].push_back(p);
  }
  EXPECT_EQ(static_cast<int64_t>(by_patient.size()), summary_->listed_patients);
  EXPECT_GE(by_patient.size(), kLines / 13);
  EXPECT_GT(moved, 0);
}

TEST_F(GenerateTest, ClaimLinesAreValid) {
  std::set<std::string> providers;
  for (const auto& r : Rows(Path("providers.csv"))) providers.insert(r.at("provider"));
  const Date jan1 = Date::FromYmd(2025, 1, 1), end = Date::FromYmd(2026, 1, 1);
  std::map<std::string, int> code_count;
  std::map<std::pair<std::string, std::string>, int> ids;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> contacts;
  int malformed = 0, weekend = 0, chronic_fees = 0, ooh_0120 = 0;
  const std::set<std::string> performers = {"doctor", "staff"};
  const std::set<std::string> settings = {"clinic", "home", "video", "phone", "email", "out_of_hours", "botilbud"};
  const std::set<std::string> indications = {"",         "chronic_programme", "hypertension", "thyroid", "osteoporosis",
                                             "chronic_risk", "dementia",      "addiction",    "other"};
  for (const auto& r : Rows(Path("claims.csv"))) {
    const std::string& provider = r.at("provider");
    EXPECT_TRUE(providers.count(provider)) << provider;
    ++ids[{provider, r.at("claim_id")}];
    EXPECT_TRUE(AllDigits(r.at("claim_id")));
    auto d = Date::Parse(r.at("service_date"));
    ASSERT_TRUE(d) << r.at("service_date");
    EXPECT_GE(*d, jan1);
    EXPECT_LT(*d, end);
    weekend += d->iso_weekday() >= 6;
    const std::string& code = r.at("code");
    EXPECT_EQ(code.size(), 4u);
    EXPECT_TRUE(AllDigits(code));
    ++code_count[code];
    EXPECT_TRUE(AllDigits(r.at("quantity")));
    EXPECT_GE(std::stoi(r.at("quantity")), 1);
    EXPECT_TRUE(performers.count(r.at("performer")));
    EXPECT_TRUE(settings.count(r.at("setting")));
    EXPECT_TRUE(indications.count(r.at("indication")));
    if (!r.at("indication").empty()) {
      EXPECT_EQ(code, "0120");
    }
    if (!r.at("course_id").empty()) {
      EXPECT_EQ(r.at("indication"), "addiction");
    }
    if (code == "9001") {
      EXPECT_EQ(r.at("quantity"), r.at("km"));
    }
    if (code == "0130" || code == "0131" || code == "0132") ++chronic_fees;
    if (code == "0120" && r.at("setting") == "out_of_hours") ++ooh_0120;
    contacts[{provider, r.at("contact_id")}].push_back(code);
    auto cpr = ParseCpr(r.at("cpr"));
    if (!cpr) {
      ++malformed;
      continue;
    }
    EXPECT_LE(cpr->birth, *d) << r.at("cpr");
    const int age = gen::AgeOn(cpr->birth.days(), d->days());
    EXPECT_GE(age, 0);
    EXPECT_LE(age, 100);
    const int c = std::stoi(code);
    if (c >= 8110 && c <= 8140) {
      EXPECT_FALSE(cpr->male) << "pregnancy exam for a man";
      EXPECT_GE(age, 17);
      EXPECT_LE(age, 47);
    }
    if (c >= 8211 && c <= 8217) {
      EXPECT_LE(age, 6);
    }
    if (c == 2102) {
      EXPECT_FALSE(cpr->male);
    }
  }
  // A handful of deliberately malformed CPR numbers, no more.
  EXPECT_GE(malformed, 1);
  EXPECT_LE(malformed, 10);
  // A few re-sent duplicates of claim ids.
  int dups = 0;
  for (const auto& [k, n] : ids) dups += n - 1;
  EXPECT_GE(dups, 1);
  EXPECT_LE(dups, 20);
  // Weekday-heavy.
  EXPECT_LT(weekend, kLines / 20);
  // The code mix: consultations lead, the rest present.
  EXPECT_GT(code_count["0101"], kLines / 5);
  EXPECT_GT(code_count["0201"], kLines / 10);
  for (const char* c : {"0105", "0125", "0204", "0120", "2101", "7120", "9001", "0471", "6101", "8380"})
    EXPECT_GT(code_count[c], 0) << c;
  EXPECT_GT(chronic_fees, 0);
  EXPECT_GT(code_count["2151"], 0);  // abolished in 2025: settlement rejects it
  // 0120 together with 0101 in one contact: a small share (~0,3 % of lines).
  int with_0101 = 0;
  for (const auto& [k, codes] : contacts) {
    const bool a = std::count(codes.begin(), codes.end(), "0120"), b = std::count(codes.begin(), codes.end(), "0101");
    if (a && b) ++with_0101;
  }
  EXPECT_GT(with_0101, kLines / 2000);
  EXPECT_LT(with_0101, kLines / 100);
  (void)ooh_0120;
}

TEST_F(GenerateTest, BotilbudMatchesTheNotesTable) {
  struct Shape { int large = 0, small = 0, places = 0; };
  std::map<std::string, Shape> shape;
  std::map<std::string, std::string> paragraph_of;
  std::map<std::string, int> residents, places;
  std::set<std::pair<std::string, std::string>> sections;
  for (const auto& r : Rows(Path("botilbud.csv"))) {
    const std::string& id = r.at("botilbud_id");
    EXPECT_TRUE(sections.insert({id, r.at("section")}).second) << id;
    EXPECT_EQ(r.at("municipality_code").size(), 4u);
    const std::string& op = r.at("operator");
    EXPECT_TRUE(op == "municipal" || op == "regional" || op == "private");
    const int p = std::stoi(r.at("places")), res = std::stoi(r.at("residents"));
    EXPECT_GE(res, 1);
    residents[id] += res;
    if (paragraph_of.count(id)) {
      EXPECT_EQ(paragraph_of[id], r.at("paragraph"));
      EXPECT_EQ(places[id], p);
      EXPECT_GE(res, 30) << "a split botilbud has sections of at least 30 residents";
      continue;
    }
    paragraph_of[id] = r.at("paragraph");
    places[id] = p;
  }
  for (const auto& [id, para] : paragraph_of) {
    EXPECT_LE(residents[id], places[id]) << id;
    Shape& s = shape[para];
    (places[id] > 30 ? s.large : s.small)++;
    s.places += places[id];
  }
  auto expect = [&](const std::string& para, int large, int small, int total) {
    EXPECT_EQ(shape[para].large, large) << para;
    EXPECT_EQ(shape[para].small, small) << para;
    EXPECT_EQ(shape[para].places, total) << para;
  };
  expect("SEL108", 36, 435, 5694);
  expect("ABL105", 157, 508, 15418);
  expect("SEL107", 35, 880, 8230);
  expect("BL43", 21, 164, 2860);
  expect("OPHOLDSSTED", 16, 388, 4010);
  EXPECT_GT(shape["OTHER"].large + shape["OTHER"].small, 0);
  EXPECT_EQ(shape.size(), 6u);
  EXPECT_EQ(static_cast<int64_t>(sections.size()), summary_->botilbud_rows);
}

TEST_F(GenerateTest, AttachmentsReferenceSectionsAndProvidersWithoutOverlap) {
  std::set<std::string> providers;
  for (const auto& r : Rows(Path("providers.csv"))) providers.insert(r.at("provider"));
  std::map<std::pair<std::string, std::string>, std::string> paragraph;
  std::map<std::string, std::string> municipality;
  std::set<std::string> target_municipalities;
  for (const auto& r : Rows(Path("botilbud.csv"))) {
    paragraph[{r.at("botilbud_id"), r.at("section")}] = r.at("paragraph");
    municipality[r.at("botilbud_id")] = r.at("municipality_code");
    if (r.at("paragraph") == "SEL108" || r.at("paragraph") == "ABL105") target_municipalities.insert(r.at("municipality_code"));
  }
  std::map<std::pair<std::string, std::string>, std::vector<Period>> by_section;
  std::set<std::string> covered;
  for (const auto& r : Rows(Path("attachments.csv"))) {
    const auto key = std::make_pair(r.at("botilbud_id"), r.at("section"));
    ASSERT_TRUE(paragraph.count(key)) << key.first << "/" << key.second;
    EXPECT_TRUE(paragraph[key] == "SEL108" || paragraph[key] == "ABL105");
    EXPECT_TRUE(providers.count(r.at("provider"))) << r.at("provider");
    auto from = Date::Parse(r.at("from_date"));
    ASSERT_TRUE(from);
    EXPECT_EQ(from->year(), 2025);
    Period p{*from, Date::Max()};
    if (!r.at("to_date").empty()) p.to = *Date::Parse(r.at("to_date"));
    for (const Period& q : by_section[key]) EXPECT_FALSE(p.Overlaps(q));
    by_section[key].push_back(p);
    covered.insert(municipality[key.first]);
  }
  EXPECT_GE(by_section.size(), 240u);
  EXPECT_LE(by_section.size(), 260u);
  // Most municipalities with target-group botilbud are covered, a few not.
  EXPECT_LT(covered.size(), target_municipalities.size());
  EXPECT_GE(covered.size() + 8, target_municipalities.size());
}

// The lines of a claims file without its header, in file order.
std::vector<std::string> BodyLines(const std::string& path) {
  std::vector<std::string> out;
  const std::string text = Read(path);
  size_t at = text.find('\n') + 1;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string Field(const std::string& line, int index) {
  size_t at = 0;
  for (int i = 0; i < index; ++i) at = line.find(',', at) + 1;
  return line.substr(at, line.find(',', at) - at);
}

// The default order is the region's: the same lines as clinic order, day by
// day with the clinics interleaved, a few percent sent late.
TEST_F(GenerateTest, ArrivalOrderIsAPermutationOfClinicOrderInterleavedWithLateBills) {
  const std::string clinic = TempDir("clinic");
  RunGenerate(clinic, kLines, 7, 2025, ClaimOrder::kClinic);
  std::vector<std::string> a = BodyLines(Path("claims.csv")), c = BodyLines(clinic + "/claims.csv");
  ASSERT_EQ(a.size(), static_cast<size_t>(kLines));
  EXPECT_NE(a, c);
  // Clinic order: one block per provider, ascending.
  int clinic_switches = 0, arrival_switches = 0;
  for (size_t i = 1; i < c.size(); ++i) {
    if (Field(c[i], 1) != Field(c[i - 1], 1)) {
      ++clinic_switches;
      EXPECT_LT(Field(c[i - 1], 1), Field(c[i], 1));
    }
    if (Field(a[i], 1) != Field(a[i - 1], 1)) ++arrival_switches;
  }
  EXPECT_EQ(clinic_switches + 1, summary_->providers);
  EXPECT_GT(arrival_switches, 50 * clinic_switches);
  // Arrival: service dates advance through the file; some bills are late.
  int late = 0;
  std::string newest;
  for (const std::string& line : a) {
    const std::string date = Field(line, 3);
    newest = std::max(newest, date);
    if (Date::Parse(date)->AddDays(14) < *Date::Parse(newest)) ++late;
  }
  EXPECT_GT(late, kLines / 200);
  EXPECT_LT(late, kLines / 12);
  // The first twentieth of the file was served in January and February; the
  // last mostly in the autumn (late bills from earlier months among them).
  for (size_t i = 0; i < a.size() / 20; ++i) EXPECT_LE(Field(a[i], 3), "2025-02-15") << i;
  size_t autumn = 0;
  for (size_t i = a.size() - a.size() / 20; i < a.size(); ++i) autumn += Field(a[i], 3) >= "2025-10-01";
  EXPECT_GT(autumn, a.size() / 20 * 8 / 10);
  std::sort(a.begin(), a.end());
  std::sort(c.begin(), c.end());
  EXPECT_EQ(a, c);
  fs::remove_all(clinic);
}

// --split-by: the same lines again as files by received period (or clinic),
// in arrival order, with a manifest; no spill file is left behind.
TEST(GenerateSplit, FilesInArrivalOrderWithAManifest) {
  for (SplitBy by : {SplitBy::kWeek, SplitBy::kMonth, SplitBy::kQuarter, SplitBy::kClinic}) {
    const std::string dir = TempDir("split");
    const GenerateSummary s = RunGenerate(dir, 5000, 11, 2025, ClaimOrder::kArrival, by);
    const auto manifest = Rows(dir + "/claims-manifest.csv");
    ASSERT_EQ(static_cast<int64_t>(manifest.size()), s.split_files);
    std::vector<std::string> joined;
    std::set<std::string> parts;
    int64_t listed = 0;
    for (size_t k = 0; k < manifest.size(); ++k) {
      const auto& m = manifest[k];
      char name[32];
      std::snprintf(name, sizeof name, "claims-%03zu.csv", k + 1);
      EXPECT_EQ(m.at("file"), name);
      EXPECT_TRUE(parts.insert(m.at("part")).second) << m.at("part");
      EXPECT_LE(m.at("received_from"), m.at("received_to"));
      const auto lines = BodyLines(dir + "/" + m.at("file"));
      EXPECT_EQ(static_cast<int64_t>(lines.size()), std::stoll(m.at("lines")));
      EXPECT_GT(lines.size(), 0u);
      listed += static_cast<int64_t>(lines.size());
      for (const auto& l : lines) {
        if (by == SplitBy::kClinic) {
          EXPECT_EQ(Field(l, 1), m.at("part"));
        }
        EXPECT_LT(Field(l, 3), m.at("received_to")) << "received after the day of service";
        joined.push_back(l);
      }
    }
    EXPECT_EQ(listed, 5000);
    auto whole = BodyLines(dir + "/claims.csv");
    if (by == SplitBy::kClinic) {
      EXPECT_EQ(static_cast<int64_t>(manifest.size()), s.providers);
      std::sort(joined.begin(), joined.end());
      std::sort(whole.begin(), whole.end());
    } else {
      EXPECT_LT(manifest.front().at("part"), manifest.back().at("part"));
    }
    EXPECT_EQ(joined, whole);
    if (by == SplitBy::kWeek) {
      EXPECT_GE(manifest.size(), 52u);
      EXPECT_EQ(manifest.front().at("part"), "2025-W01");
      // Same seed, same files.
      const std::string again = TempDir("split_again");
      RunGenerate(again, 5000, 11, 2025, ClaimOrder::kArrival, by);
      for (const auto& m : manifest) EXPECT_EQ(Read(dir + "/" + m.at("file")), Read(again + "/" + m.at("file")));
      EXPECT_EQ(Read(dir + "/claims-manifest.csv"), Read(again + "/claims-manifest.csv"));
      fs::remove_all(again);
    }
    if (by == SplitBy::kQuarter) {
      EXPECT_EQ(manifest.front().at("part"), "2025-Q1");
    }
    for (const auto& e : fs::directory_iterator(dir)) EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
    fs::remove_all(dir);
  }
}

TEST(GenerateOptions, OrderAndSplitOptions) {
  EXPECT_EQ(*ParseClaimOrder("arrival"), ClaimOrder::kArrival);
  EXPECT_EQ(*ParseClaimOrder("clinic"), ClaimOrder::kClinic);
  EXPECT_EQ(ParseClaimOrder("date").status().code(), StatusCode::kUsage);
  EXPECT_EQ(*ParseSplitBy("week"), SplitBy::kWeek);
  EXPECT_EQ(*ParseSplitBy("clinic"), SplitBy::kClinic);
  EXPECT_EQ(ParseSplitBy("day").status().code(), StatusCode::kUsage);
  GenerateOptions o;
  o.out_dir = TempDir("clinic_split");
  o.lines = 100;
  o.order = ClaimOrder::kClinic;
  o.split_by = SplitBy::kWeek;
  EXPECT_EQ(Generate(o, nullptr).code(), StatusCode::kUsage);
  EXPECT_FALSE(fs::exists(o.out_dir));
}

TEST(GenerateOptions, RejectsBadInput) {
  GenerateOptions o;
  o.out_dir = "";
  EXPECT_FALSE(Generate(o, nullptr).ok());
  o.out_dir = TempDir("bad");
  o.lines = -1;
  EXPECT_EQ(Generate(o, nullptr).code(), StatusCode::kUsage);
  EXPECT_FALSE(fs::exists(o.out_dir));
}

TEST(GenerateYear, DatesFollowTheYearAnd2151IsLegalIn2024) {
  const std::string dir = TempDir("y2024");
  RunGenerate(dir, 3000, 5, 2024);
  for (const auto& r : Rows(dir + "/claims.csv")) {
    auto d = Date::Parse(r.at("service_date"));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->year(), 2024);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace almen
