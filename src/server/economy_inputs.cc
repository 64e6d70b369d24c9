// Economy inputs kept in the database (economy_inputs.h).
#include "server/economy_inputs.h"

#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "common/crypto.h"
#include "common/csv.h"
#include "economy/ceiling.h"
#include "economy/ramme.h"

namespace almen {

namespace {

using json = nlohmann::json;

std::string Ym(int y, int m) {
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d", y, m);
  return b;
}

// Runs `body` in a transaction on `c`: commits on success, rolls back on error.
template <typename F>
Status InTransaction(SqlConnection& c, F&& body) {
  ALMEN_RETURN_IF_ERROR(c.Begin());
  Status s = body();
  if (!s.ok()) {
    (void)c.Rollback();
    return s;
  }
  return c.Commit();
}

std::string SexCode(Sex s) { return s == Sex::kFemale ? "F" : "M"; }

// The year's listing profile as ComputeCeilings' population (Σ over the months)
// and the patients listed on the first of each month.
struct StoredProfile {
  CeilingPopulation population;
  std::map<int, std::vector<int64_t>> listed;  // provider → [month 0..11]
};

StatusOr<StoredProfile> LoadProfile(SqlConnection& c, int year, const std::vector<CeilingAgeSexGroup>& groups) {
  StoredProfile out;
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT provider, month, sex, age_from, age_to, patients FROM "
                                            "listing_profiles WHERE year = $1",
                                            {int64_t{year}}));
  for (const auto& r : rows) {
    auto p = ParseInt64(r.Str(0));
    if (!p) continue;
    int g = -1;
    for (size_t i = 0; i < groups.size(); ++i)
      if (SexCode(groups[i].sex) == r.Str(2) && groups[i].age_from == r.Int(3) && groups[i].age_to == r.Int(4))
        g = static_cast<int>(i);
    if (g < 0)
      return InvalidInput("the stored listing profile of " + std::to_string(year) + " has the age group " + r.Str(2) +
                          " " + r.Str(3) + "-" + r.Str(4) +
                          ", which the agreement's standardisation table no longer has: upload listings.csv again");
    auto& counts = out.population[static_cast<int>(*p)];
    if (counts.empty()) counts.assign(groups.size(), 0);
    counts[static_cast<size_t>(g)] += r.Int(5);
  }
  ALMEN_ASSIGN_OR_RETURN(auto lrows,
                         c.Query("SELECT provider, month, listed FROM listing_counts WHERE year = $1", {int64_t{year}}));
  for (const auto& r : lrows) {
    auto p = ParseInt64(r.Str(0));
    auto m = ParseInt64(r.Str(1).substr(5));
    if (!p || !m || *m < 1 || *m > 12) continue;
    auto& l = out.listed[static_cast<int>(*p)];
    if (l.empty()) l.assign(12, 0);
    l[static_cast<size_t>(*m - 1)] = r.Int(2);
  }
  return out;
}

StatusOr<std::map<int, CeilingClinicInfo>> StoredClinics(SqlConnection& c) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT provider, name, municipality_code, region_code FROM providers"));
  std::map<int, CeilingClinicInfo> out;
  for (const auto& r : rows) {
    auto p = ParseInt64(r.Str(0));
    if (p) out[static_cast<int>(*p)] = {r.Str(1), r.Str(2), r.Str(3)};
  }
  return out;
}

// The settings row of a computation, or NotFound.
StatusOr<SqlRow> Computation(SqlConnection& c, int year, const std::string& kind) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT reference, extra_csv, computed_at, computed_by FROM "
                                            "economy_computations WHERE year = $1 AND kind = $2",
                                            {int64_t{year}, kind}));
  if (rows.empty()) return NotFound(kind + " not computed for " + std::to_string(year));
  return rows[0];
}

