// The ledger's tables (ledger_store.h).
#include "storage/ledger_store.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include <absl/container/flat_hash_set.h>

#include "agreement/agreement.h"
#include "common/csv.h"
#include "common/file.h"
#include "storage/claim_keys.h"
#include "storage/line_blocks.h"
#include "storage/lines_store.h"
#include "storage/prior_store.h"
#include "storage/storage.h"
#include "storage/table_util.h"

namespace almen {

std::string ProviderText(int provider) {
  char b[16];
  std::snprintf(b, sizeof b, "%06d", provider);
  return b;
}

namespace {

std::string Hex64(uint64_t v) {
  if (!v) return "";
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

Date DateOr(const std::string& s, Date dflt) {
  auto d = Date::Parse(s);
  return d ? *d : dflt;
}

std::string MonthText(Month m) { return m.serial ? m.ToString() : ""; }

// The first month whose 1st is on or after `d`.
Month FirstMonthFrom(Date d) {
  Month m = Month::Of(d);
  return d == m.first_day() ? m : m + 1;
}

std::string DateText(Date d) { return d.is_max() ? "" : d.ToIso(); }

}  // namespace

Status LedgerTables::Lock() {
  if (c_.dialect() == SqlDialect::kPostgres) return c_.Exec("SELECT pg_advisory_xact_lock(7461)");
  return Status::Ok();  // SQLite: BEGIN IMMEDIATE holds the write lock
}

StatusOr<LedgerTables::ImportedLines> LedgerTables::ImportLines(
    int64_t run_id, const std::string& lines_path, const std::string& aux_path, const std::atomic<bool>* cancel,
    const std::function<void(const std::string&, double)>& progress) {
  ALMEN_ASSIGN_OR_RETURN(auto li, storage_internal::ImportLines(c_, run_id, lines_path, aux_path, cancel, progress));
  return ImportedLines{li.lines, li.accepted, li.rejected, li.review, li.duplicates, li.amount_ore};
}

StatusOr<std::optional<Month>> LedgerTables::FrozenThrough() {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT value FROM ledger_meta WHERE key = 'frozen_through'"));
  if (rows.empty()) return std::optional<Month>();
  auto m = Month::Parse(rows[0].Str(0));
  return m ? std::optional<Month>(*m) : std::optional<Month>();
}

std::unique_ptr<PriorState> LedgerTables::Prior() { return NewSqlPrior(c_); }

StatusOr<std::optional<std::pair<Month, Month>>> LedgerTables::Period() {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT first_month, last_month FROM ledger_period WHERE id = 1"));
  if (rows.empty()) return std::optional<std::pair<Month, Month>>();
  auto a = Month::Parse(rows[0].Str(0)), b = Month::Parse(rows[0].Str(1));
  if (!a || !b) return Internal("ledger_period is damaged");
  return std::optional<std::pair<Month, Month>>(std::make_pair(*a, *b));
}

Status LedgerTables::ExtendPeriod(Month from, Month to) {
  ALMEN_ASSIGN_OR_RETURN(auto cur, Period());
  if (cur) {
    from = std::min(from, cur->first);
    to = std::max(to, cur->second);
  }
  return c_.Exec("INSERT INTO ledger_period (id, first_month, last_month) VALUES (1, $1, $2) ON CONFLICT (id) DO "
                 "UPDATE SET first_month = excluded.first_month, last_month = excluded.last_month",
                 {from.ToString(), to.ToString()});
}

StatusOr<std::optional<Month>> LedgerTables::LastClosed() {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT MAX(month) FROM ledger_closings"));
  if (rows.empty() || rows[0].IsNull(0)) return std::optional<Month>();
  auto m = Month::Parse(rows[0].Str(0));
  if (!m) return Internal("ledger_closings is damaged");
  return std::optional<Month>(*m);
}

StatusOr<std::map<BalanceKey, BalanceValue>> LedgerTables::Balances(const std::vector<std::string>& items) {
  std::string sql = "SELECT provider, month, item, code, count, amount_ore FROM ledger_balances";
  SqlParams params;
  if (!items.empty()) {
    sql += " WHERE item IN (";
    for (size_t i = 0; i < items.size(); ++i) sql += (i ? "," : "") + storage_internal::Param(params, items[i]);
    sql += ")";
  }
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query(sql, params));
  std::map<BalanceKey, BalanceValue> out;
  for (const auto& r : rows) {
    auto m = Month::Parse(r.Str(1));
    if (!m) return Internal("ledger_balances: bad month '" + r.Str(1) + "'");
    out[{std::atoi(r.Str(0).c_str()), m->serial, r.Str(2), r.Str(3)}] = {r.Int(4), r.Int(5)};
  }
  return out;
}

Status LedgerTables::Post(const std::vector<Posting>& postings, const std::string& now) {
  if (postings.empty()) return Status::Ok();
  size_t i = 0;
  ALMEN_RETURN_IF_ERROR(c_.BulkInsert(
      "postings",
      {"run_id", "provider", "month", "book_month", "item", "code", "count", "amount_ore", "kind", "status", "rule",
       "paragraph", "reason", "cause", "line_run_id", "line_seq", "created_at"},
      [&](SqlParams& row) -> StatusOr<bool> {
        if (i == postings.size()) return false;
        const Posting& p = postings[i++];
        row = {p.run_id, ProviderText(p.provider), p.month.ToString(), p.book_month.ToString(), p.item, p.code,
               p.count, p.amount_ore, p.kind, p.status, p.rule, p.paragraph, p.reason, p.cause, p.line_run_id,
               p.line_seq, now};
        return true;
      }));
  std::map<BalanceKey, BalanceValue> delta;
  for (const Posting& p : postings) {
    BalanceValue& v = delta[{p.provider, p.month.serial, p.item, p.code}];
    v.count += p.count;
    v.amount_ore += p.amount_ore;
  }
  // Added to the balances in one statement (a temporary table of the deltas).
  ALMEN_RETURN_IF_ERROR(c_.ExecScript("CREATE TEMP TABLE balances_in (provider TEXT, month TEXT, item TEXT, code TEXT, "
                                      "count BIGINT, amount_ore BIGINT)"));
  auto it = delta.begin();
  Status st = c_.BulkInsert("balances_in", {"provider", "month", "item", "code", "count", "amount_ore"},
                            [&](SqlParams& row) -> StatusOr<bool> {
                              if (it == delta.end()) return false;
                              row = {ProviderText(it->first.provider), Month{it->first.month}.ToString(),
                                     it->first.item, it->first.code, it->second.count, it->second.amount_ore};
                              ++it;
                              return true;
                            });
  if (st.ok())
    st = c_.Exec("INSERT INTO ledger_balances (provider, month, item, code, count, amount_ore) SELECT provider, month, "
                 "item, code, count, amount_ore FROM balances_in WHERE true ON CONFLICT (provider, month, item, code) "
                 "DO UPDATE SET count = ledger_balances.count + excluded.count, amount_ore = ledger_balances.amount_ore "
                 "+ excluded.amount_ore");
  Status drop = c_.ExecScript("DROP TABLE balances_in");
  ALMEN_RETURN_IF_ERROR(st);
  return drop;
}

Status LedgerTables::StoreNewEvents(int64_t run_id, const std::vector<NewEvent>& events) {
  size_t i = 0;
  return c_.BulkInsert(
      "ledger_events",
      {"patient", "provider", "service_date", "code", "claim_key", "claim_id", "contact", "trip", "course",
       "indication", "setting", "km", "minutes", "price_ore", "run_id", "seq", "facts_categories", "facts_present",
       "status", "rule", "amount_ore", "reason", "paragraph", "enrol_from", "enrol_to", "quantity"},
      [&](SqlParams& row) -> StatusOr<bool> {
        if (i == events.size()) return false;
        const NewEvent& ne = events[i++];
        const Event& e = ne.event;
        const EventDecision& d = ne.decision;
        char code[8];
        std::snprintf(code, sizeof code, "%04d", e.code);
        row = {e.patient.ToHex(),
               ProviderText(e.provider),
               e.date.ToIso(),
               std::string(code),
               e.claim_key.ToHex(),
               ne.claim_id,
               Hex64(e.contact),
               Hex64(e.trip),
               Hex64(e.course),
               static_cast<int64_t>(e.indication),
               static_cast<int64_t>(e.setting),
               static_cast<int64_t>(e.km),
               static_cast<int64_t>(e.minutes),
               e.price.ore(),
               run_id,
               ne.seq,
               static_cast<int64_t>(ne.facts.categories),
               static_cast<int64_t>(ne.facts.present),
               std::string(StatusName(d.status)),
               d.rule,
               d.amount.ore(),
               d.reason,
               d.paragraph,
               MonthText(d.enrol_from),
               MonthText(d.enrol_to),
               static_cast<int64_t>(e.quantity)};
        return true;
      });
}

// kBatch events a statement, each found by its id and service date: the
// date is the partition key on PostgreSQL, so one partition's index is probed.
Status LedgerTables::UpdateEvents(const std::vector<ChangedEvent>& events) {
  constexpr size_t kBatch = 500;
  for (size_t at = 0; at < events.size(); at += kBatch) {
    SqlParams params;
    std::string values;
    for (size_t i = at; i < std::min(events.size(), at + kBatch); ++i) {
      const ChangedEvent& ce = events[i];
      const EventDecision& d = ce.decision;
      using storage_internal::Param;
      values += (i > at ? ",(CAST(" : "(CAST(") + Param(params, ce.id) + " AS BIGINT)," +
                Param(params, ce.date.ToIso()) + ",CAST(" + Param(params, static_cast<int64_t>(ce.facts.categories)) +
                " AS BIGINT),CAST(" + Param(params, static_cast<int64_t>(ce.facts.present)) + " AS BIGINT)," +
                Param(params, std::string(StatusName(d.status))) + "," + Param(params, d.rule) + ",CAST(" +
                Param(params, d.amount.ore()) + " AS BIGINT)," + Param(params, d.reason) + "," +
                Param(params, d.paragraph) + "," + Param(params, MonthText(d.enrol_from)) + "," +
                Param(params, MonthText(d.enrol_to)) + ")";
    }
    ALMEN_RETURN_IF_ERROR(c_.Exec(
        "UPDATE ledger_events SET facts_categories = v.column3, facts_present = v.column4, status = v.column5, "
        "rule = v.column6, amount_ore = v.column7, reason = v.column8, paragraph = v.column9, enrol_from = "
        "v.column10, enrol_to = v.column11 FROM (VALUES " + values + ") AS v WHERE ledger_events.id = v.column1 AND "
        "ledger_events.service_date = v.column2",
        params));
  }
  return Status::Ok();
}

StatusOr<std::vector<Enrolment>> LedgerTables::Enrolments(const ProviderRegistry* providers) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT provider, code, enrol_from, enrol_to, service_date FROM "
                                             "ledger_events WHERE enrol_from <> '' AND status <> 'rejected' ORDER BY "
                                             "id"));
  std::vector<Enrolment> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    auto from = Month::Parse(r.Str(2)), to = Month::Parse(r.Str(3));
    auto date = Date::Parse(r.Str(4));
    if (!from || !to || !date) return Internal("ledger_events: damaged enrolment");
    Enrolment e;
    e.provider = std::atoi(r.Str(0).c_str());
    e.code = std::atoi(r.Str(1).c_str());
    e.start = *from;
    e.end = *to;
    const ProviderRow* row = providers ? providers->On(e.provider, *date) : nullptr;
    e.lto = row ? row->lto : false;
    out.push_back(e);
  }
  return out;
}

