// The SQL of post-payment control (control_store.h, docs/control.md).
#include "storage/control_store.h"

#include <algorithm>
#include <cstdlib>

#include "storage/line_blocks.h"
#include "storage/table_util.h"

namespace almen {

namespace {

using storage_internal::AppendScope;
using storage_internal::Param;

int ProviderNumber(const std::string& s) { return std::atoi(s.c_str()); }

Date DateOr(const std::string& s, Date fallback) {
  auto d = Date::Parse(s.substr(0, std::min<size_t>(s.size(), 10)));
  return d ? *d : fallback;
}

uint64_t ContactFromHex(const std::string& s) { return s.empty() ? 0 : std::strtoull(s.c_str(), nullptr, 16); }

// The latest correction of a line.
struct CorrectionNow {
  std::string status, rule, paragraph;
  int64_t amount_ore = 0;
};

}  // namespace

// ---- Reads for the indicators -------------------------------------------------------

StatusOr<std::vector<ControlClinicRow>> ControlClinics(Storage& db, const Scope& scope) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string sql =
      "SELECT provider, name, municipality_code, region_code, clinic_type, lto FROM providers WHERE 1 = 1";
  AppendScope(sql, p, scope, "provider");
  sql += " ORDER BY provider";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
  std::vector<ControlClinicRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
    out.push_back({ProviderNumber(r.Str(0)), r.Str(1), r.Str(2), r.Str(3), r.Str(4), r.Int(5) != 0});
  return out;
}

Status ForEachControlListing(Storage& db, const std::vector<int>& providers, Date from, Date to,
                             const std::function<void(const ControlListingRow&)>& fn) {
  auto c = db.pool().Borrow();
  constexpr size_t kBatch = 50;  // clinics per query: about 150.000 rows for the largest
  for (size_t at = 0; at < providers.size(); at += kBatch) {
    SqlParams p;
    std::string in;
    for (size_t i = at; i < std::min(providers.size(), at + kBatch); ++i)
      in += (in.empty() ? "" : ", ") + Param(p, ProviderText(providers[i]));
    std::string sql = "SELECT provider, birth_date, sex, listed_from, listed_to FROM listings WHERE provider IN (" + in +
                      ") AND listed_from < " + Param(p, to.ToIso()) + " AND (listed_to = '' OR listed_to > " +
                      Param(p, from.ToIso()) + ")";
    ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
    ControlListingRow l;
    for (const auto& r : rows) {
      auto birth = Date::Parse(r.Str(1));
      auto lf = Date::Parse(r.Str(3));
      if (!birth || !lf) continue;
      l.provider = ProviderNumber(r.Str(0));
      l.birth = *birth;
      l.male = r.Str(2) == "M";
      l.from = *lf;
      l.to = r.Str(4).empty() ? Date::Max() : DateOr(r.Str(4), Date::Max());
      fn(l);
    }
  }
  return Status::Ok();
}

StatusOr<std::vector<ControlCodeTotal>> ControlCodeTotals(Storage& db, const Scope& scope, Month from, Month to) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string sql = "SELECT provider, item, code, SUM(count), SUM(amount_ore) FROM ledger_balances WHERE item IN "
                    "('service', 'chronic_fee') AND month >= " +
                    Param(p, from.ToString()) + " AND month <= " + Param(p, to.ToString());
  AppendScope(sql, p, scope, "provider");
  sql += " GROUP BY provider, item, code ORDER BY provider, item, code";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
  std::vector<ControlCodeTotal> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({ProviderNumber(r.Str(0)), r.Str(1), r.Str(2), r.Int(3), r.Int(4)});
  return out;
}

