// The ledger (docs/ledger.md), on SQLite and on a real PostgreSQL started by
// the test: the invariant of a year (any split, any order gives the money of
// one file, to the øre), duplicates and corrections across runs, closings,
// registers with history, and atomicity.
#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "common/csv.h"
#include "common/file.h"
#include "generate/generate.h"
#include "server/routes_bosted.h"
#include "server/routes_cases.h"
#include "settlement/settle.h"
#include "storage/ledger_store.h"
#include "storage/testing_db.h"

namespace almen {
namespace {

namespace fs = std::filesystem;
using Balances = std::map<std::string, std::pair<int64_t, int64_t>>;  // "provider,month,item,code" -> count, øre

const Agreement& Ok25() {
  static const Agreement a = *Agreement::LoadBuiltin();
  return a;
}
const Pseudonymizer& Ps() {
  static const Pseudonymizer p("ledger-test-key");
  return p;
}

class LedgerTest : public testing::DatabaseTest {
 protected:
  RegisterReaders Readers() {
    RegisterReaders r;
    r.bosted_csv = [](SqlConnection& c) { return StoredBostedCsv(c); };
    r.sanctions = [](SqlConnection& c) { return StoredSanctionRows(c); };
    return r;
  }

  // Uploads `claims` (and reference files "kind=path") as one ledger run.
  StatusOr<LedgerRunResult> Upload(const std::string& claims, std::vector<std::pair<std::string, std::string>> refs = {},
                                   const std::string& now = "2026-01-01T00:00:00Z") {
    LedgerRunRequest rq;
    rq.inputs.push_back({"claims", BaseName(claims), claims});
    for (auto& [kind, path] : refs) rq.inputs.push_back({kind, BaseName(path), path});
    rq.settle.threads = threads_;
    rq.user = "test";
    rq.source = "upload";
    rq.now = now;
    rq.work_dir = (dir_ / ("work" + std::to_string(++runs_))).string();
    fs::create_directories(rq.work_dir);
    return SettleIntoLedger(*db_, Ok25(), Ps(), Readers(), rq, nullptr, {});
  }

  Balances LedgerBalances() {
    auto c = db_->pool().Borrow();
    LedgerTables t(*c);
    auto b = t.Balances({});
    EXPECT_TRUE(b.ok()) << b.status().message();
    Balances out;
    if (!b.ok()) return out;
    for (const auto& [k, v] : *b)
      if (v.count || v.amount_ore)
        out[ProviderText(k.provider) + "," + Month{k.month}.ToString() + "," + k.item + "," + k.code] = {v.count,
                                                                                                     v.amount_ore};
    return out;
  }

  // statements.csv of `almen settle` on one file, as balances.
  Balances OneFile(const fs::path& gen) {
    SettleOptions o;
    o.claims_path = (gen / "claims.csv").string();
    o.providers_path = (gen / "providers.csv").string();
    o.listings_path = (gen / "listings.csv").string();
    o.botilbud_path = (gen / "botilbud.csv").string();
    o.attachments_path = (gen / "attachments.csv").string();
    o.threads = 2;
    const std::string out = (dir_ / "onefile").string();
    Status s = Settle(Ok25(), Ps(), o, out, nullptr);
    EXPECT_TRUE(s.ok()) << s.message();
    Balances b;
    auto text = ReadFile(out + "/statements.csv");
    std::istringstream in(*text);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      // provider,month,item,code,count,amount_ore
      size_t p4 = 0;
      for (int i = 0; i < 4; ++i) p4 = line.find(',', p4) + 1;
      size_t p5 = line.find(',', p4);
      b[line.substr(0, p4 - 1)] = {std::stoll(line.substr(p4, p5 - p4)), std::stoll(line.substr(p5 + 1))};
    }
    fs::remove_all(out);
    return b;
  }

  fs::path Generate(int64_t lines, uint64_t seed) {
    GenerateOptions g;
    g.out_dir = (dir_ / ("gen" + std::to_string(seed))).string();
    g.lines = lines;
    g.seed = seed;
    g.year = 2025;
    GenerateSummary s;
    Status st = ::almen::Generate(g, &s);
    EXPECT_TRUE(st.ok()) << st.message();
    return g.out_dir;
  }

