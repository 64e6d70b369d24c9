// The lægedækningspulje's workflows (service.h; agreement.md §G1, OK25 afsnit 1).
#include <cstdio>

#include "cases/service.h"
#include "common/json_text.h"

namespace almen {

namespace {

using json = nlohmann::json;

std::string Id(int64_t id) { return std::to_string(id); }

json Opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

// The application as the API shows it (columns of pool_applications; NULL as null).
json ApplicationJson(const PoolApplication& a) {
  return {{"id", a.id},
          {"call_id", a.call_id},
          {"region_code", a.region_code},
          {"partners", json::parse(a.partners_json, nullptr, false)},
          {"project_type", a.project_type},
          {"title", a.title},
          {"area", a.area},
          {"amount_ore", a.amount_ore},
          {"cofinancing_ore", a.cofinancing_ore},
          {"status", a.status},
          {"submitted_at", a.submitted_at},
          {"submitted_by", a.submitted_by},
          {"recommendation", Opt(a.recommendation)},
          {"recommended_ore", Opt(a.recommended_ore)},
          {"recommendation_note", Opt(a.recommendation_note)},
          {"recommended_at", Opt(a.recommended_at)},
          {"recommended_by", Opt(a.recommended_by)},
          {"decision", Opt(a.decision)},
          {"granted_ore", Opt(a.granted_ore)},
          {"decision_note", Opt(a.decision_note)},
          {"decided_at", Opt(a.decided_at)},
          {"decided_by", Opt(a.decided_by)}};
}

StatusOr<PoolApplication> Load(CasesStore& store, int64_t id) {
  ALMEN_ASSIGN_OR_RETURN(auto a, store.Application(id));
  if (!a) return NotFound("no application " + Id(id));
  return std::move(*a);
}

}  // namespace

void CaseService::Audit(CasesStore& store, const std::string& now, const std::string& user, const std::string& action,
                        const std::string& detail) {
  Status s = store.Audit(now, user, action, detail);
  if (!s.ok()) std::fprintf(stderr, "almen serve: audit log write failed: %s\n", s.message().c_str());
}

StatusOr<Money> CaseService::BudgetParameter(const std::string& name, int64_t year) const {
  auto m = agreement_.MoneyParameter(name, Date::FromYmd(static_cast<int>(year), 1, 1));
  if (!m.ok()) return NotFound("no " + name + " for " + std::to_string(year) + " in the agreement data");
  return *m;
}

StatusOr<Money> CaseService::PoolBudget(int64_t year) const {
  return BudgetParameter("pool_laegedaekning_budget_ore", year);
}

// ---- calls and committee --------------------------------------------------------------------

StatusOr<int64_t> CaseService::CreateCall(const UserRecord& u, const PoolCallRequest& r, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kOpenCall));
  ALMEN_ASSIGN_OR_RETURN(Money pool, PoolBudget(r.year));
  if (r.budget_ore <= 0) return InvalidInput("budget_ore must be positive");
  if (!(r.opens < r.closes)) return InvalidInput("opens must be before closes");
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(int64_t used, store.CallBudgetsOfYear(r.year));
  ALMEN_RETURN_IF_ERROR(CheckCallBudget(r.year, pool, used, r.budget_ore));
  ALMEN_ASSIGN_OR_RETURN(int64_t id, store.InsertCall({r.name, r.year, r.budget_ore, r.opens.ToIso(), r.closes.ToIso(),
                                                       now, u.username}));
  Audit(store, now, u.username, "pool.call.create", "call " + Id(id) + " budget_ore=" + std::to_string(r.budget_ore));
  return id;
}

StatusOr<Table> CaseService::Calls(const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  return PoolCallsTable(db_);
}