Status ForEachControlLine(Storage& db, const Scope& scope, Month from, Month to,
                          const std::function<Status(const ControlLine&)>& fn) {
  auto c = db.pool().Borrow();
  for (Month m = from; m <= to; m = m + 1) {
    const std::string month = m.ToString();
    // The latest correction of each line of the month.
    std::map<std::pair<int64_t, int64_t>, CorrectionNow> corrected;
    {
      SqlParams p;
      std::string sql = "SELECT line_run_id, line_seq, status, amount_ore, rule, paragraph FROM line_corrections "
                        "WHERE month = " + Param(p, month);
      AppendScope(sql, p, scope, "provider");
      sql += " ORDER BY id";
      ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
      for (const auto& r : rows) corrected[{r.Int(0), r.Int(1)}] = {r.Str(2), r.Str(4), r.Str(5), r.Int(3)};
    }
    SqlParams pb;
    std::string sb = "SELECT run_id, provider, data FROM line_blocks WHERE month = " + Param(pb, month);
    AppendScope(sb, pb, scope, "provider");
    sb += " ORDER BY provider, run_id";
    ALMEN_ASSIGN_OR_RETURN(auto blocks, c->Query(sb, pb));
    SqlParams pf;
    std::string sf = "SELECT run_id, seq, claim_id, provider, service_date, code, status, amount_ore, rule, paragraph, "
                     "contact FROM flagged_lines WHERE month = " + Param(pf, month);
    AppendScope(sf, pf, scope, "provider");
    sf += " ORDER BY provider, run_id, seq";
    ALMEN_ASSIGN_OR_RETURN(auto flagged, c->Query(sf, pf));

    auto apply = [&](ControlLine& l) {
      if (corrected.empty()) return;
      auto it = corrected.find({l.run_id, l.seq});
      if (it == corrected.end()) return;
      l.status = it->second.status;
      l.amount_ore = it->second.amount_ore;
      l.rule = it->second.rule;
      l.paragraph = it->second.paragraph;
    };
    const Date first = m.first_day();
    size_t bi = 0, fi = 0;
    while (bi < blocks.size() || fi < flagged.size()) {
      // The next provider of either list; its blocks, then its flagged lines.
      const std::string provider =
          bi < blocks.size() && (fi >= flagged.size() || blocks[bi].Str(1) <= flagged[fi].Str(3)) ? blocks[bi].Str(1)
                                                                                                   : flagged[fi].Str(3);
      const int pnum = ProviderNumber(provider);
      for (; bi < blocks.size() && blocks[bi].Str(1) == provider; ++bi) {
        const int64_t run_id = blocks[bi].Int(0);
        Status st;
        ControlLine l;
        l.run_id = run_id;
        l.provider = pnum;
        ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(blocks[bi].Str(2), [&](const BlockLine& b) {
          if (!st.ok()) return;
          l.seq = b.seq;
          l.date = first.AddDays(b.day - 1);
          l.claim_id = b.claim_id;
          l.code = b.code;
          l.status = "accepted";
          l.rule = b.rule;
          l.paragraph = b.paragraph;
          l.amount_ore = b.amount_ore;
          l.contact = b.contact;
          apply(l);
          st = fn(l);
        }));
        ALMEN_RETURN_IF_ERROR(st);
        blocks[bi].cols[2].reset();  // free the block's text
      }
      for (; fi < flagged.size() && flagged[fi].Str(3) == provider; ++fi) {
        const SqlRow& r = flagged[fi];
        const std::string claim = r.Str(2), code = r.Str(5), status = r.Str(6), rule = r.Str(8), para = r.Str(9);
        ControlLine l;
        l.run_id = r.Int(0);
        l.seq = r.Int(1);
        l.provider = pnum;
        l.date = DateOr(r.Str(4), first);
        l.claim_id = claim;
        l.code = code;
        l.status = status;
        l.amount_ore = r.Int(7);
        l.rule = rule;
        l.paragraph = para;
        l.contact = ContactFromHex(r.Str(10));
        apply(l);
        ALMEN_RETURN_IF_ERROR(fn(l));
      }
    }
  }
  return Status::Ok();
}

StatusOr<std::map<int64_t, Date>> ControlRunDates(Storage& db) {
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT id, created_at FROM runs"));
  std::map<int64_t, Date> out;
  for (const auto& r : rows) out[r.Int(0)] = DateOr(r.Str(1), Date::Min());
  return out;
}

StatusOr<std::vector<ControlAnnualStatusRow>> ControlAnnualStatus(Storage& db, const Scope& scope, Date from,
                                                                  Date to) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string sql = "SELECT provider, indication, COUNT(*), COUNT(DISTINCT patient), SUM(amount_ore) FROM "
                    "ledger_events WHERE code = '0120' AND status <> 'rejected' AND service_date >= " +
                    Param(p, from.ToIso()) + " AND service_date < " + Param(p, to.ToIso());
  AppendScope(sql, p, scope, "provider");
  sql += " GROUP BY provider, indication ORDER BY provider, indication";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
  std::vector<ControlAnnualStatusRow> out;
  for (const auto& r : rows)
    out.push_back({ProviderNumber(r.Str(0)), static_cast<int>(r.Int(1)), r.Int(2), r.Int(3), r.Int(4)});
  return out;
}