  std::vector<std::pair<std::string, std::string>> Refs(const fs::path& gen) {
    std::vector<std::pair<std::string, std::string>> r;
    for (const char* k : {"providers", "listings", "botilbud", "attachments"})
      if (fs::exists(gen / (std::string(k) + ".csv"))) r.push_back({k, (gen / (std::string(k) + ".csv")).string()});
    return r;
  }

  // Uploads `files` one run each, in order, the reference files with the first.
  ::testing::AssertionResult UploadInOrder(const fs::path& gen, const std::vector<std::string>& files) {
    bool first = true;
    for (const auto& f : files) {
      auto r = Upload(f, first ? Refs(gen) : std::vector<std::pair<std::string, std::string>>{});
      if (!r.ok()) return ::testing::AssertionFailure() << f << ": " << r.status().message();
      first = false;
    }
    return ::testing::AssertionSuccess();
  }

  // Splits claims.csv into files: `key(line index, fields)` names each line's file.
  std::vector<std::string> Split(const fs::path& gen, const std::string& tag,
                                 const std::function<int(size_t, const std::vector<std::string>&)>& key) {
    auto text = ReadFile((gen / "claims.csv").string());
    std::istringstream in(*text);
    std::string header, line;
    std::getline(in, header);
    std::map<int, std::string> parts;
    size_t i = 0;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      parts[key(i++, f)] += line + "\n";
    }
    std::vector<std::string> out;
    for (auto& [k, body] : parts) out.push_back(Write(tag + "/part" + std::to_string(k) + ".csv", header + "\n" + body));
    return out;
  }

  int runs_ = 0;
  int threads_ = 2;  // of every Upload
};

// One file through the ledger gives exactly `almen settle`'s statement.
TEST_P(LedgerTest, OneFileEqualsSettle) {
  fs::path gen = Generate(3000, 7);
  auto r = Upload((gen / "claims.csv").string(), Refs(gen));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(r->postings, 0);
  EXPECT_EQ(LedgerBalances(), OneFile(gen));
  // Uploading the same file again changes nothing.
  auto again = Upload((gen / "claims.csv").string());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->run_id, r->run_id);
  EXPECT_EQ(LedgerBalances(), OneFile(gen));
}

// The invariant of a year: random splits of a generated year, uploaded in
// random order, give the one-file money per (provider, month, item, code).
TEST_P(LedgerTest, AnySplitAnyOrderGivesTheMoneyOfOneFile) {
  for (uint64_t seed : {11u, 12u}) {
    fs::path gen = Generate(2500, seed);
    const Balances expected = OneFile(gen);
    std::mt19937_64 rnd(seed);
    const int date_col = 3, provider_col = 1;
    struct Mode {
      std::string name;
      std::function<int(size_t, const std::vector<std::string>&)> key;
    };
    std::vector<Mode> modes = {
        {"quarter", [&](size_t, const auto& f) { return (std::stoi(f[date_col].substr(5, 2)) - 1) / 3; }},
        {"week", [&](size_t, const auto& f) {
           auto d = Date::Parse(f[date_col]);
           return (d->days() - Date::FromYmd(2024, 12, 30).days()) / 7;
         }},
        {"clinic", [&](size_t, const auto& f) { return std::stoi(f[provider_col]) % 2; }},
        {"random", [&](size_t, const auto&) { return static_cast<int>(rnd() % 6); }},
    };
    for (auto& mode : modes) {
      SCOPED_TRACE("seed " + std::to_string(seed) + ", " + mode.name);
      TearDown();
      SetUp();
      gen = Generate(2500, seed);
      auto files = Split(gen, mode.name, mode.key);
      if (mode.name == "random") std::shuffle(files.begin(), files.end(), rnd);
      ASSERT_TRUE(UploadInOrder(gen, files));
      EXPECT_EQ(LedgerBalances(), expected);
      // Any file again: nothing changes.
      ASSERT_TRUE(Upload(files.front())->already_imported);
      EXPECT_EQ(LedgerBalances(), expected);
    }
  }
}

