// Control cases: the workflow over storage/control_store.h (cases.h).
#include "control/cases.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "common/format_da.h"
#include "common/ydernummer.h"
#include "control/load.h"
#include "control/sampling.h"
#include "storage/control_store.h"

namespace almen::control {

namespace {

using json = nlohmann::json;

std::string ProviderText6(int provider) { return YdernummerText(provider); }

// The case's clinic is the actor's to control (rltn, its region) or to see
// and answer (clinic).
bool MaySee(const Actor& a, const ControlCaseRow& c) {
  if (a.role == "rltn") return true;
  if (a.role == "region") return c.region_code == a.scope;
  if (a.role == "clinic") return c.provider == a.scope;
  return false;
}
bool MayDecide(const Actor& a, const ControlCaseRow& c) { return MayControl(a) && MaySee(a, c); }

Status Denied(const Actor& a) {
  return PermissionDenied("Rollen '" + a.role + "' har ikke adgang til denne kontrolsag.");
}

// Runs `fn` on the case in one transaction: loads it, checks the actor with
// `allowed`, refuses a concluded case, commits what fn did.
Status WithCase(Storage& db, const Actor& actor, int64_t id, bool (*allowed)(const Actor&, const ControlCaseRow&),
                const std::function<Status(ControlCases&, ControlCaseRow&)>& fn) {
  auto c = db.pool().Borrow();
  ControlCases cases(*c);
  ALMEN_RETURN_IF_ERROR(c->Begin());
  auto done = [&](Status s) {
    if (!s.ok()) {
      (void)c->Rollback();
      return s;
    }
    return c->Commit();
  };
  auto row = cases.Get(id);
  if (!row.ok()) return done(row.status());
  if (!*row) return done(NotFound("Kontrolsag " + std::to_string(id) + " findes ikke."));
  if (!MaySee(actor, **row)) return done(NotFound("Kontrolsag " + std::to_string(id) + " findes ikke."));
  if (!allowed(actor, **row)) return done(Denied(actor));
  if ((*row)->status == "concluded") return done(Conflict("Kontrolsagen er afsluttet og kan ikke ændres."));
  return done(fn(cases, **row));
}

void AuditOrWarn(Storage& db, const Actor& a, const std::string& action, const std::string& detail) {
  Status s = db.Audit(a.now, a.username, action, detail);
  if (!s.ok()) std::fprintf(stderr, "almen: audit log write failed: %s\n", s.message().c_str());
}

SamplePlan PlanOf(const ControlCaseRow& c) {
  SamplePlan p;
  p.method = c.method;
  p.seed = std::strtoull(c.seed.c_str(), nullptr, 10);
  p.confidence_ppm = c.confidence_ppm;
  p.tolerable_error_ore = c.tolerable_error_ore;
  p.expected_error_ore = c.expected_error_ore;
  return p;
}

StatusOr<Evaluation> EvaluateCase(ControlCases& cases, const ControlCaseRow& c) {
  ALMEN_ASSIGN_OR_RETURN(auto strata_rows, cases.Strata(c.id));
  ALMEN_ASSIGN_OR_RETURN(auto sample, cases.Sample(c.id));
  std::vector<Stratum> strata;
  for (const auto& s : strata_rows) strata.push_back({s.stratum, s.lines, s.amount_ore, s.sample_size});
  std::vector<ReviewedLine> lines;
  for (const auto& l : sample) lines.push_back({l.stratum, l.amount_ore, !l.finding.empty(), l.error_ore});
  return Evaluate(PlanOf(c), c.interval_ore, strata, lines);
}

json CaseSummaryJson(const ControlCaseRow& c) {
  return {{"id", c.id},
          {"provider", c.provider},
          {"region_code", c.region_code},
          {"period_from", c.period_from},
          {"period_to", c.period_to},
          {"status", c.status},
          {"opened_at", c.opened_at},
          {"opened_by", c.opened_by},
          {"method", c.method},
          {"sample_size", c.sample_size},
          {"due_date", c.due_date},
          {"projected_error_ore", c.projected_error_ore},
          {"upper_error_ore", c.upper_error_ore},
          {"recovered_ore", c.recovered_ore},
          {"lsu_case_id", c.lsu_case_id}};
}

// The risk result of `provider` within its region (the peers of the ranking).
StatusOr<json> RiskOfClinic(Storage& db, const Agreement& agreement, const std::string& region, int provider,
                          Month from, Month to, const Settings& settings) {
  ALMEN_ASSIGN_OR_RETURN(ControlData data,
                         LoadControlData(db, agreement, {Scope::Kind::kRegion, region}, from, to, settings));
  for (const auto& r : ComputeRisk(data, settings))
    if (r.clinic.provider == provider) return ClinicRiskJson(r);
  return NotFound("Klinik " + ProviderText6(provider) + " findes ikke i registret.");
}

// The clinic's region, or NotFound.
StatusOr<ControlClinicRow> ClinicOf(Storage& db, int provider) {
  ALMEN_ASSIGN_OR_RETURN(auto rows, ControlClinics(db, {Scope::Kind::kProvider, ProviderText6(provider)}));
  if (rows.empty()) return NotFound("Klinik " + ProviderText6(provider) + " findes ikke i registret.");
  return rows[0];
}

Status MayControlClinic(const Actor& a, const ControlClinicRow& clinic) {
  if (!MayControl(a)) return Denied(a);
  if (a.role == "region" && clinic.region_code != a.scope)
    return PermissionDenied("Klinikken ligger ikke i din region.");
  return Status::Ok();
}

}  // namespace

bool MayControl(const Actor& a) { return a.role == "rltn" || a.role == "region"; }

Scope ActorScope(const Actor& a) {
  if (a.role == "region") return {Scope::Kind::kRegion, a.scope};
  if (a.role == "clinic") return {Scope::Kind::kProvider, a.scope};
  return {};
}

StatusOr<json> RiskRanking(Storage& db, const Agreement& agreement, const Actor& actor, const std::string& region,
                           Month from, Month to, const Settings& settings) {
  if (!MayControl(actor)) return Denied(actor);
  Scope scope = ActorScope(actor);
  if (!region.empty()) {
    if (actor.role == "region" && region != actor.scope) return PermissionDenied("Du kan kun se din egen region.");
    scope = {Scope::Kind::kRegion, region};
  }
  ALMEN_ASSIGN_OR_RETURN(ControlData data, LoadControlData(db, agreement, scope, from, to, settings));
  json clinics = json::array();
  for (const auto& r : ComputeRisk(data, settings)) clinics.push_back(ClinicRiskJson(r));
  return json{{"period", {{"from", from.ToString()}, {"to", to.ToString()}}},
              {"settings",
               {{"min_peers", settings.min_peers},
                {"late_days", settings.late_days},
                {"z_flag_milli", settings.z_flag_milli},
                {"percentile_flag_tenths", settings.percentile_flag},
                {"min_support", settings.min_support},
                {"rare_pair_ppm", settings.rare_pair_ppm}}},
              {"clinics", clinics}};
}

StatusOr<json> ClinicIndicators(Storage& db, const Agreement& agreement, const Actor& actor, int provider, Month from,
                                Month to, const Settings& settings) {
  ALMEN_ASSIGN_OR_RETURN(ControlClinicRow clinic, ClinicOf(db, provider));
  ALMEN_RETURN_IF_ERROR(MayControlClinic(actor, clinic));
  ALMEN_ASSIGN_OR_RETURN(json r, RiskOfClinic(db, agreement, clinic.region_code, provider, from, to, settings));
  r["period"] = {{"from", from.ToString()}, {"to", to.ToString()}};
  return r;
}

StatusOr<json> SharedDayLines(Storage& db, const Actor& actor, int provider, Month from, Month to) {
  ALMEN_ASSIGN_OR_RETURN(ControlClinicRow clinic, ClinicOf(db, provider));
  ALMEN_RETURN_IF_ERROR(MayControlClinic(actor, clinic));
  ALMEN_ASSIGN_OR_RETURN(auto lines, ControlSharedLines(db, provider, from.first_day(), to.end()));
  json rows = json::array();
  for (const auto& l : lines) {
    std::string others;
    for (const auto& [p, code] : l.others) others += (others.empty() ? "" : ", ") + p + " " + code;
    rows.push_back({{"run_id", l.run_id},
                    {"seq", l.seq},
                    {"claim_id", l.claim_id},
                    {"service_date", l.service_date},
                    {"code", l.code},
                    {"status", l.status},
                    {"amount_ore", l.amount_ore},
                    {"others", others}});
  }
  return json{{"columns", {"run_id", "seq", "claim_id", "service_date", "code", "status", "amount_ore", "others"}},
              {"rows", rows}};
}

StatusOr<int64_t> OpenCase(Storage& db, const Agreement& agreement, const Actor& actor, int provider, Month from,
                           Month to, const Settings& settings) {
  ALMEN_ASSIGN_OR_RETURN(ControlClinicRow clinic, ClinicOf(db, provider));
  ALMEN_RETURN_IF_ERROR(MayControlClinic(actor, clinic));
  ALMEN_ASSIGN_OR_RETURN(json risk, RiskOfClinic(db, agreement, clinic.region_code, provider, from, to, settings));
  ControlCaseRow row;
  row.provider = ProviderText6(provider);
  row.region_code = clinic.region_code;
  row.period_from = from.ToString();
  row.period_to = to.ToString();
  row.status = "open";
  row.opened_at = actor.now;
  row.opened_by = actor.username;
  row.risk_json = risk.dump();
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(int64_t id, ControlCases(*c).Insert(row));
  AuditOrWarn(db, actor, "control.open", "case " + std::to_string(id) + " provider " + row.provider + " " +
                                             row.period_from + ".." + row.period_to);
  return id;
}

StatusOr<json> ListCases(Storage& db, const Actor& actor) {
  if (!MayControl(actor) && actor.role != "clinic") return Denied(actor);
  auto c = db.pool().Borrow();
  ALMEN_ASSIGN_OR_RETURN(auto rows, ControlCases(*c).List(ActorScope(actor)));
  json out = json::array();
  for (const auto& r : rows) out.push_back(CaseSummaryJson(r));
  return json{{"rows", out}, {"total", out.size()}};
}

StatusOr<json> GetCase(Storage& db, const Actor& actor, int64_t id) {
  auto c = db.pool().Borrow();
  ControlCases cases(*c);
  ALMEN_ASSIGN_OR_RETURN(auto row, cases.Get(id));
  if (!row) return NotFound("Kontrolsag " + std::to_string(id) + " findes ikke.");
  if (!MaySee(actor, *row)) return NotFound("Kontrolsag " + std::to_string(id) + " findes ikke.");
  json j = CaseSummaryJson(*row);
  j["risk"] = json::parse(row->risk_json, nullptr, false);
  j["plan"] = {{"method", row->method},
               {"seed", row->seed},
               {"confidence_ppm", row->confidence_ppm},
               {"tolerable_error_ore", row->tolerable_error_ore},
               {"expected_error_ore", row->expected_error_ore},
               {"population_lines", row->population_lines},
               {"population_ore", row->population_ore},
               {"sample_size", row->sample_size},
               {"interval_ore", row->interval_ore},
               {"sampled_at", row->sampled_at},
               {"sampled_by", row->sampled_by}};
  j["request"] = {{"text", row->request_text},
                  {"requested_at", row->requested_at},
                  {"requested_by", row->requested_by},
                  {"due_date", row->due_date}};
  j["conclusion"] = {{"text", row->conclusion}, {"concluded_at", row->concluded_at}, {"concluded_by", row->concluded_by}};
  ALMEN_ASSIGN_OR_RETURN(auto strata, cases.Strata(id));
  json st = json::array();
  for (const auto& s : strata)
    st.push_back({{"stratum", s.stratum}, {"lines", s.lines}, {"amount_ore", s.amount_ore}, {"sample_size", s.sample_size}});
  j["strata"] = st;
  ALMEN_ASSIGN_OR_RETURN(auto sample, cases.Sample(id));
  json lines = json::array();
  for (const auto& l : sample)
    lines.push_back({{"item", l.item},          {"run_id", l.run_id},       {"seq", l.seq},
                     {"claim_id", l.claim_id},  {"service_date", l.service_date}, {"code", l.code},
                     {"stratum", l.stratum},    {"amount_ore", l.amount_ore}, {"hits", l.hits},
                     {"paragraph", l.paragraph}, {"finding", l.finding},   {"error_ore", l.error_ore},
                     {"note", l.note},          {"finding_paragraph", l.finding_paragraph},
                     {"found_by", l.found_by},  {"found_at", l.found_at},  {"recovered_ore", l.recovered_ore}});
  j["sample"] = lines;
  ALMEN_ASSIGN_OR_RETURN(auto messages, cases.Messages(id));
  json ms = json::array();
  for (const auto& m : messages)
    ms.push_back({{"id", m.id}, {"at", m.at}, {"by", m.by_user}, {"role", m.role}, {"kind", m.kind}, {"text", m.text},
                  {"item", m.item}});
  j["messages"] = ms;
  if (row->status == "concluded") j["evaluation"] = json::parse(row->evaluation_json, nullptr, false);
  else if (!row->method.empty()) {
    ALMEN_ASSIGN_OR_RETURN(Evaluation e, EvaluateCase(cases, *row));
    j["evaluation"] = EvaluationJson(e);
  } else {
    j["evaluation"] = nullptr;
  }
  ALMEN_ASSIGN_OR_RETURN(auto sanctions, cases.Sanctions(row->lsu_case_id));
  json sj = json::array();
  for (const auto& s : sanctions)
    sj.push_back({{"id", s.Int(0)}, {"doctor_id", s.Str(1)}, {"provider", s.Str(2)}, {"kind", s.Str(3)},
                  {"decided", s.Str(4)}, {"from_date", s.Str(5)}, {"to_date", s.Str(6)}, {"amount_ore", s.Int(7)}});
  j["sanctions"] = sj;
  j["may_decide"] = MayDecide(actor, *row);
  j["may_answer"] = actor.role == "clinic" && row->status != "concluded";
  return j;
}

Status DrawCaseSample(Storage& db, const Agreement& agreement, const Actor& actor, int64_t id,
                      const SampleRequest& request, const Settings& settings) {
  // The population is read before the case's transaction (a read of the
  // line store); the case must still be unsampled when the sample is written.
  std::optional<ControlCaseRow> before;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(before, ControlCases(*c).Get(id));
  }
  if (!before) return NotFound("Kontrolsag " + std::to_string(id) + " findes ikke.");
  if (!MaySee(actor, *before)) return NotFound("Kontrolsag " + std::to_string(id) + " findes ikke.");
  if (!MayDecide(actor, *before)) return Denied(actor);
  if (!before->method.empty()) return Conflict("Der er allerede udtaget en stikprøve i kontrolsagen.");
  std::vector<IndicatorId> flagged;
  if (request.method == "stratified") {
    json risk = json::parse(before->risk_json, nullptr, false);
    if (risk.is_object() && risk.contains("reasons"))
      for (const auto& r : risk["reasons"])
        if (auto k = ParseIndicator(r.value("indicator", ""))) flagged.push_back(*k);
  }
  auto from = Month::Parse(before->period_from), to = Month::Parse(before->period_to);
  if (!from || !to) return Internal("control_cases: bad period");
  ALMEN_ASSIGN_OR_RETURN(auto population,
                         LoadPopulation(db, agreement, ParseYdernummer(before->provider).value_or(0), *from, *to, flagged,
                                        settings));
  SamplePlan plan;
  plan.method = request.method;
  plan.confidence_ppm = request.confidence_ppm;
  plan.tolerable_error_ore = request.tolerable_error_ore;
  plan.expected_error_ore = request.expected_error_ore;
  if (request.seed) {
    plan.seed = *request.seed;
  } else {
    if (sodium_init() < 0) return Internal("libsodium");
    randombytes_buf(&plan.seed, sizeof plan.seed);
  }
  ALMEN_ASSIGN_OR_RETURN(Selection sel, DrawSample(population, plan));
  int64_t total = 0;
  for (const auto& l : population) total += l.amount_ore;
  std::vector<ControlStratumRow> strata;
  for (const auto& s : sel.strata) strata.push_back({s.name, s.lines, s.amount_ore, s.sample_size});
  std::vector<ControlSampleRow> lines;
  for (const auto& s : sel.lines) {
    const PopulationLine& p = population[s.index];
    ControlSampleRow r;
    r.item = static_cast<int64_t>(lines.size()) + 1;
    r.run_id = p.run_id;
    r.seq = p.seq;
    r.claim_id = p.claim_id;
    r.service_date = p.date.ToIso();
    r.code = p.code;
    r.stratum = p.stratum;
    r.amount_ore = p.amount_ore;
    r.hits = s.hits;
    r.paragraph = p.paragraph;
    lines.push_back(std::move(r));
  }
  const Status changed = WithCase(db, actor, id, MayDecide, [&](ControlCases& cases, ControlCaseRow& c) -> Status {
    if (!c.method.empty()) return Conflict("Der er allerede udtaget en stikprøve i kontrolsagen.");
    c.method = plan.method;
    c.seed = std::to_string(plan.seed);
    c.confidence_ppm = plan.confidence_ppm;
    c.tolerable_error_ore = plan.tolerable_error_ore;
    c.expected_error_ore = plan.expected_error_ore;
    c.population_lines = static_cast<int64_t>(population.size());
    c.population_ore = total;
    c.sample_size = static_cast<int64_t>(lines.size());
    c.interval_ore = sel.interval_ore;
    c.sampled_at = actor.now;
    c.sampled_by = actor.username;
    ALMEN_RETURN_IF_ERROR(cases.InsertSample(id, strata, lines));
    return cases.Update(c);
  });
  if (!changed.ok()) return changed;
  AuditOrWarn(db, actor, "control.sample",
              "case " + std::to_string(id) + " " + plan.method + " seed " + std::to_string(plan.seed) + " n " +
                  std::to_string(lines.size()));
  return Status::Ok();
}