StatusOr<std::map<int, int64_t>> ControlAnnualStatusPatients(Storage& db, const Scope& scope, Date from, Date to) {
  auto c = db.pool().Borrow();
  SqlParams p;
  std::string sql = "SELECT provider, COUNT(DISTINCT patient) FROM ledger_events WHERE code = '0120' AND status <> "
                    "'rejected' AND service_date >= " +
                    Param(p, from.ToIso()) + " AND service_date < " + Param(p, to.ToIso());
  AppendScope(sql, p, scope, "provider");
  sql += " GROUP BY provider";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
  std::map<int, int64_t> out;
  for (const auto& r : rows) out[ProviderNumber(r.Str(0))] = r.Int(1);
  return out;
}

StatusOr<std::vector<ControlSharedDayRow>> ControlSharedDays(Storage& db, const Scope& scope, Date from, Date to) {
  auto c = db.pool().Borrow();
  std::map<int, ControlSharedDayRow> by;
  {
    SqlParams p;
    std::string sql = "SELECT provider, COUNT(DISTINCT patient || service_date) FROM ledger_events WHERE status <> "
                      "'rejected' AND service_date >= " +
                      Param(p, from.ToIso()) + " AND service_date < " + Param(p, to.ToIso());
    AppendScope(sql, p, scope, "provider");
    sql += " GROUP BY provider";
    ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
    for (const auto& r : rows) {
      ControlSharedDayRow& s = by[ProviderNumber(r.Str(0))];
      s.provider = ProviderNumber(r.Str(0));
      s.patient_days = r.Int(1);
    }
  }
  // The shared patient-days are found among all clinics (the other clinic may
  // lie outside the scope); only the clinics in scope are reported.
  SqlParams p;
  const std::string f = Param(p, from.ToIso()), t = Param(p, to.ToIso());
  std::string sql =
      "WITH e AS (SELECT patient, provider, service_date, amount_ore FROM ledger_events WHERE status <> 'rejected' "
      "AND service_date >= " + f + " AND service_date < " + t +
      "), shared AS (SELECT patient, service_date FROM e GROUP BY patient, service_date HAVING COUNT(DISTINCT "
      "provider) > 1) SELECT e.provider, COUNT(DISTINCT e.patient || e.service_date), COUNT(*), SUM(e.amount_ore) "
      "FROM e JOIN shared s ON s.patient = e.patient AND s.service_date = e.service_date WHERE 1 = 1";
  AppendScope(sql, p, scope, "e.provider");
  sql += " GROUP BY e.provider";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
  for (const auto& r : rows) {
    ControlSharedDayRow& s = by[ProviderNumber(r.Str(0))];
    s.provider = ProviderNumber(r.Str(0));
    s.shared_patient_days = r.Int(1);
    s.shared_lines = r.Int(2);
    s.shared_amount_ore = r.Int(3);
  }
  std::vector<ControlSharedDayRow> out;
  for (auto& [k, v] : by) out.push_back(v);
  return out;
}

StatusOr<std::vector<ControlSharedLine>> ControlSharedLines(Storage& db, int provider, Date from, Date to) {
  auto c = db.pool().Borrow();
  SqlParams p;
  const std::string me = Param(p, ProviderText(provider));
  std::string sql =
      "SELECT m.run_id, m.seq, m.claim_id, m.service_date, m.code, m.status, m.amount_ore, o.provider, o.code FROM "
      "ledger_events m JOIN ledger_events o ON o.patient = m.patient AND o.service_date = m.service_date AND "
      "o.provider <> m.provider AND o.status <> 'rejected' WHERE m.provider = " + me +
      " AND m.status <> 'rejected' AND m.service_date >= " + Param(p, from.ToIso()) +
      " AND m.service_date < " + Param(p, to.ToIso()) + " ORDER BY m.service_date, m.run_id, m.seq, o.provider, o.code";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query(sql, p));
  std::vector<ControlSharedLine> out;
  for (const auto& r : rows) {
    if (out.empty() || out.back().run_id != r.Int(0) || out.back().seq != r.Int(1)) {
      ControlSharedLine l;
      l.run_id = r.Int(0);
      l.seq = r.Int(1);
      l.claim_id = r.Str(2);
      l.service_date = r.Str(3);
      l.code = r.Str(4);
      l.status = r.Str(5);
      l.amount_ore = r.Int(6);
      out.push_back(std::move(l));
    }
    out.back().others.emplace_back(r.Str(7), r.Str(8));
  }
  return out;
}