// Spreads a generated world over `ways` times as many clinics: each clinic
// becomes `ways` clinics (same register row, new ydernumre), and each patient
// (listing and claims) goes to one of them by CPR, so every rule sees the same
// patients and contacts. The ledger reads stored state in batches of 200
// clinics; a national weekly file names ~1.800, so this crosses batches.
void Widen(const fs::path& gen, int ways) {
  std::map<std::string, int> index;  // old ydernummer -> its place in providers.csv
  auto new_id = [&](const std::string& old, const std::string& cpr) {
    size_t h = 0;
    for (char ch : cpr) h = h * 31 + static_cast<unsigned char>(ch);
    return ProviderText(200000 + index.at(old) * ways + static_cast<int>(cpr.empty() ? 0 : h % ways));
  };
  auto rewrite = [&](const std::string& name, int provider_col, int cpr_col, bool copies) {
    auto text = ReadFile((gen / name).string());
    ASSERT_TRUE(text.ok()) << name;
    std::istringstream in(*text);
    std::string line, out;
    std::getline(in, line);
    out = line + "\n";
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      if (line.back() == ',') f.push_back("");
      const std::string old = f.at(provider_col);
      index.emplace(old, static_cast<int>(index.size()));
      auto join = [&] {
        std::string r;
        for (size_t i = 0; i < f.size(); ++i) r += (i ? "," : "") + f[i];
        return r + "\n";
      };
      if (copies) {
        for (int k = 0; k < ways; ++k) {
          f[provider_col] = ProviderText(200000 + index.at(old) * ways + k);
          out += join();
        }
      } else {
        f[provider_col] = new_id(old, cpr_col < 0 ? "" : f.at(cpr_col));
        out += join();
      }
    }
    std::ofstream(gen / name, std::ios::binary | std::ios::trunc) << out;
  };
  rewrite("providers.csv", 0, -1, true);
  rewrite("listings.csv", 0, 1, false);
  rewrite("claims.csv", 1, 2, false);
  rewrite("attachments.csv", 2, -1, false);
}

// The invariant across many clinics (more than one batch of stored state),
// and a later file that repeats one stored claim of every clinic.
TEST_P(LedgerTest, ManyClinicsAnySplitAndRepeatedClaimsOfEveryClinic) {
  fs::path gen = Generate(3000, 13);
  Widen(gen, 50);
  const Balances expected = OneFile(gen);
  std::set<std::string> clinics;
  for (const auto& [key, v] : expected) clinics.insert(key.substr(0, 6));
  ASSERT_GT(clinics.size(), 250u);
  const int date_col = 3;
  auto files = Split(gen, "week", [&](size_t, const auto& f) {
    return (Date::Parse(f[date_col])->days() - Date::FromYmd(2024, 12, 30).days()) / 7;
  });
  ASSERT_TRUE(UploadInOrder(gen, files));
  EXPECT_EQ(LedgerBalances(), expected);
  // The first stored line of every clinic again, in a file of its own: each is a duplicate.
  auto text = ReadFile((gen / "claims.csv").string());
  std::istringstream in(*text);
  std::string header, line, body;
  std::getline(in, header);
  std::set<std::string> seen;
  while (std::getline(in, line))
    if (seen.insert(line.substr(line.find(',') + 1, 6)).second) body += line + "\n";
  ASSERT_GT(seen.size(), 200u);  // more than one batch of 200 clinics
  auto r = Upload(Write("again/claims.csv", header + "\n" + body));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->duplicates, static_cast<int64_t>(seen.size()));
  EXPECT_EQ(LedgerBalances(), expected);
}

const char* kProviders =
    "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
    "123456,Lægerne i Valby,0101,ordinary,2,0,2020-01-01,\n";
const char* kHeader = "claim_id,provider,cpr,service_date,code,quantity,contact_id,setting,indication\n";