Status LedgerTables::StoreCorrections(int64_t run_id, const std::vector<LineCorrection>& corrections,
                                      const std::string& now) {
  size_t i = 0;
  return c_.BulkInsert(
      "line_corrections",
      {"run_id", "line_run_id", "line_seq", "claim_id", "provider", "service_date", "month", "code", "old_status",
       "old_amount_ore", "old_rule", "status", "amount_ore", "rule", "reason", "paragraph", "cause", "created_at"},
      [&](SqlParams& row) -> StatusOr<bool> {
        if (i == corrections.size()) return false;
        const LineCorrection& c = corrections[i++];
        char code[8];
        std::snprintf(code, sizeof code, "%04d", c.code);
        row = {run_id,
               c.run_id,
               c.seq,
               c.claim_id,
               ProviderText(c.provider),
               c.date.ToIso(),
               Month::Of(c.date).ToString(),
               std::string(code),
               std::string(StatusName(c.old_status)),
               c.old_amount.ore(),
               c.old_rule,
               std::string(StatusName(c.new_status)),
               c.new_amount.ore(),
               c.new_rule,
               c.new_reason,
               c.new_paragraph,
               c.cause_claim_id,
               now};
        return true;
      });
}

Status LedgerTables::AddDays(const ProviderDays& days) {
  std::map<std::pair<int, int32_t>, uint64_t> bits;
  for (const auto& [provider, ds] : days)
    for (int32_t d : ds) {
      Date date = Date::FromDays(d);
      bits[{provider, Month::Of(date).serial}] |= uint64_t{1} << date.day();
    }
  if (bits.empty()) return Status::Ok();
  ALMEN_RETURN_IF_ERROR(c_.ExecScript("CREATE TEMP TABLE days_in (provider TEXT, month TEXT, days BIGINT)"));
  auto it = bits.begin();
  Status st = c_.BulkInsert("days_in", {"provider", "month", "days"}, [&](SqlParams& row) -> StatusOr<bool> {
    if (it == bits.end()) return false;
    row = {ProviderText(it->first.first), Month{it->first.second}.ToString(), static_cast<int64_t>(it->second)};
    ++it;
    return true;
  });
  if (st.ok())
    st = c_.Exec("INSERT INTO ledger_days (provider, month, days) SELECT provider, month, days FROM days_in WHERE true "
                 "ON CONFLICT (provider, month) DO UPDATE SET days = ledger_days.days | excluded.days");
  Status drop = c_.ExecScript("DROP TABLE days_in");
  ALMEN_RETURN_IF_ERROR(st);
  return drop;
}

