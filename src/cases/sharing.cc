// Patients' blocks on sharing and the "may I share" answer (service.h;
// agreement.md §G3, OK25 afsnit 3). Patients are known by their keyed
// pseudonym only; the log keeps its first 8 hex digits.
#include "cases/service.h"

namespace almen {

StatusOr<int64_t> CaseService::AddBlock(const UserRecord& u, const Pseudonym& patient, const std::string& note_type,
                                        const std::string& sector, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kBlockSharing));
  if (note_type != "all" && !IsNoteType(note_type)) return InvalidInput("note_type must be journal_note, lab_values or all");
  if (sector != "all" && !IsSector(sector))
    return InvalidInput("sector must be hospital, municipality, specialist_practice, other_practice or all");
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(int64_t id, store.InsertBlock(patient.ToHex(), note_type, sector, now, u.username));
  Audit(store, now, u.username, "sharing.block", "block " + std::to_string(id) + " " + note_type + " -> " + sector);
  return id;
}

Status CaseService::RevokeBlock(const UserRecord& u, int64_t id, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kRevokeBlock));
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(auto revoked, store.BlockRevoked(id));
  if (!revoked) return NotFound("no block " + std::to_string(id));
  if (*revoked) return Conflict("block " + std::to_string(id) + " is revoked already");
  ALMEN_RETURN_IF_ERROR(store.RevokeBlock(id, now, u.username));
  Audit(store, now, u.username, "sharing.block.revoke", "block " + std::to_string(id));
  return Status::Ok();
}

StatusOr<Table> CaseService::Blocks(const UserRecord& u) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeBlocks));
  return SharingBlocksTable(db_);
}

StatusOr<SharingAnswer> CaseService::CheckSharing(const UserRecord& u, const Pseudonym& patient,
                                                  const std::string& provider_given, const std::string& note_type,
                                                  const std::string& sector, const std::string& now) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kCheckSharing));
  ALMEN_ASSIGN_OR_RETURN(std::string provider, ActingFor(u, "clinic", provider_given, "a clinic asks for itself only"));
  if (!IsNoteType(note_type)) return InvalidInput("note_type must be journal_note or lab_values");
  if (!IsSector(sector)) return InvalidInput("sector must be hospital, municipality, specialist_practice or other_practice");
  const std::string hex = patient.ToHex();
  auto lease = db_.pool().Borrow();
  CasesStore store(*lease);
  ALMEN_ASSIGN_OR_RETURN(auto blocks, store.BlocksInForce(hex));
  const SharingBlock* block = BlockingSharing(blocks, note_type, sector);
  SharingAnswer answer;
  answer.allowed = block == nullptr;
  if (block) answer.block_id = block->id;
  answer.reason = SharingReason(block, note_type, sector);
  ALMEN_RETURN_IF_ERROR(store.InsertSharingLog(
      {now, u.username, provider, note_type, sector, answer.allowed, answer.block_id, hex.substr(0, 8)}));
  Audit(store, now, u.username, "sharing.check",
        "provider " + provider + " " + note_type + " -> " + sector +
            (answer.allowed ? " allowed" : " blocked by " + std::to_string(block->id)));
  return answer;
}

StatusOr<Table> CaseService::SharingLog(const UserRecord& u, const Scope& scope) {
  ALMEN_RETURN_IF_ERROR(CheckMayDo(u, CaseAction::kSeeSharingLog));
  return SharingLogTable(db_, scope);
}

}  // namespace almen