Status CaseService::AppointMember(const UserRecord& u, const CommitteeMemberRequest& r, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kAppointMember));
  if (r.party != "rltn" && r.party != "plo") return InvalidInput("party must be rltn or plo (the agreement's parties)");
  if (!r.region_code.empty() && !IsRegionCode(r.region_code))
    return InvalidInput("region_code must be 1081–1085 or empty");
  if (r.password.size() < 8) return InvalidInput("password must have at least 8 characters");
  auto per_party = agreement_.IntParameter("pool_committee_members_per_party", Date::FromYmd(2025, 1, 1));
  const int64_t max = per_party.ok() ? *per_party : 3;
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(int64_t appointed, store.CommitteeMembersOf(r.party));
  ALMEN_RETURN_IF_ERROR(CheckCommitteeSize(r.party, appointed, max));
  ALMEN_ASSIGN_OR_RETURN(bool exists, store.UserExists(r.username));
  if (exists) return Conflict("user '" + r.username + "' exists already");
  ALMEN_ASSIGN_OR_RETURN(std::string hash, HashPassword(r.password, fast_password_hash_));
  SqlConnection& c = store.connection();
  ALMEN_RETURN_IF_ERROR(c.Begin());
  Status st = store.InsertUser(r.username, hash, "pool_committee", r.party + ":" + r.region_code, now);
  if (st.ok()) st = store.InsertCommitteeMember({r.username, r.party, r.region_code}, now, u.username);
  if (!st.ok()) {
    (void)c.Rollback();
    return st;
  }
  ALMEN_RETURN_IF_ERROR(c.Commit());
  Audit(store, now, u.username, "pool.committee.appoint",
        r.username + " party=" + r.party + " region=" + r.region_code);
  return Status::Ok();
}

StatusOr<Table> CaseService::Committee(const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  return PoolCommitteeTable(db_);
}

// ---- applications -------------------------------------------------------------------------------

StatusOr<int64_t> CaseService::Apply(const UserRecord& u, const PoolApplicationRequest& r, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kApply));
  ALMEN_ASSIGN_OR_RETURN(std::string region, ActingFor(u, "region", r.region_code, "a region applies for itself only"));
  if (!IsRegionCode(region)) return InvalidInput("region_code must be one of the five regions (1081–1085)");
  if (!IsProjectType(r.project_type))
    return InvalidInput("project_type '" + r.project_type +
                        "' is unknown (professional_community, cross_disciplinary, satellite_transport, "
                        "settling_families, premises, tutors, training_posts, operating_costs)");
  if (r.amount_ore <= 0) return InvalidInput("amount_ore must be positive");
  if (r.cofinancing_ore < 0) return InvalidInput("cofinancing_ore may not be negative");
  json partners = json::array();
  for (const PoolPartner& p : r.partners) {
    if (!IsPartnerType(p.type))
      return InvalidInput("partner type must be plo_regional, municipality or local_organisation");
    partners.push_back({{"type", p.type}, {"name", p.name}});
  }
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(auto call, store.CallStatus(r.call_id));
  if (!call) return NotFound("no call " + Id(r.call_id));
  if (*call != "open") return Conflict("call " + Id(r.call_id) + " is not open for applications");
  ALMEN_ASSIGN_OR_RETURN(int64_t id, store.InsertApplication({r.call_id, region, JsonText(partners), r.project_type,
                                                              r.title, r.area, r.amount_ore, r.cofinancing_ore, now,
                                                              u.username}));
  Audit(store, now, u.username, "pool.application.submit",
        "application " + Id(id) + " call " + Id(r.call_id) + " region " + region +
            " amount_ore=" + std::to_string(r.amount_ore));
  return id;
}

StatusOr<Table> CaseService::Applications(const UserRecord& u, std::optional<int64_t> call_id) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  std::optional<std::string> region;
  if (u.role == "region") region = u.scope;
  return PoolApplicationsTable(db_, region, call_id);
}

StatusOr<json> CaseService::Application(const UserRecord& u, int64_t id) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(PoolApplication app, Load(store, id));
  json a = ApplicationJson(app);
  ALMEN_ASSIGN_OR_RETURN(Table scores, store.ScoresTable(id));
  ALMEN_ASSIGN_OR_RETURN(Table payments, store.PaymentsTable(id));
  ALMEN_ASSIGN_OR_RETURN(Table reports, store.ReportsTable(id));
  a["scores"] = scores.ToJson()["rows"];
  a["payments"] = payments.ToJson()["rows"];
  a["reports"] = reports.ToJson()["rows"];
  std::optional<PoolCommitteeMember> member;
  if (u.role == "pool_committee") {
    ALMEN_ASSIGN_OR_RETURN(member, store.CommitteeMember(u.username));
  }
  a["conflict_of_interest"] = ConflictOfInterest(member, app.region_code);
  return a;
}