StatusOr<std::vector<Posting>> LedgerTables::RunPostings(int64_t run_id) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT provider, month, book_month, item, code, count, amount_ore, kind, "
                                             "status, rule, paragraph, reason, cause, line_run_id, line_seq FROM "
                                             "postings WHERE run_id = $1 ORDER BY id",
                                             {run_id}));
  std::vector<Posting> out;
  for (const auto& r : rows) {
    Posting p;
    p.run_id = run_id;
    p.provider = std::atoi(r.Str(0).c_str());
    p.month = Month::Parse(r.Str(1)).value_or(Month{});
    p.book_month = Month::Parse(r.Str(2)).value_or(Month{});
    p.item = r.Str(3);
    p.code = r.Str(4);
    p.count = r.Int(5);
    p.amount_ore = r.Int(6);
    p.kind = r.Str(7);
    p.status = r.Str(8);
    p.rule = r.Str(9);
    p.paragraph = r.Str(10);
    p.reason = r.Str(11);
    p.cause = r.Str(12);
    p.line_run_id = r.Int(13);
    p.line_seq = r.Int(14);
    out.push_back(std::move(p));
  }
  return out;
}

StatusOr<std::vector<SqlRow>> LedgerTables::RunCorrections(int64_t run_id) {
  return c_.Query("SELECT line_run_id, line_seq, claim_id, provider, service_date, code, old_status, old_amount_ore, "
                  "old_rule, status, amount_ore, rule, reason, paragraph, cause FROM line_corrections WHERE run_id = "
                  "$1 ORDER BY id",
                  {run_id});
}