// ---- Control cases ----------------------------------------------------------------------

namespace {

constexpr const char* kCaseColumns =
    "id, provider, region_code, period_from, period_to, status, opened_at, opened_by, risk_json, method, seed, "
    "confidence_ppm, tolerable_error_ore, expected_error_ore, population_lines, population_ore, sample_size, "
    "interval_ore, sampled_at, sampled_by, request_text, requested_at, requested_by, due_date, conclusion, "
    "concluded_at, concluded_by, evaluation_json, projected_error_ore, upper_error_ore, recovered_ore, lsu_case_id";

ControlCaseRow CaseOf(const SqlRow& r) {
  ControlCaseRow c;
  size_t i = 0;
  c.id = r.Int(i++);
  c.provider = r.Str(i++);
  c.region_code = r.Str(i++);
  c.period_from = r.Str(i++);
  c.period_to = r.Str(i++);
  c.status = r.Str(i++);
  c.opened_at = r.Str(i++);
  c.opened_by = r.Str(i++);
  c.risk_json = r.Str(i++);
  c.method = r.Str(i++);
  c.seed = r.Str(i++);
  c.confidence_ppm = r.Int(i++);
  c.tolerable_error_ore = r.Int(i++);
  c.expected_error_ore = r.Int(i++);
  c.population_lines = r.Int(i++);
  c.population_ore = r.Int(i++);
  c.sample_size = r.Int(i++);
  c.interval_ore = r.Int(i++);
  c.sampled_at = r.Str(i++);
  c.sampled_by = r.Str(i++);
  c.request_text = r.Str(i++);
  c.requested_at = r.Str(i++);
  c.requested_by = r.Str(i++);
  c.due_date = r.Str(i++);
  c.conclusion = r.Str(i++);
  c.concluded_at = r.Str(i++);
  c.concluded_by = r.Str(i++);
  c.evaluation_json = r.Str(i++);
  c.projected_error_ore = r.Int(i++);
  c.upper_error_ore = r.Int(i++);
  c.recovered_ore = r.Int(i++);
  c.lsu_case_id = r.Str(i++);
  return c;
}

SqlParams MutableParams(const ControlCaseRow& c) {
  return {c.status,        c.method,          c.seed,          c.confidence_ppm,      c.tolerable_error_ore,
          c.expected_error_ore, c.population_lines, c.population_ore, c.sample_size,  c.interval_ore,
          c.sampled_at,    c.sampled_by,      c.request_text,  c.requested_at,        c.requested_by,
          c.due_date,      c.conclusion,      c.concluded_at,  c.concluded_by,        c.evaluation_json,
          c.projected_error_ore, c.upper_error_ore, c.recovered_ore, c.lsu_case_id};
}

constexpr const char* kMutableColumns =
    "status, method, seed, confidence_ppm, tolerable_error_ore, expected_error_ore, population_lines, "
    "population_ore, sample_size, interval_ore, sampled_at, sampled_by, request_text, requested_at, requested_by, "
    "due_date, conclusion, concluded_at, concluded_by, evaluation_json, projected_error_ore, upper_error_ore, "
    "recovered_ore, lsu_case_id";

}  // namespace

StatusOr<int64_t> ControlCases::Insert(const ControlCaseRow& row) {
  SqlParams p = {row.provider, row.region_code, row.period_from, row.period_to, row.opened_at, row.opened_by,
                 row.risk_json};
  SqlParams m = MutableParams(row);
  p.insert(p.end(), m.begin(), m.end());
  std::string values;
  for (size_t i = 1; i <= p.size(); ++i) values += (i > 1 ? ", $" : "$") + std::to_string(i);
  ALMEN_ASSIGN_OR_RETURN(
      auto rows, c_.Query(std::string("INSERT INTO control_cases (provider, region_code, period_from, period_to, "
                                      "opened_at, opened_by, risk_json, ") +
                              kMutableColumns + ") VALUES (" + values + ") RETURNING id",
                          p));
  if (rows.empty()) return Internal("control_cases: no id returned");
  return rows[0].Int(0);
}