Status RequestDocumentation(Storage& db, const Actor& actor, int64_t id, const std::string& text,
                            const std::string& due_date) {
  if (text.empty()) return InvalidInput("Skriv hvilken dokumentation klinikken skal sende.");
  if (!due_date.empty() && !Date::Parse(due_date)) return InvalidInput("Fristen skal være en dato (ÅÅÅÅ-MM-DD).");
  const Status changed = WithCase(db, actor, id, MayDecide, [&](ControlCases& cases, ControlCaseRow& c) -> Status {
    c.status = "documentation_requested";
    c.request_text = text;
    c.requested_at = actor.now;
    c.requested_by = actor.username;
    c.due_date = due_date;
    ALMEN_RETURN_IF_ERROR(cases.AddMessage(id, {0, actor.now, actor.username, actor.role, "request", text, 0}));
    return cases.Update(c);
  });
  if (!changed.ok()) return changed;
  AuditOrWarn(db, actor, "control.request", "case " + std::to_string(id));
  return Status::Ok();
}

Status AnswerCase(Storage& db, const Actor& actor, int64_t id, const std::string& text, int64_t item) {
  if (text.empty()) return InvalidInput("Svaret er tomt.");
  auto any = [](const Actor&, const ControlCaseRow&) { return true; };
  const Status changed = WithCase(db, actor, id, any, [&](ControlCases& cases, ControlCaseRow& c) -> Status {
    if (item != 0) {
      ALMEN_ASSIGN_OR_RETURN(auto sample, cases.Sample(id));
      if (std::none_of(sample.begin(), sample.end(), [&](const ControlSampleRow& r) { return r.item == item; }))
        return InvalidInput("Linje " + std::to_string(item) + " er ikke en del af stikprøven.");
    }
    const bool clinic = actor.role == "clinic";
    ALMEN_RETURN_IF_ERROR(
        cases.AddMessage(id, {0, actor.now, actor.username, actor.role, clinic ? "answer" : "note", text, item}));
    if (clinic && c.status == "documentation_requested") {
      c.status = "answered";
      return cases.Update(c);
    }
    return Status::Ok();
  });
  if (!changed.ok()) return changed;
  AuditOrWarn(db, actor, actor.role == "clinic" ? "control.answer" : "control.note", "case " + std::to_string(id));
  return Status::Ok();
}