StatusOr<std::vector<ProviderRow>> LedgerTables::ProviderVersions() {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT provider, valid_from, valid_to, name, municipality_code, "
                                             "clinic_type, capacities, lto FROM provider_versions ORDER BY provider, "
                                             "valid_from"));
  std::vector<ProviderRow> out;
  for (const auto& r : rows) {
    ProviderRow p;
    p.provider = std::atoi(r.Str(0).c_str());
    p.period = {DateOr(r.Str(1), Date::Min()), DateOr(r.Str(2), Date::Max())};
    p.name = r.Str(3);
    p.municipality_code = r.Str(4);
    const std::string t = r.Str(5);
    p.clinic_type = t == "region" ? ClinicType::kRegion : t == "udbud" ? ClinicType::kUdbud : ClinicType::kOrdinary;
    p.capacities = static_cast<int>(r.Int(6));
    p.lto = r.Int(7) != 0;
    out.push_back(std::move(p));
  }
  return out;
}

StatusOr<int64_t> LedgerTables::MergeProviders(const ProviderRegistry& uploaded, int64_t run_id,
                                               const std::string& now) {
  int64_t changed = 0;
  std::vector<int> ids;
  for (const auto& [p, rows] : uploaded.rows()) ids.push_back(p);
  std::sort(ids.begin(), ids.end());
  for (int provider : ids) {
    const std::string ptext = ProviderText(provider);
    ALMEN_ASSIGN_OR_RETURN(auto stored, c_.Query("SELECT valid_from, valid_to, name, municipality_code, region_code, "
                                                 "clinic_type, capacities, lto FROM provider_versions WHERE provider "
                                                 "= $1",
                                                 {ptext}));
    for (const ProviderRow& u : uploaded.rows().at(provider)) {
      for (const auto& s : stored) {
        const Date sf = DateOr(s.Str(0), Date::Min()), st = DateOr(s.Str(1), Date::Max());
        if (!(sf < u.period.to && u.period.from < st)) continue;  // no overlap
        if (sf == u.period.from) continue;                       // replaced by the upsert below
        if (sf < u.period.from) {
          // The stored version ends where the uploaded one begins.
          ALMEN_RETURN_IF_ERROR(c_.Exec("UPDATE provider_versions SET valid_to = $1 WHERE provider = $2 AND "
                                        "valid_from = $3",
                                        {DateText(u.period.from), ptext, s.Str(0)}));
          if (u.period.to < st) {
            // … and its remainder after the uploaded row stays.
            ALMEN_RETURN_IF_ERROR(c_.Exec(
                "INSERT INTO provider_versions (provider, valid_from, valid_to, name, municipality_code, region_code, "
                "clinic_type, capacities, lto, run_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON "
                "CONFLICT (provider, valid_from) DO NOTHING",
                {ptext, DateText(u.period.to), s.Str(1), s.Str(2), s.Str(3), s.Str(4), s.Str(5), s.Int(6), s.Int(7),
                 run_id, now}));
          }
        } else {
          // Starts inside the uploaded row: replaced, but for what runs past it.
          ALMEN_RETURN_IF_ERROR(c_.Exec("DELETE FROM provider_versions WHERE provider = $1 AND valid_from = $2",
                                        {ptext, s.Str(0)}));
          if (u.period.to < st)
            ALMEN_RETURN_IF_ERROR(c_.Exec(
                "INSERT INTO provider_versions (provider, valid_from, valid_to, name, municipality_code, region_code, "
                "clinic_type, capacities, lto, run_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON "
                "CONFLICT (provider, valid_from) DO NOTHING",
                {ptext, DateText(u.period.to), s.Str(1), s.Str(2), s.Str(3), s.Str(4), s.Str(5), s.Int(6), s.Int(7),
                 run_id, now}));
        }
      }
      ALMEN_RETURN_IF_ERROR(c_.Exec(
          "INSERT INTO provider_versions (provider, valid_from, valid_to, name, municipality_code, region_code, "
          "clinic_type, capacities, lto, run_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT "
          "(provider, valid_from) DO UPDATE SET valid_to = excluded.valid_to, name = excluded.name, municipality_code "
          "= excluded.municipality_code, region_code = excluded.region_code, clinic_type = excluded.clinic_type, "
          "capacities = excluded.capacities, lto = excluded.lto, run_id = excluded.run_id, created_at = "
          "excluded.created_at",
          {ptext, DateText(u.period.from), DateText(u.period.to), u.name, u.municipality_code,
           Storage::RegionOfMunicipality(u.municipality_code), std::string(ClinicTypeName(u.clinic_type)),
           static_cast<int64_t>(u.capacities), static_cast<int64_t>(u.lto ? 1 : 0), run_id, now}));
      ++changed;
    }
    // The latest version is the provider's current row.
    ALMEN_ASSIGN_OR_RETURN(auto latest, c_.Query("SELECT valid_from, valid_to, name, municipality_code, region_code, "
                                                 "clinic_type, capacities, lto FROM provider_versions WHERE provider "
                                                 "= $1 ORDER BY valid_from DESC LIMIT 1",
                                                 {ptext}));
    if (latest.empty()) continue;
    const auto& l = latest[0];
    ALMEN_RETURN_IF_ERROR(c_.Exec(
        "INSERT INTO providers (provider, name, municipality_code, region_code, clinic_type, capacities, lto, "
        "valid_from, valid_to) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (provider) DO UPDATE SET name = "
        "excluded.name, municipality_code = excluded.municipality_code, region_code = excluded.region_code, "
        "clinic_type = excluded.clinic_type, capacities = excluded.capacities, lto = excluded.lto, valid_from = "
        "excluded.valid_from, valid_to = excluded.valid_to",
        {ptext, l.Str(2), l.Str(3), l.Str(4), l.Str(5), l.Int(6), l.Int(7), l.Str(0), l.Str(1)}));
  }
  return changed;
}