Status CaseService::Score(const UserRecord& u, int64_t id, const ScoreRequest& r, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kScore));
  ALMEN_RETURN_IF_ERROR(CheckScore(r.score));
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(auto member, store.CommitteeMember(u.username));
  if (!member) return PermissionDenied(u.username + " is not an appointed member of the assessment committee");
  ALMEN_ASSIGN_OR_RETURN(PoolApplication a, Load(store, id));
  if (ConflictOfInterest(member, a.region_code)) {
    Audit(store, now, u.username, "pool.score.refused_conflict", "application " + Id(id));
    return PermissionDenied("conflict of interest: " + u.username + " comes from region " + member->region_code +
                            ", which applies; another member must score application " + Id(id));
  }
  ALMEN_RETURN_IF_ERROR(MayTakeStep(a, PoolStep::kScore));
  ALMEN_RETURN_IF_ERROR(store.UpsertScore(id, u.username, r.score, r.recommend, r.comment, now));
  Audit(store, now, u.username, "pool.score", "application " + Id(id) + " score=" + std::to_string(r.score));
  return Status::Ok();
}

StatusOr<ApplicationState> CaseService::Recommend(const UserRecord& u, int64_t id, const RecommendationRequest& r,
                                                  const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRecommend));
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(PoolApplication a, Load(store, id));
  std::optional<PoolCommitteeMember> member;
  if (u.role == "pool_committee") {
    ALMEN_ASSIGN_OR_RETURN(member, store.CommitteeMember(u.username));
    if (!member) return PermissionDenied(u.username + " is not an appointed member of the assessment committee");
  }
  if (ConflictOfInterest(member, a.region_code))
    return PermissionDenied("conflict of interest: " + u.username + " comes from the applying region");
  ALMEN_RETURN_IF_ERROR(MayTakeStep(a, PoolStep::kRecommend));
  ALMEN_ASSIGN_OR_RETURN(int64_t scores, store.ScoreCount(id));
  ALMEN_RETURN_IF_ERROR(CheckScored(id, scores));
  const int64_t amount = r.amount_ore.value_or(r.recommend ? a.amount_ore : 0);
  if (r.recommend) ALMEN_RETURN_IF_ERROR(CheckRecommendedAmount(amount, a.amount_ore));
  const ApplicationState next = StateAfterRecommendation(r.recommend);
  ALMEN_RETURN_IF_ERROR(store.RecordRecommendation(
      id, {std::string(ApplicationStateName(next)), r.recommend ? "recommend" : "decline",
           r.recommend ? amount : int64_t{0}, r.note, now, u.username}));
  Audit(store, now, u.username, "pool.recommend",
        "application " + Id(id) + (r.recommend ? " recommend amount_ore=" + std::to_string(amount) : " decline"));
  return next;
}

StatusOr<DecisionResult> CaseService::Decide(const UserRecord& u, int64_t id, const DecisionRequest& r,
                                             const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kDecide));
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(PoolApplication a, Load(store, id));
  ALMEN_RETURN_IF_ERROR(MayTakeStep(a, PoolStep::kDecide));
  int64_t amount = 0;
  if (r.grant) {
    amount = r.amount_ore.value_or(DefaultGrant(a));
    ALMEN_RETURN_IF_ERROR(CheckGrantAmount(amount, a.amount_ore));
    ALMEN_ASSIGN_OR_RETURN(int64_t remaining, store.CallRemaining(a.call_id));
    if (Status within = CheckGrantWithinCall(amount, remaining); !within.ok()) {
      Audit(store, now, u.username, "pool.decision.refused_budget",
            "application " + Id(id) + " amount_ore=" + std::to_string(amount) +
                " remaining_ore=" + std::to_string(remaining));
      return within;
    }
  }
  const ApplicationState next = StateAfterDecision(r.grant);
  ALMEN_RETURN_IF_ERROR(store.RecordDecision(
      id, {std::string(ApplicationStateName(next)), r.grant ? "grant" : "refuse", amount, r.note, now, u.username}));
  Audit(store, now, u.username, "pool.decision",
        "application " + Id(id) + (r.grant ? " grant amount_ore=" + std::to_string(amount) : " refuse"));
  return DecisionResult{next, amount};
}