Status RecordFinding(Storage& db, const Actor& actor, int64_t id, int64_t item, const std::string& finding,
                     int64_t error_ore, const std::string& note, const std::string& paragraph) {
  if (finding != "correct" && finding != "error") return InvalidInput("Fundet skal være correct eller error.");
  if (finding == "error" && note.empty()) return InvalidInput("Skriv begrundelsen for fejlen.");
  const Status changed = WithCase(db, actor, id, MayDecide, [&](ControlCases& cases, ControlCaseRow&) -> Status {
    ALMEN_ASSIGN_OR_RETURN(auto sample, cases.Sample(id));
    auto it = std::find_if(sample.begin(), sample.end(), [&](const ControlSampleRow& r) { return r.item == item; });
    if (it == sample.end()) return NotFound("Linje " + std::to_string(item) + " er ikke en del af stikprøven.");
    ControlSampleRow r = *it;
    if (finding == "error" && (error_ore <= 0 || error_ore > r.amount_ore))
      return InvalidInput("Fejlbeløbet skal være over 0 kr. og højst linjens beløb (" +
                          FormatKroner(Money::FromOre(r.amount_ore)) + ").");
    r.finding = finding;
    r.error_ore = finding == "error" ? error_ore : 0;
    r.note = note;
    r.finding_paragraph = finding == "error" ? (paragraph.empty() ? r.paragraph : paragraph) : "";
    r.found_by = actor.username;
    r.found_at = actor.now;
    return cases.UpdateFinding(id, r);
  });
  if (!changed.ok()) return changed;
  AuditOrWarn(db, actor, "control.finding",
              "case " + std::to_string(id) + " item " + std::to_string(item) + " " + finding +
                  (finding == "error" ? " error_ore=" + std::to_string(error_ore) : ""));
  return Status::Ok();
}