// Pass 2's segments go to whichever thread is free; what a correction names
// as its cause, and every posting's text, must not depend on that.
TEST_P(LedgerTest, CorrectionsAndTheirCausesAreTheSameWhateverTheThreads) {
  // The second file holds, of a third of the contacts, every other of their
  // lines and then every 0120 (an event that rejects the contact's stored
  // consultation): corrections whose contact has new plain lines before its
  // event, over several pass-2 segments (engine.h kSegmentLines) and slices.
  const int64_t lines = 150000;
  std::vector<std::string> seen[2];
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    if (round) {
      TearDown();
      SetUp();
    }
    threads_ = round ? 3 : 1;
    const fs::path gen = Generate(lines, 31);
    auto parts = Split(gen, "split", [&](size_t i, const auto& f) {
      if (f[6].empty() || std::hash<std::string>{}(f[6]) % 3 != 0) return 0;
      return f[4] == "0120" ? 2 : i % 2 ? 1 : 0;
    });
    ASSERT_EQ(parts.size(), 3u);
    // The second file: the plain lines first, then a new plain line in each
    // 0120's contact (a copy of it as a 2101), then the 0120s: a contact's
    // cause is still its event.
    std::istringstream events(*ReadFile(parts[2]));
    std::string line, plain, late;
    std::getline(events, line);  // the header
    while (std::getline(events, line)) {
      late += line + "\n";
      const size_t id_end = line.find(','), code_at = line.find(",0120,");
      plain += line.substr(0, id_end) + "p" + line.substr(id_end, code_at - id_end) + ",2101," +
               line.substr(code_at + 6) + "\n";
    }
    const std::string second = Write("split/second.csv", *ReadFile(parts[1]) + plain + late);
    ASSERT_TRUE(UploadInOrder(gen, {parts[0], second}));
    auto c = db_->pool().Borrow();
    auto rows = c->Query("SELECT kind, provider, month, item, code, count, amount_ore, cause, reason FROM postings");
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    for (const auto& r : *rows) {
      std::string row;
      for (int k = 0; k < 9; ++k) row += (k == 5 || k == 6 ? std::to_string(r.Int(k)) : r.Str(k)) + "|";
      seen[round].push_back(row);
    }
    auto corr = c->Query("SELECT claim_id, old_status, status, rule, cause FROM line_corrections");
    ASSERT_TRUE(corr.ok()) << corr.status().message();
    for (const auto& r : *corr) {
      seen[round].push_back(r.Str(0) + "|" + r.Str(1) + "|" + r.Str(2) + "|" + r.Str(3) + "|" + r.Str(4));
      EXPECT_NE(r.Str(4).back(), 'p') << "the cause of " << r.Str(0) << " is a plain line, not its contact's event";
    }
    std::sort(seen[round].begin(), seen[round].end());
  }
  EXPECT_GT(std::count_if(seen[0].begin(), seen[0].end(), [](const std::string& r) { return r.rfind("correction|", 0) == 0; }), 0);
  EXPECT_EQ(seen[0], seen[1]);
}