StatusOr<std::optional<ControlCaseRow>> ControlCases::Get(int64_t id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows,
                         c_.Query(std::string("SELECT ") + kCaseColumns + " FROM control_cases WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<ControlCaseRow>();
  return std::optional<ControlCaseRow>(CaseOf(rows[0]));
}

StatusOr<std::vector<ControlCaseRow>> ControlCases::List(const Scope& scope) {
  SqlParams p;
  std::string sql = std::string("SELECT ") + kCaseColumns + " FROM control_cases WHERE 1 = 1";
  AppendScope(sql, p, scope, "provider");
  sql += " ORDER BY id DESC";
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query(sql, p));
  std::vector<ControlCaseRow> out;
  for (const auto& r : rows) out.push_back(CaseOf(r));
  return out;
}

Status ControlCases::Update(const ControlCaseRow& row) {
  SqlParams p = MutableParams(row);
  std::string sets;
  std::string cols = kMutableColumns;
  size_t n = 0, start = 0;
  while (start < cols.size()) {
    size_t end = cols.find(',', start);
    if (end == std::string::npos) end = cols.size();
    std::string name = cols.substr(start, end - start);
    name.erase(0, name.find_first_not_of(' '));
    if (n > 0) sets += ", ";
    ++n;
    sets += name + " = $" + std::to_string(n);
    start = end + 1;
  }
  p.push_back(row.id);
  return c_.Exec("UPDATE control_cases SET " + sets + " WHERE id = $" + std::to_string(p.size()), p);
}

Status ControlCases::InsertSample(int64_t case_id, const std::vector<ControlStratumRow>& strata,
                                  const std::vector<ControlSampleRow>& lines) {
  size_t i = 0;
  ALMEN_RETURN_IF_ERROR(c_.BulkInsert("control_strata", {"case_id", "stratum", "lines", "amount_ore", "sample_size"},
                                      [&](SqlParams& row) -> StatusOr<bool> {
                                        if (i == strata.size()) return false;
                                        const auto& s = strata[i++];
                                        row = {case_id, s.stratum, s.lines, s.amount_ore, s.sample_size};
                                        return true;
                                      }));
  i = 0;
  return c_.BulkInsert("control_sample_lines",
                       {"case_id", "item", "run_id", "seq", "claim_id", "service_date", "code", "stratum",
                        "amount_ore", "hits", "paragraph", "finding", "error_ore", "note", "finding_paragraph",
                        "found_by", "found_at", "recovered_ore"},
                       [&](SqlParams& row) -> StatusOr<bool> {
                         if (i == lines.size()) return false;
                         const auto& l = lines[i++];
                         row = {case_id,     l.item,      l.run_id, l.seq,         l.claim_id,          l.service_date,
                                l.code,      l.stratum,   l.amount_ore, l.hits,    l.paragraph,         l.finding,
                                l.error_ore, l.note,      l.finding_paragraph,     l.found_by,          l.found_at,
                                l.recovered_ore};
                         return true;
                       });
}

StatusOr<std::vector<ControlStratumRow>> ControlCases::Strata(int64_t case_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT stratum, lines, amount_ore, sample_size FROM control_strata "
                                             "WHERE case_id = $1 ORDER BY stratum",
                                             {case_id}));
  std::vector<ControlStratumRow> out;
  for (const auto& r : rows) out.push_back({r.Str(0), r.Int(1), r.Int(2), r.Int(3)});
  return out;
}

StatusOr<std::vector<ControlSampleRow>> ControlCases::Sample(int64_t case_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows,
                         c_.Query("SELECT item, run_id, seq, claim_id, service_date, code, stratum, amount_ore, hits, "
                                  "paragraph, finding, error_ore, note, finding_paragraph, found_by, found_at, "
                                  "recovered_ore FROM control_sample_lines WHERE case_id = $1 ORDER BY item",
                                  {case_id}));
  std::vector<ControlSampleRow> out;
  for (const auto& r : rows) {
    ControlSampleRow s;
    s.item = r.Int(0);
    s.run_id = r.Int(1);
    s.seq = r.Int(2);
    s.claim_id = r.Str(3);
    s.service_date = r.Str(4);
    s.code = r.Str(5);
    s.stratum = r.Str(6);
    s.amount_ore = r.Int(7);
    s.hits = r.Int(8);
    s.paragraph = r.Str(9);
    s.finding = r.Str(10);
    s.error_ore = r.Int(11);
    s.note = r.Str(12);
    s.finding_paragraph = r.Str(13);
    s.found_by = r.Str(14);
    s.found_at = r.Str(15);
    s.recovered_ore = r.Int(16);
    out.push_back(std::move(s));
  }
  return out;
}

