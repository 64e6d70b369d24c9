// The LSU sanctions register and the employment register (service.h;
// agreement.md §G2, OK25 pkt. 5.7, § 114 stk. 2, §§ 23–26).
#include <filesystem>
#include <fstream>

#include "cases/service.h"
#include "common/csv.h"
#include "common/ydernummer.h"

namespace almen {

StatusOr<SanctionRegister> CaseService::LoadSanctions(CasesStore& store, std::vector<SanctionRow> extra) {
  ALMEN_ASSIGN_OR_RETURN(std::vector<SanctionRow> all, StoredSanctionRows(store.connection()));
  for (auto& e : extra) all.push_back(std::move(e));
  return SanctionRegister::FromRows(std::move(all), "sanctions register");
}

StatusOr<Table> CaseService::Sanctions(const UserRecord& u, const Scope& scope) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSanctions));
  return SanctionsTable(db_, scope);
}

StatusOr<size_t> CaseService::AddSanctions(const UserRecord& u, const std::vector<SanctionRow>& add,
                                           const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRegisterSanctions));
  if (add.empty()) return InvalidInput("no decisions in the request");
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  auto merged = LoadSanctions(store, add);
  if (!merged.ok()) return merged.status();  // overlap with the register: nothing stored
  // A payment stop (d, e) may not cover the start of a fixed-doctor attachment
  // the clinic holds: the stored botilbud register would no longer be valid
  // (an excluded doctor cannot be attached, § 114 stk. 2) and every later
  // settlement would be refused. End or move the attachment first.
  for (const auto& s : add) {
    if ((s.kind != SanctionKind::kD && s.kind != SanctionKind::kE) || !s.provider) continue;
    ALMEN_ASSIGN_OR_RETURN(auto hit, store.AttachmentStartingIn(YdernummerText(s.provider), s.period.from, s.period.to));
    if (hit)
      return Conflict("ydernummer " + YdernummerText(s.provider) + " er fast tilknyttet botilbud " + hit->botilbud_id +
                      " afsnit " + hit->section + " fra " + hit->from_date +
                      ", som ligger i sanktionsperioden: afslut eller flyt tilknytningen først (§ 114 stk. 2); "
                      "intet er registreret");
  }
  SqlConnection& c = store.connection();
  ALMEN_RETURN_IF_ERROR(c.Begin());
  for (const auto& s : add) {
    Status st = store.InsertSanction(s, now, u.username);
    if (!st.ok()) {
      (void)c.Rollback();
      return st;
    }
  }
  ALMEN_RETURN_IF_ERROR(c.Commit());
  for (const auto& s : add)
    Audit(store, now, u.username, "sanction.register",
          std::string(1, SanctionKindLetter(s.kind)) + " doctor " + s.doctor_id + " provider " +
              (s.provider ? YdernummerText(s.provider) : std::string("-")) + " from " + s.period.from.ToIso() +
              (s.amount.ore() ? " amount_ore=" + std::to_string(s.amount.ore()) : std::string()));
  return add.size();
}

StatusOr<Table> CaseService::SanctionsStopped(const UserRecord& u, const Scope& scope) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSanctions));
  return SanctionStoppedTable(db_, scope);
}

StatusOr<Table> CaseService::SanctionsCollected(const UserRecord& u, const Scope& scope) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSanctions));
  return SanctionCollectedTable(db_, scope);
}

StatusOr<Table> CaseService::Employments(const UserRecord& u, const Scope& scope) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeEmployments));
  return EmploymentsTable(db_, scope);
}

StatusOr<int64_t> CaseService::AddEmployment(const UserRecord& u, const EmploymentRequest& r, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRegisterEmployment));
  ALMEN_ASSIGN_OR_RETURN(std::string provider,
                         ActingFor(u, "clinic", r.provider, "a clinic registers its own employees only"));
  SanctionEmployment e{r.doctor_id, ParseYdernummer(provider).value_or(0), r.period};
  std::lock_guard lock(mu_);
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(SanctionRegister sanctions, LoadSanctions(store, {}));
  SanctionEmploymentRegister reg(&sanctions);
  ALMEN_ASSIGN_OR_RETURN(auto stored, store.EmploymentsOf(e.doctor_id));
  for (const auto& o : stored) (void)reg.Register(o);  // already stored; a later ban does not undo history
  Status st = reg.Register(e);
  if (!st.ok()) {
    Audit(store, now, u.username, "employment.refused",
          "doctor " + e.doctor_id + " provider " + provider + ": " + st.message());
    return st;
  }
  ALMEN_ASSIGN_OR_RETURN(int64_t id, store.InsertEmployment(e.doctor_id, provider, e.period, now, u.username));
  Audit(store, now, u.username, "employment.register",
        "doctor " + e.doctor_id + " provider " + provider + " from " + e.period.from.ToIso());
  return id;
}

StatusOr<EmploymentCheck> CaseService::CheckEmployment(const UserRecord& u, const std::string& doctor_id,
                                                       const Date& date) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kCheckEmployment));
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(SanctionRegister sanctions, LoadSanctions(store, {}));
  const SanctionRow* ban = sanctions.EmploymentBan(doctor_id, date);
  return EmploymentCheck{ban != nullptr, ban ? EmploymentBlockedMessage(*ban) : std::string()};
}

StatusOr<bool> WriteStoredSanctionsFile(Storage& db, const std::string& dir, std::string* sanctions_path) {
  std::vector<SanctionRow> rows;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(rows, StoredSanctionRows(*c));
  }
  if (rows.empty()) return false;
  // sanctions.csv as interfaces.md has it, plus the repetition and case_id extensions.
  std::string csv = "doctor_id,provider,kind,decided,from_date,to_date,amount_ore,repetition,case_id\n";
  for (const SanctionRow& r : rows) {
    const std::string provider = r.provider > 0 ? YdernummerText(r.provider) : std::string();
    const bool money = r.kind == SanctionKind::kB || r.kind == SanctionKind::kC;
    for (const std::string& field :
         {r.doctor_id, provider, std::string(1, SanctionKindLetter(r.kind)), r.decided.ToIso(),
          r.period.from.ToIso(), r.period.to.ToIso(), money ? std::to_string(r.amount.ore()) : std::string(),
          std::string(r.repetition ? "1" : "0"), r.case_id}) {
      AppendCsvField(csv, field);
      csv += ',';
    }
    csv.back() = '\n';
  }
  std::string path = (std::filesystem::path(dir) / "stored-sanctions.csv").string();
  std::ofstream f(path, std::ios::binary);
  f.write(csv.data(), static_cast<std::streamsize>(csv.size()));
  if (!f) return Internal("cannot write " + path);
  *sanctions_path = path;
  return true;
}

}  // namespace almen