StatusOr<json> ProfileSource(SqlConnection& c, int year) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT sha256, name, bytes, providers, uploaded_at, uploaded_by FROM "
                                            "listing_profile_files WHERE year = $1",
                                            {int64_t{year}}));
  if (rows.empty()) return json(nullptr);
  const auto& r = rows[0];
  return json{{"sha256", r.Str(0)}, {"name", r.Str(1)},        {"bytes", r.Int(2)},
              {"providers", r.Int(3)}, {"uploaded_at", r.Str(4)}, {"uploaded_by", r.Str(5)}};
}

}  // namespace

// ---- expense files -----------------------------------------------------------------

StatusOr<ExpenseImportResult> ImportExpenseFile(Storage& db, const ExpenseUpload& up) {
  ALMEN_ASSIGN_OR_RETURN(std::vector<ExpenseRow> rows, ParseExpensesCsv(up.name, up.content));
  std::optional<Quarter> only;
  if (!up.quarter.empty()) {
    only = Quarter::Parse(up.quarter);
    if (!only) return InvalidInput("quarter '" + up.quarter + "' is not a quarter (YYYY-Qn, e.g. 2025-Q1)");
    if (only->year != up.year) return InvalidInput("quarter " + up.quarter + " is not in year " + std::to_string(up.year));
  }
  if (rows.empty()) return InvalidInput(up.name + ": no expense rows");
  // The rows again with their positions (ParseExpensesCsv accepted the file, so
  // record i is rows[i]) for the period and stored-key checks.
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(up.name, up.content));
  const int c_region = r.Column("region_code"), c_q = r.Column("quarter");
  std::vector<int64_t> lines;
  for (size_t i = 0; i < rows.size(); ++i) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) return Internal("expenses.csv: fewer records on the second reading");
    lines.push_back(r.line());
    const Quarter& q = rows[i].quarter;
    if (only ? q != *only : q.year != up.year)
      return r.FieldError(c_q, "quarter " + q.ToString() + " is outside the upload's period " +
                                   (only ? only->ToString() : std::to_string(up.year)) +
                                   " (upload one file per period with ?year= / ?quarter=)");
  }
  const std::string sha = Sha256Hex(up.content);
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto known, c->Query("SELECT id FROM imported_files WHERE sha256 = $1", {sha}));
  ExpenseImportResult out;
  out.rows = static_cast<int64_t>(rows.size());
  for (const auto& e : rows) out.amount_ore += e.amount.ore();
  if (!known.empty()) {
    out.file_id = known[0].Int(0);
    out.already_imported = true;
    return out;
  }
  Status st = InTransaction(*c, [&]() -> Status {
    ALMEN_ASSIGN_OR_RETURN(auto id_rows,
                           c->Query("INSERT INTO imported_files (sha256, kind, name, bytes, rows_count, run_id, "
                                    "imported_at, imported_by) VALUES ($1, 'expenses', $2, $3, $4, NULL, $5, $6) "
                                    "RETURNING id",
                                    {sha, up.name, static_cast<int64_t>(up.content.size()), out.rows, up.now, up.user}));
    out.file_id = id_rows.at(0).Int(0);
    // Rows of a stored key are refused, not replaced: a correction is a new
    // file only for keys not stored yet (docs/decisions.md).
    ALMEN_ASSIGN_OR_RETURN(CsvReader again, CsvReader::Open(up.name, up.content));
    for (size_t i = 0; i < rows.size(); ++i) {
      ALMEN_ASSIGN_OR_RETURN(bool more, again.Next());
      (void)more;
      const ExpenseRow& e = rows[i];
      const std::string region = std::to_string(e.region), quarter = e.quarter.ToString(),
                        category(ExpenseCategoryName(e.category));
      ALMEN_ASSIGN_OR_RETURN(auto dup, c->Query("SELECT f.name, f.id, x.line FROM expenses x JOIN imported_files f ON "
                                                "f.id = x.file_id WHERE x.region_code = $1 AND x.quarter = $2 AND "
                                                "x.category = $3",
                                                {region, quarter, category}));
      if (!dup.empty())
        return again.FieldError(c_region, "region " + region + ", " + quarter + ", " + category +
                                              " is already stored from " + dup[0].Str(0) + " (file " + dup[0].Str(1) +
                                              ", line " + dup[0].Str(2) +
                                              "); an expense file never replaces stored rows");
      ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO expenses (region_code, quarter, category, amount_ore, file_id, line) "
                                    "VALUES ($1, $2, $3, $4, $5, $6)",
                                    {region, quarter, category, e.amount.ore(), out.file_id, lines[i]}));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

StatusOr<int64_t> WithdrawExpenseFile(Storage& db, int64_t file_id) {
  auto c = db.pool().Borrow();
  ALMEN_RETURN_IF_ERROR(c->Begin());
  ALMEN_ASSIGN_OR_RETURN(auto f, c->Query("SELECT id FROM imported_files WHERE id = $1 AND kind = 'expenses'", {file_id}));
  if (f.empty()) return NotFound("no expense file " + std::to_string(file_id));
  ALMEN_ASSIGN_OR_RETURN(auto n, c->Query("SELECT COUNT(*) FROM expenses WHERE file_id = $1", {file_id}));
  ALMEN_RETURN_IF_ERROR(c->Exec("DELETE FROM expenses WHERE file_id = $1", {file_id}));
  ALMEN_RETURN_IF_ERROR(c->Exec("DELETE FROM imported_files WHERE id = $1", {file_id}));
  ALMEN_RETURN_IF_ERROR(c->Commit());
  return n.at(0).Int(0);
}

StatusOr<Table> StoredExpenses(Storage& db, int year, const std::string& region) {
  auto c = db.pool().Borrow();
  std::string sql =
      "SELECT x.region_code, x.quarter, x.category, x.amount_ore, x.file_id, f.name, x.line, f.imported_at, "
      "f.imported_by FROM expenses x JOIN imported_files f ON f.id = x.file_id WHERE x.quarter >= $1 AND "
      "x.quarter <= $2";
  SqlParams params = {Quarter{year, 1}.ToString(), Quarter{year, 4}.ToString()};
  if (!region.empty()) {
    sql += " AND x.region_code = $3";
    params.push_back(region);
  }
  sql += " ORDER BY x.quarter, x.region_code, x.category";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, params));
  Table t;
  t.columns = {"region_code", "region_name", "quarter", "category", "amount_ore",
               "file_id",     "file_name",   "line",    "imported_at", "imported_by"};
  for (const auto& r : rows)
    t.rows.push_back({r.Str(0), Storage::RegionName(r.Str(0)), r.Str(1), r.Str(2), r.Int(3), r.Int(4), r.Str(5),
                      r.Int(6), r.Str(7), r.Str(8)});
  return t;
}