TEST_P(LedgerTest, RepeatedClaimIdInALaterFileIsADuplicate) {
  const std::string providers = Write("providers.csv", kProviders);
  ASSERT_TRUE(Upload(Write("a.csv", std::string(kHeader) + "c1,123456,0101801233,2025-01-10,0101,1,,,\n"),
                     {{"providers", providers}})
                  .ok());
  auto r = Upload(Write("b.csv", std::string(kHeader) + "c1,123456,0101801233,2025-01-10,0101,1,,,\n"
                                                        "c2,123456,0101801233,2025-01-12,0101,1,,,\n"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->duplicates, 1);
  LineFilter f;
  f.run_id = r->run_id;
  f.rule = "claim.duplicate";
  auto dup = db_->Lines(Scope{}, f);
  ASSERT_EQ(dup->total, 1);
  EXPECT_EQ(dup->ToJson()["rows"][0]["claim_id"], "c1");
  EXPECT_EQ(dup->ToJson()["rows"][0]["amount_ore"], 0);
  auto b = LedgerBalances();
  EXPECT_EQ(b["123456,2025-01,service,0101"].first, 2);  // c1 once, c2
}

// A late 0120 in the contact of a paid 0101: the 0101 is reversed, naming the
// claim that caused it; the money equals one file's.
TEST_P(LedgerTest, LateAnnualStatusInTheContactCorrectsThePaidConsultation) {
  const std::string providers = Write("providers.csv", kProviders);
  auto r1 = Upload(Write("a.csv", std::string(kHeader) + "c1,123456,0101801233,2025-03-04,0101,1,K1,,\n"),
                   {{"providers", providers}});
  ASSERT_TRUE(r1.ok()) << r1.status().message();
  auto r2 = Upload(Write("b.csv", std::string(kHeader) + "c2,123456,0101801233,2025-03-04,0120,1,K1,,other\n"));
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  EXPECT_EQ(r2->corrections, 1);
  auto c = db_->pool().Borrow();
  auto rows = c->Query("SELECT kind, amount_ore, cause, reason FROM postings WHERE run_id = $1 AND code = '0101' ORDER "
                       "BY id",
                       {r2->run_id});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Str(0), "reversal");
  EXPECT_EQ((*rows)[0].Int(1), -17753);
  EXPECT_EQ((*rows)[0].Str(2), "c2");
  EXPECT_EQ((*rows)[1].Str(0), "correction");
  EXPECT_EQ((*rows)[1].Int(1), 0);
  EXPECT_EQ((*rows)[1].Str(3).rfind("Korrektion af regning c1", 0), 0u) << (*rows)[1].Str(3);
  auto corr = c->Query("SELECT claim_id, old_status, status, rule, cause FROM line_corrections");
  ASSERT_EQ(corr->size(), 1u);
  EXPECT_EQ((*corr)[0].Str(0), "c1");
  EXPECT_EQ((*corr)[0].Str(1), "accepted");
  EXPECT_EQ((*corr)[0].Str(2), "rejected");
  EXPECT_EQ((*corr)[0].Str(3), "0120.not_with_0101");
  EXPECT_EQ((*corr)[0].Str(4), "c2");
  auto b = LedgerBalances();
  EXPECT_EQ(b.count("123456,2025-03,service,0101"), 0u);
  EXPECT_EQ(b["123456,2025-03,service,0120"].second, 41255);
  // The lines page shows c1 as it is now.
  LineFilter f;
  f.status = "rejected";
  auto lines = db_->Lines(Scope{}, f);
  ASSERT_TRUE(lines.ok());
}

// Dementia conversations: at most two a year. A late one dated before the
// paid ones makes the last of them the third, which is reversed.
TEST_P(LedgerTest, LateEarlierDementiaConversationReversesTheThird) {
  const std::string providers = Write("providers.csv", kProviders);
  ASSERT_TRUE(Upload(Write("a.csv", std::string(kHeader) + "d1,123456,0101501233,2025-03-01,0120,1,,,dementia\n"
                                                           "d2,123456,0101501233,2025-06-01,0120,1,,,dementia\n"),
                     {{"providers", providers}})
                  .ok());
  auto r = Upload(Write("b.csv", std::string(kHeader) + "d0,123456,0101501233,2025-02-01,0120,1,,,dementia\n"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->corrections, 1);
  auto b = LedgerBalances();
  EXPECT_EQ(b["123456,2025-02,service,0120"].second, 41255);
  EXPECT_EQ(b["123456,2025-03,service,0120"].second, 41255);
  EXPECT_EQ(b.count("123456,2025-06,service,0120"), 0u);
}

// Closing a month: later money for it is booked in the next open month and
// says so; months close in order.
TEST_P(LedgerTest, ClosedMonthGetsAnEfterreguleringInTheNextOpenMonth) {
  const std::string providers = Write("providers.csv", kProviders);
  ASSERT_TRUE(Upload(Write("a.csv", std::string(kHeader) + "c1,123456,0101801233,2025-01-10,0101,1,,,\n"),
                     {{"providers", providers}})
                  .ok());
  auto closed = CloseMonth(*db_, "2025-01", "rltn", "2025-02-05T00:00:00Z");
  ASSERT_TRUE(closed.ok()) << closed.status().message();
  EXPECT_EQ(closed->providers, 1);
  EXPECT_EQ(closed->amount_ore, 17753);
  EXPECT_FALSE(CloseMonth(*db_, "2025-01", "rltn", "x").ok());  // already closed
  EXPECT_FALSE(CloseMonth(*db_, "2025-03", "rltn", "x").ok());  // February first
  auto r = Upload(Write("b.csv", std::string(kHeader) + "c2,123456,0101801233,2025-01-20,0101,1,,,\n"));
  ASSERT_TRUE(r.ok());
  auto c = db_->pool().Borrow();
  auto rows = c->Query("SELECT month, book_month, reason FROM postings WHERE run_id = $1", {r->run_id});
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Str(0), "2025-01");
  EXPECT_EQ((*rows)[0].Str(1), "2025-02");
  EXPECT_NE((*rows)[0].Str(2).find("Efterregulering for januar 2025"), std::string::npos);
  // By service month the money is what one file gives.
  EXPECT_EQ(LedgerBalances()["123456,2025-01,service,0101"].second, 2 * 17753);
}