StatusOr<json> ConcludeCase(Storage& db, const Actor& actor, int64_t id, const Conclusion& conclusion) {
  if (conclusion.text.empty()) return InvalidInput("Skriv kontrolsagens konklusion.");
  json result;
  const Status changed = WithCase(db, actor, id, MayDecide, [&](ControlCases& cases, ControlCaseRow& c) -> Status {
    json evaluation = nullptr;
    if (!c.method.empty()) {
      ALMEN_ASSIGN_OR_RETURN(Evaluation e, EvaluateCase(cases, c));
      evaluation = EvaluationJson(e);
      c.projected_error_ore = e.most_likely_error_ore;
      c.upper_error_ore = e.upper_error_ore;
    }
    int64_t recovered = 0, postings = 0;
    if (conclusion.recover && !c.method.empty()) {
      ALMEN_ASSIGN_OR_RETURN(auto sample, cases.Sample(id));
      std::vector<Posting> out;
      for (auto& l : sample) {
        if (l.finding != "error" || l.error_ore <= 0 || l.recovered_ore != 0) continue;
        auto date = Date::Parse(l.service_date);
        if (!date) return Internal("control_sample_lines: bad date");
        const Month month = Month::Of(*date);
        ALMEN_ASSIGN_OR_RETURN(auto now, cases.LineNow(l.run_id, l.seq, c.provider, month.ToString()));
        if (!now || now->first == "rejected" || now->second < l.error_ore)
          return Conflict("Linje " + std::to_string(l.item) + " (regning " + l.claim_id +
                          ") er ændret siden stikprøven og betales ikke længere med beløbet; intet er tilbageført.");
        Posting p;
        p.run_id = 0;
        p.provider = ParseYdernummer(c.provider).value_or(0);
        p.month = month;
        p.book_month = month;
        p.item = "recovery";
        p.code = l.code;
        p.count = 1;
        p.amount_ore = -l.error_ore;
        p.kind = "correction";
        p.rule = "control.recovery";
        p.paragraph = l.finding_paragraph;
        p.reason = "Tilbagebetaling efter efterkontrol (kontrolsag " + std::to_string(id) + ", regning " + l.claim_id +
                   "): " + l.note;
        p.cause = "kontrolsag " + std::to_string(id);
        p.line_run_id = l.run_id;
        p.line_seq = l.seq;
        out.push_back(std::move(p));
        l.recovered_ore = l.error_ore;
        recovered += l.error_ore;
        ALMEN_RETURN_IF_ERROR(cases.UpdateFinding(id, l));
      }
      postings = static_cast<int64_t>(out.size());
      ALMEN_RETURN_IF_ERROR(cases.PostRecovery(std::move(out), actor.now));
    }
    c.status = "concluded";
    c.conclusion = conclusion.text;
    c.concluded_at = actor.now;
    c.concluded_by = actor.username;
    c.evaluation_json = evaluation.dump();
    c.recovered_ore += recovered;
    if (conclusion.lsu) c.lsu_case_id = "KONTROL-" + std::to_string(id);
    ALMEN_RETURN_IF_ERROR(cases.AddMessage(id, {0, actor.now, actor.username, actor.role, "note", conclusion.text, 0}));
    ALMEN_RETURN_IF_ERROR(cases.Update(c));
    result = {{"id", id},
              {"status", c.status},
              {"evaluation", evaluation},
              {"recovered_ore", recovered},
              {"postings", postings},
              {"lsu_case_id", c.lsu_case_id}};
    return Status::Ok();
  });
  if (!changed.ok()) return changed;
  AuditOrWarn(db, actor, "control.conclude",
              "case " + std::to_string(id) + " recovered_ore=" + std::to_string(result.value("recovered_ore", 0)) +
                  (conclusion.lsu ? " lsu" : ""));
  return result;
}

}  // namespace almen::control