StatusOr<int64_t> LedgerTables::MergeListings(const std::vector<ListingRow>& rows, int64_t run_id) {
  if (rows.empty()) return int64_t{0};
  ALMEN_RETURN_IF_ERROR(c_.ExecScript("CREATE TEMP TABLE listings_in (patient TEXT, provider TEXT, listed_from TEXT, "
                                      "listed_to TEXT, birth_date TEXT, sex TEXT, run_id BIGINT)"));
  size_t i = 0;
  Status st = c_.BulkInsert("listings_in", {"patient", "provider", "listed_from", "listed_to", "birth_date", "sex", "run_id"},
                            [&](SqlParams& row) -> StatusOr<bool> {
                              if (i == rows.size()) return false;
                              const ListingRow& l = rows[i++];
                              row = {l.patient, ProviderText(l.provider), l.from.ToIso(), DateText(l.to),
                                     l.birth.ToIso(), std::string(1, l.sex), run_id};
                              return true;
                            });
  if (st.ok())
    st = c_.Exec("INSERT INTO listings (patient, provider, listed_from, listed_to, birth_date, sex, run_id) SELECT "
                 "patient, provider, listed_from, listed_to, birth_date, sex, run_id FROM listings_in WHERE true ON "
                 "CONFLICT (patient, provider, listed_from) DO UPDATE SET listed_to = excluded.listed_to, birth_date = "
                 "excluded.birth_date, sex = excluded.sex, run_id = excluded.run_id");
  // The steps of every provider the file names, again from its listings.
  std::vector<std::string> providers;
  if (st.ok()) {
    auto prow = c_.Query("SELECT DISTINCT provider FROM listings_in");
    if (!prow.ok()) st = prow.status();
    else
      for (const auto& r : *prow) providers.push_back(r.Str(0));
  }
  Status drop = c_.ExecScript("DROP TABLE listings_in");
  ALMEN_RETURN_IF_ERROR(st);
  ALMEN_RETURN_IF_ERROR(drop);
  for (const std::string& p : providers) {
    ALMEN_ASSIGN_OR_RETURN(auto lrows, c_.Query("SELECT listed_from, listed_to FROM listings WHERE provider = $1", {p}));
    std::map<int32_t, int64_t> steps;
    for (const auto& r : lrows) {
      auto from = Date::Parse(r.Str(0));
      if (!from) continue;
      const Date to = DateOr(r.Str(1), Date::Max());
      if (!(*from < to)) continue;
      const Month a = FirstMonthFrom(*from);
      steps[a.serial] += 1;
      if (!to.is_max()) {
        const Month b = FirstMonthFrom(to);
        steps[b.serial] -= 1;
      }
    }
    ALMEN_RETURN_IF_ERROR(c_.Exec("DELETE FROM listing_steps WHERE provider = $1", {p}));
    for (const auto& [m, d] : steps)
      if (d != 0)
        ALMEN_RETURN_IF_ERROR(c_.Exec("INSERT INTO listing_steps (provider, month, delta) VALUES ($1,$2,$3)",
                                      {p, Month{m}.ToString(), d}));
  }
  return static_cast<int64_t>(rows.size());
}