StatusOr<PaymentResult> CaseService::Pay(const UserRecord& u, int64_t id, int64_t amount_ore, const Date& paid_on,
                                         const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kPay));
  if (amount_ore <= 0) return InvalidInput("amount_ore must be positive");
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(PoolApplication a, Load(store, id));
  ALMEN_RETURN_IF_ERROR(MayTakeStep(a, PoolStep::kPay));
  ALMEN_ASSIGN_OR_RETURN(PoolPaidSoFar paid, store.PaidSoFar(id));
  ALMEN_RETURN_IF_ERROR(CheckInstalment(paid.amount_ore, amount_ore, a.granted_ore.value_or(0)));
  const int64_t instalment = paid.instalments + 1;
  ALMEN_RETURN_IF_ERROR(store.InsertPayment(id, instalment, amount_ore, paid_on.ToIso(), now, u.username));
  Audit(store, now, u.username, "pool.payment",
        "application " + Id(id) + " instalment " + std::to_string(instalment) + " amount_ore=" + std::to_string(amount_ore));
  return PaymentResult{instalment, paid.amount_ore + amount_ore};
}

StatusOr<int64_t> CaseService::RequestReport(const UserRecord& u, int64_t id, const Date& due, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRequestReport));
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(PoolApplication a, Load(store, id));
  ALMEN_RETURN_IF_ERROR(MayTakeStep(a, PoolStep::kRequestReport));
  ALMEN_ASSIGN_OR_RETURN(int64_t report, store.InsertReportRequest(id, now, u.username, due.ToIso()));
  Audit(store, now, u.username, "pool.report.request",
        "application " + Id(id) + " report " + Id(report) + " due " + due.ToIso());
  return report;
}

Status CaseService::ReceiveReport(const UserRecord& u, int64_t report_id, const std::string& summary,
                                  const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSubmitReport));
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(auto report, store.Report(report_id));
  if (!report) return NotFound("no report " + Id(report_id));
  if (report->received) return Conflict("report " + Id(report_id) + " was received already");
  ALMEN_RETURN_IF_ERROR(store.MarkReportReceived(report_id, now, u.username, summary));
  Audit(store, now, u.username, "pool.report.receive",
        "report " + Id(report_id) + " application " + Id(report->application_id));
  return Status::Ok();
}

// ---- evaluation -----------------------------------------------------------------------------------

StatusOr<json> CaseService::Evaluate(const UserRecord& u, int64_t call_id, const std::string& text,
                                     const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kEvaluate));
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(auto call, store.CallStatus(call_id));
  if (!call) return NotFound("no call " + Id(call_id));
  ALMEN_ASSIGN_OR_RETURN(Table by_type, store.CallFiguresByProjectType(call_id));
  json figures = EvaluationFigures(by_type);
  SqlConnection& c = store.connection();
  ALMEN_RETURN_IF_ERROR(c.Begin());
  Status s = store.InsertEvaluation(call_id, text, JsonText(figures), now, u.username);
  if (s.ok()) s = store.SetCallStatus(call_id, "evaluated");
  if (!s.ok()) {
    (void)c.Rollback();
    return s;
  }
  ALMEN_RETURN_IF_ERROR(c.Commit());
  Audit(store, now, u.username, "pool.evaluation", "call " + Id(call_id));
  return figures;
}

StatusOr<PoolEvaluation> CaseService::Evaluation(const UserRecord& u, int64_t call_id) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeePool));
  PoolEvaluation out;
  {
    auto lease = db_.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(Table by_type, CasesStore(*lease).CallFiguresByProjectType(call_id));
    out.figures = EvaluationFigures(by_type);
  }
  ALMEN_ASSIGN_OR_RETURN(out.evaluations, PoolEvaluationsTable(db_, call_id));
  return out;
}

}  // namespace almen