TEST_P(LedgerTest, ClaimsOfProvidersNotInTheRegisterAreRejected) {
  const std::string providers = Write("providers.csv", kProviders);
  ASSERT_TRUE(Upload(Write("a.csv", std::string(kHeader) + "c1,123456,0101801233,2025-01-10,0101,1,,,\n"),
                     {{"providers", providers}})
                  .ok());
  auto r = Upload(Write("b.csv", std::string(kHeader) + "c2,654321,0101801233,2025-01-10,0101,1,,,\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  LineFilter f;
  f.rule = "provider.unknown";
  EXPECT_EQ(db_->Lines(Scope{}, f)->total, 1);
  EXPECT_EQ(LedgerBalances().count("654321,2025-01,service,0101"), 0u);
}

// Issue 11: a providers.csv with only a new clinic does not make the stored
// attachments of other clinics fail; a bad uploaded attachment names the
// user's own file, in Danish, and nothing is stored.
TEST_P(LedgerTest, RegistersMergeAndErrorsNameTheUploadedFile) {
  const std::string providers = Write("providers.csv", kProviders);
  const std::string botilbud = Write("botilbud.csv",
                                     "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents\n"
                                     "B1,Egely,0101,SEL108,20,municipal,A,20\n");
  const std::string attachments = Write("attachments.csv",
                                        "botilbud_id,section,provider,from_date,to_date\nB1,A,123456,2025-01-01,\n");
  ASSERT_TRUE(Upload(Write("a.csv", std::string(kHeader) + "c1,123456,0101801233,2025-01-10,0101,1,,,\n"),
                     {{"providers", providers}, {"botilbud", botilbud}, {"attachments", attachments}})
                  .ok());
  const std::string more = Write("more/providers.csv",
                                 "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n"
                                 "222222,Ny klinik,0751,ordinary,1,0,2024-01-01,\n");
  auto r = Upload(Write("b.csv", std::string(kHeader) + "c2,222222,0101801233,2025-02-10,0101,1,,,\n"),
                  {{"providers", more}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->accepted, 1);
  const std::string bad = Write("bad/tilknytninger.csv",
                                "botilbud_id,section,provider,from_date,to_date\nB1,A,999999,2025-03-01,\n");
  const int64_t runs = *db_->CountRuns();
  auto e = Upload(Write("c.csv", std::string(kHeader) + "c3,123456,0101801233,2025-03-10,0101,1,,,\n"),
                  {{"attachments", bad}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("tilknytninger.csv:2:3 (provider)"), std::string::npos) << e.status().message();
  EXPECT_NE(e.status().message().find("findes ikke i ydernummerregistret"), std::string::npos);
  EXPECT_EQ(*db_->CountRuns(), runs);
}

TEST_P(LedgerTest, PostingsAreAppendOnlyAndBalancesAreTheirSum) {
  fs::path gen = Generate(1500, 3);
  ASSERT_TRUE(Upload((gen / "claims.csv").string(), Refs(gen)).ok());
  auto c = db_->pool().Borrow();
  EXPECT_FALSE(c->Exec("UPDATE postings SET amount_ore = 0").ok());
  EXPECT_FALSE(c->Exec("DELETE FROM postings").ok());
  auto sums = c->Query("SELECT provider, month, item, code, SUM(count), SUM(amount_ore) FROM postings GROUP BY "
                       "provider, month, item, code");
  Balances from_postings;
  for (const auto& r : *sums)
    if (r.Int(4) || r.Int(5)) from_postings[r.Str(0) + "," + r.Str(1) + "," + r.Str(2) + "," + r.Str(3)] = {r.Int(4), r.Int(5)};
  EXPECT_EQ(from_postings, LedgerBalances());
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace almen