StatusOr<absl::flat_hash_map<ProviderMonth, int64_t>> LedgerTables::Listed(Month from, Month to) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT provider, month, delta FROM listing_steps ORDER BY provider, "
                                             "month"));
  absl::flat_hash_map<ProviderMonth, int64_t> out;
  size_t i = 0;
  while (i < rows.size()) {
    const std::string p = rows[i].Str(0);
    const int provider = std::atoi(p.c_str());
    std::map<int32_t, int64_t> steps;
    for (; i < rows.size() && rows[i].Str(0) == p; ++i)
      if (auto m = Month::Parse(rows[i].Str(1))) steps[m->serial] += rows[i].Int(2);
    int64_t level = 0;
    auto it = steps.begin();
    for (Month m = from; m <= to; m = m + 1) {
      for (; it != steps.end() && it->first <= m.serial; ++it) level += it->second;
      if (level > 0) out[ProviderMonth{provider, m.serial}] = level;
    }
  }
  return out;
}

StatusOr<int64_t> LedgerTables::MergeBostedFile(const std::string& kind, const std::string& path,
                                               const std::string& label, const std::string& now,
                                               const std::string& user) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, f.data()));
  auto int_field = [&](int col) -> StatusOr<int64_t> {
    auto v = ParseInt64(r.field(col));
    if (!v) return r.FieldError(col, "skal være et heltal");
    return *v;
  };
  int64_t rows = 0;
  if (kind == "botilbud") {
    ALMEN_RETURN_IF_ERROR(r.RequireColumns({"botilbud_id", "name", "municipality_code"}));
    int ci = r.Column("botilbud_id"), cs = r.Column("section"), cn = r.Column("name"),
        cm = r.Column("municipality_code"), cpar = r.Column("paragraph"), cpl = r.Column("places"),
        co = r.Column("operator"), cr = r.Column("residents"), cvf = r.Column("valid_from"), cvt = r.Column("valid_to");
    while (true) {
      ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
      if (!more) break;
      ALMEN_ASSIGN_OR_RETURN(int64_t places, int_field(cpl));
      ALMEN_ASSIGN_OR_RETURN(int64_t residents, int_field(cr));
      // History (migration 0004): one row per (section, valid_from).
      ALMEN_RETURN_IF_ERROR(c_.Exec(
          "INSERT INTO botilbud (botilbud_id, section, name, municipality_code, paragraph, places, operator, "
          "residents, valid_from, valid_to, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) "
          "ON CONFLICT (botilbud_id, section, valid_from) DO UPDATE SET name = excluded.name, municipality_code = "
          "excluded.municipality_code, paragraph = excluded.paragraph, places = excluded.places, operator = "
          "excluded.operator, residents = excluded.residents, valid_to = excluded.valid_to",
          {std::string(r.field(ci)), std::string(r.field(cs)), std::string(r.field(cn)), std::string(r.field(cm)),
           std::string(r.field(cpar)), places, std::string(r.field(co)), residents, std::string(r.field(cvf)),
           std::string(r.field(cvt)), now, user}));
      ++rows;
    }
  } else if (kind == "attachments") {
    ALMEN_RETURN_IF_ERROR(r.RequireColumns({"botilbud_id", "provider", "from_date"}));
    int ci = r.Column("botilbud_id"), cs = r.Column("section"), cp = r.Column("provider"), cf = r.Column("from_date"),
        ct = r.Column("to_date");
    while (true) {
      ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
      if (!more) break;
      ALMEN_RETURN_IF_ERROR(c_.Exec(
          "INSERT INTO attachments (botilbud_id, section, provider, from_date, to_date, created_at, created_by) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (botilbud_id, section, provider, from_date) DO UPDATE SET "
          "to_date = excluded.to_date",
          {std::string(r.field(ci)), std::string(r.field(cs)), std::string(r.field(cp)), std::string(r.field(cf)),
           std::string(r.field(ct)), now, user}));
      ++rows;
    }
  } else {
    return InvalidInput("unknown register file kind '" + kind + "'");
  }
  return rows;
}