// ---- listing profiles, ceilings, quality -------------------------------------------

StatusOr<json> StoreListingProfile(Storage& db, const Agreement& agreement, const ListingProfileUpload& up) {
  ALMEN_ASSIGN_OR_RETURN(auto groups, LoadCeilingGroups(agreement, up.year));
  ListingProfile profile;
  std::string sha;
  auto c = db.pool().Borrow();
  if (up.content.empty()) {
    // No file: the ledger's CPR-free listings register (docs/ledger.md).
    ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT provider, birth_date, sex, listed_from, listed_to FROM listings "
                                               "WHERE listed_from < $1 AND (listed_to = '' OR listed_to > $2)",
                                               {Ym(up.year + 1, 1) + "-01", Ym(up.year, 1) + "-01"}));
    if (rows.empty())
      return InvalidInput("Tilmeldingsregistret har ingen patienter tilmeldt i " + std::to_string(up.year) +
                          ": upload listings.csv.");
    for (const auto& r : rows) {
      auto p = ParseInt64(r.Str(0));
      auto birth = Date::Parse(r.Str(1)), from = Date::Parse(r.Str(3));
      auto to = ParseOptionalDate(r.Str(4), Date::Max());
      if (!p || !birth || !from || !to) return Internal("listings register row is damaged");
      AddListingToProfile(&profile, static_cast<int>(*p), *birth, r.Str(2) == "M" ? Sex::kMale : Sex::kFemale, *from,
                          *to, up.year, groups);
    }
    sha = "register:" + std::to_string(rows.size());
  } else {
    ALMEN_ASSIGN_OR_RETURN(profile, ListingProfileFromListings(up.name, up.content, up.year, groups));
    sha = Sha256Hex(up.content);
  }
  int64_t profile_rows = 0;
  Status st = InTransaction(*c, [&]() -> Status {
    const SqlParams y = {int64_t{up.year}};
    ALMEN_RETURN_IF_ERROR(c->Exec("DELETE FROM listing_profiles WHERE year = $1", y));
    ALMEN_RETURN_IF_ERROR(c->Exec("DELETE FROM listing_counts WHERE year = $1", y));
    ALMEN_RETURN_IF_ERROR(c->Exec("DELETE FROM listing_profile_files WHERE year = $1", y));
    ALMEN_RETURN_IF_ERROR(c->Exec("INSERT INTO listing_profile_files (year, sha256, name, bytes, providers, "
                                  "uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                  {int64_t{up.year}, sha, up.name, static_cast<int64_t>(up.content.size()),
                                   static_cast<int64_t>(profile.listed.size()), up.now, up.user}));
    // (provider, month, group) cells with patients, then (provider, month) totals.
    auto pit = profile.patients.begin();
    size_t month = 0, group = 0;
    ALMEN_RETURN_IF_ERROR(c->BulkInsert(
        "listing_profiles", {"year", "provider", "month", "sex", "age_from", "age_to", "patients"},
        [&](SqlParams& row) -> StatusOr<bool> {
          for (; pit != profile.patients.end(); ++pit, month = 0, group = 0) {
            for (; month < 12; ++month, group = 0) {
              for (; group < groups.size(); ++group) {
                int64_t n = pit->second[month][group];
                if (n == 0) continue;
                char prov[16];
                std::snprintf(prov, sizeof prov, "%06d", pit->first);
                const auto& g = groups[group];
                row = {int64_t{up.year}, std::string(prov), Ym(up.year, static_cast<int>(month) + 1), SexCode(g.sex),
                       int64_t{g.age_from}, int64_t{g.age_to}, n};
                ++group;
                ++profile_rows;
                return true;
              }
            }
          }
          return false;
        }));
    auto lit = profile.listed.begin();
    size_t lm = 0;
    ALMEN_RETURN_IF_ERROR(c->BulkInsert("listing_counts", {"year", "provider", "month", "listed"},
                                        [&](SqlParams& row) -> StatusOr<bool> {
                                          for (; lit != profile.listed.end(); ++lit, lm = 0) {
                                            for (; lm < 12; ++lm) {
                                              int64_t n = lit->second[lm];
                                              if (n == 0) continue;
                                              char prov[16];
                                              std::snprintf(prov, sizeof prov, "%06d", lit->first);
                                              row = {int64_t{up.year}, std::string(prov),
                                                     Ym(up.year, static_cast<int>(lm) + 1), n};
                                              ++lm;
                                              return true;
                                            }
                                          }
                                          return false;
                                        }));
    ALMEN_RETURN_IF_ERROR(c->Exec("DELETE FROM economy_computations WHERE year = $1 AND kind = $2",
                                  {int64_t{up.year}, up.kind}));
    return c->Exec("INSERT INTO economy_computations (year, kind, reference, extra_csv, computed_at, computed_by) "
                   "VALUES ($1, $2, $3, $4, $5, $6)",
                   {int64_t{up.year}, up.kind, up.reference, up.extra_csv, up.now, up.user});
  });
  if (!st.ok()) return st;
  return json{{"year", up.year}, {"sha256", sha}, {"providers", static_cast<int64_t>(profile.listed.size())},
              {"profile_rows", profile_rows}};
}