Status ControlCases::UpdateFinding(int64_t case_id, const ControlSampleRow& row) {
  return c_.Exec("UPDATE control_sample_lines SET finding = $1, error_ore = $2, note = $3, finding_paragraph = $4, "
                 "found_by = $5, found_at = $6, recovered_ore = $7 WHERE case_id = $8 AND item = $9",
                 {row.finding, row.error_ore, row.note, row.finding_paragraph, row.found_by, row.found_at,
                  row.recovered_ore, case_id, row.item});
}

Status ControlCases::AddMessage(int64_t case_id, const ControlMessageRow& m) {
  return c_.Exec("INSERT INTO control_messages (case_id, at, by_user, role, kind, text, item) VALUES ($1, $2, $3, $4, "
                 "$5, $6, $7)",
                 {case_id, m.at, m.by_user, m.role, m.kind, m.text, m.item});
}

StatusOr<std::vector<ControlMessageRow>> ControlCases::Messages(int64_t case_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, at, by_user, role, kind, text, item FROM control_messages "
                                             "WHERE case_id = $1 ORDER BY id",
                                             {case_id}));
  std::vector<ControlMessageRow> out;
  for (const auto& r : rows) out.push_back({r.Int(0), r.Str(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5), r.Int(6)});
  return out;
}

StatusOr<std::vector<SqlRow>> ControlCases::Sanctions(const std::string& lsu_case_id) {
  if (lsu_case_id.empty()) return std::vector<SqlRow>();
  return c_.Query("SELECT id, doctor_id, provider, kind, decided, from_date, to_date, amount_ore FROM sanctions "
                  "WHERE case_id = $1 ORDER BY id",
                  {lsu_case_id});
}

StatusOr<std::optional<std::pair<std::string, int64_t>>> ControlCases::LineNow(int64_t run_id, int64_t seq,
                                                                                const std::string& provider,
                                                                                const std::string& month) {
  using Out = std::optional<std::pair<std::string, int64_t>>;
  ALMEN_ASSIGN_OR_RETURN(auto corr, c_.Query("SELECT status, amount_ore FROM line_corrections WHERE line_run_id = $1 "
                                             "AND line_seq = $2 ORDER BY id DESC LIMIT 1",
                                             {run_id, seq}));
  if (!corr.empty()) return Out(std::make_pair(corr[0].Str(0), corr[0].Int(1)));
  ALMEN_ASSIGN_OR_RETURN(auto flagged, c_.Query("SELECT status, amount_ore FROM flagged_lines WHERE run_id = $1 AND "
                                                "seq = $2",
                                                {run_id, seq}));
  if (!flagged.empty()) return Out(std::make_pair(flagged[0].Str(0), flagged[0].Int(1)));
  ALMEN_ASSIGN_OR_RETURN(auto blocks, c_.Query("SELECT data FROM line_blocks WHERE run_id = $1 AND provider = $2 AND "
                                               "month = $3",
                                               {run_id, provider, month}));
  Out found;
  for (const auto& b : blocks)
    ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(b.Str(0), [&](const BlockLine& l) {
      if (l.seq == seq) found = std::make_pair(std::string("accepted"), l.amount_ore);
    }));
  return found;
}

Status ControlCases::PostRecovery(std::vector<Posting> postings, const std::string& now) {
  LedgerTables ledger(c_);
  ALMEN_RETURN_IF_ERROR(ledger.Lock());
  ALMEN_ASSIGN_OR_RETURN(std::optional<Month> closed, ledger.LastClosed());
  for (Posting& p : postings) p.book_month = closed && !(*closed < p.month) ? *closed + 1 : p.month;
  return ledger.Post(postings, now);
}

}  // namespace almen