Status BuildClaimKeySegments(SqlConnection& c) {
  std::map<std::pair<int64_t, std::string>, std::vector<uint32_t>> segs;
  ALMEN_ASSIGN_OR_RETURN(auto blocks, c.Query("SELECT run_id, provider, data FROM line_blocks"));
  for (const auto& b : blocks) {
    auto& v = segs[{b.Int(0), b.Str(1)}];
    const int provider = std::atoi(b.Str(1).c_str());
    ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(
        b.Str(2), [&](const BlockLine& l) { v.push_back(ClaimFingerprint(ClaimKey(provider, l.claim_id).hi)); }));
  }
  ALMEN_ASSIGN_OR_RETURN(auto flagged, c.Query("SELECT run_id, provider, claim_id FROM flagged_lines"));
  for (const auto& r : flagged)
    segs[{r.Int(0), r.Str(1)}].push_back(
        ClaimFingerprint(ClaimKey(std::atoi(r.Str(1).c_str()), r.Str(2)).hi));
  for (auto& [key, v] : segs) {
    std::sort(v.begin(), v.end());
    ALMEN_RETURN_IF_ERROR(c.Exec("INSERT INTO claim_keys (run_id, provider, keys, data) VALUES ($1,$2,$3,$4)",
                                 {key.first, key.second, static_cast<int64_t>(v.size()), EncodeClaimKeySegment(v)}));
  }
  return Status::Ok();
}