StatusOr<json> StoredCeilings(Storage& db, const Agreement& agreement, int year) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(SqlRow settings, Computation(*c, year, "ceilings"));
  ALMEN_ASSIGN_OR_RETURN(auto groups, LoadCeilingGroups(agreement, year));
  ALMEN_ASSIGN_OR_RETURN(StoredProfile profile, LoadProfile(*c, year, groups));
  CeilingInput in;
  in.year = year;
  in.reference = settings.Str(0);
  in.population = std::move(profile.population);
  if (!settings.Str(1).empty()) {
    ALMEN_ASSIGN_OR_RETURN(in.decisions, ParseCeilingDecisions("decisions.csv", settings.Str(1)));
  }
  ALMEN_ASSIGN_OR_RETURN(in.clinics, StoredClinics(*c));
  ALMEN_ASSIGN_OR_RETURN(auto st, c->Query("SELECT provider, month, item, code, SUM(amount_ore) FROM ledger_balances WHERE "
                                           "month >= $1 AND month <= $2 GROUP BY provider, month, item, code",
                                           {Ym(year, 1), Ym(year, 12)}));
  for (const auto& r : st) {
    auto p = ParseInt64(r.Str(0));
    auto m = Month::Parse(r.Str(1));
    auto code = ParseInt64(r.Str(3));
    if (!p || !m) continue;
    in.statements.push_back(
        {static_cast<int>(*p), *m, r.Str(2), code ? static_cast<int>(*code) : -1, 0, Money::FromOre(r.Int(4))});
  }
  ALMEN_ASSIGN_OR_RETURN(auto att, c->Query("SELECT provider, from_date, to_date FROM attachments"));
  std::set<int> bosted;
  const Period y{Date::FromYmd(year, 1, 1), Date::FromYmd(year + 1, 1, 1)};
  for (const auto& r : att) {
    auto p = ParseInt64(r.Str(0));
    auto f = Date::Parse(r.Str(1));
    auto t = ParseOptionalDate(r.Str(2), Date::Max());
    if (p && f && t && Period{*f, *t}.Overlaps(y)) bosted.insert(static_cast<int>(*p));
  }
  in.bosted_providers = std::move(bosted);
  ALMEN_ASSIGN_OR_RETURN(CeilingResult result, ComputeCeilings(agreement, in));
  json j = CeilingResultToJson(result);
  j["agreement"] = agreement.version();
  j["source"] = "stored_settlements";
  j["computed_at"] = settings.Str(2);
  j["computed_by"] = settings.Str(3);
  ALMEN_ASSIGN_OR_RETURN(j["listings"], ProfileSource(*c, year));
  return j;
}