Status LedgerTables::RecordRegisterChange(int64_t run_id, const std::string& reg, int64_t changed,
                                          const std::string& detail, const std::string& now) {
  return c_.Exec("INSERT INTO register_changes (run_id, register, changed, detail, created_at) VALUES ($1,$2,$3,$4,$5)",
                 {run_id, reg, changed, detail, now});
}

StatusOr<int64_t> LedgerTables::InsertRun(const RunRow& r) {
  ALMEN_ASSIGN_OR_RETURN(
      auto run_rows,
      c_.Query("INSERT INTO runs (created_at, created_by, source, claims_name, claims_sha256, agreement_version, "
               "agreement_hash, options_json, summary_json) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
               {r.created_at, r.created_by, r.source, r.claims_name, r.claims_sha256, r.agreement_version,
                r.agreement_hash, r.options_json, std::string("{}")}));
  return run_rows.at(0).Int(0);
}

Status LedgerTables::FinishRun(int64_t run_id, const std::string& summary_json, const ImportedLines& li,
                               int64_t posted_ore) {
  return c_.Exec("UPDATE runs SET summary_json = $1, lines = $2, accepted = $3, rejected = $4, review = "
                 "$5, duplicates = $6, amount_ore = $7, statement_amount_ore = $8 WHERE id = $9",
                 {summary_json, li.lines, li.accepted, li.rejected, li.review, li.duplicates, li.amount_ore, posted_ore,
                  run_id});
}

StatusOr<std::optional<int64_t>> LedgerTables::ImportedFileRun(const std::string& sha256) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT COALESCE(run_id, 0) FROM imported_files WHERE sha256 = $1", {sha256}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

Status LedgerTables::RecordImportedFile(const std::string& sha256, const std::string& kind, const std::string& name,
                                        int64_t bytes, int64_t rows, int64_t run_id, const std::string& now,
                                        const std::string& user) {
  return c_.Exec("INSERT INTO imported_files (sha256, kind, name, bytes, rows_count, run_id, "
                 "imported_at, imported_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                 {sha256, kind, name, bytes, rows, run_id, now, user});
}

StatusOr<std::pair<int64_t, int64_t>> LedgerTables::BookedBetween(const std::string& after, const std::string& month) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT COUNT(DISTINCT provider), COALESCE(SUM(amount_ore), 0) FROM "
                                             "postings WHERE book_month > $1 AND book_month <= $2",
                                             {after, month}));
  return std::make_pair(rows[0].Int(0), rows[0].Int(1));
}

Status LedgerTables::RecordClosing(const std::string& month, const std::string& now, const std::string& user,
                                   int64_t providers, int64_t amount_ore) {
  return c_.Exec("INSERT INTO ledger_closings (month, closed_at, closed_by, providers, amount_ore) VALUES "
                 "($1,$2,$3,$4,$5)",
                 {month, now, user, providers, amount_ore});
}

Status LedgerTables::SetImportCache(bool large) {
  return c_.ExecScript(large ? "PRAGMA cache_size = -262144"  // 256 MiB
                             : "PRAGMA cache_size = -2000");
}

}  // namespace almen