StatusOr<json> StoredQuality(Storage& db, const Agreement& agreement, int year) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(SqlRow settings, Computation(*c, year, "quality"));
  const Parameter* cd = agreement.ParameterOn("quality_count_date", Date::FromYmd(year, 1, 1));
  auto on = Date::Parse(std::to_string(year) + "-" + (cd ? cd->value : std::string("01-01")));
  if (!on) return Internal("quality_count_date is not MM-DD");
  const size_t om = on->month();
  if (on->day() != 1) return Internal("the listing profile counts on the first of each month; quality_count_date is not");
  ALMEN_ASSIGN_OR_RETURN(auto groups, LoadCeilingGroups(agreement, year));
  ALMEN_ASSIGN_OR_RETURN(StoredProfile profile, LoadProfile(*c, year, groups));
  QualityInput in;
  in.year = year;
  for (const auto& [p, months] : profile.listed)
    if (months[om - 1] > 0) in.listed[p] = months[om - 1];
  ALMEN_ASSIGN_OR_RETURN(in.clinics, StoredClinics(*c));
  if (!settings.Str(1).empty()) {
    ALMEN_ASSIGN_OR_RETURN(in.clusters, ParseQualityClusters("clusters.csv", settings.Str(1)));
  }
  ALMEN_ASSIGN_OR_RETURN(json j, ComputeQualityPayments(agreement, in));
  j["computed_at"] = settings.Str(2);
  j["computed_by"] = settings.Str(3);
  ALMEN_ASSIGN_OR_RETURN(j["listings"], ProfileSource(*c, year));
  return j;
}

}  // namespace almen
