// The stored botilbud register (migration 0004: `botilbud` with one row per
// botilbud, section and valid_from; `attachments`), as the edits of
// server/routes_bosted_edit.cc read and change it, and as botilbud.csv and
// attachments.csv texts for a settlement run. The SQL only: what an edit may
// do is decided by the routes' edit plans and BostedRegister::Parse.
//
// BostedStore works on ONE connection (the caller's; inside the caller's
// transaction when it began one). Not thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "storage/sql.h"
#include "storage/storage.h"

namespace almen {

// One row of `botilbud`: a section of a botilbud from valid_from to valid_to
// (ISO dates; "" = open).
struct BotilbudSectionRow {
  int64_t id = 0;  // 0 = not stored yet
  std::string botilbud_id, section, name, municipality_code, paragraph, op, valid_from, valid_to;
  int64_t places = 0, residents = 0;
  Period period() const {
    return {valid_from.empty() ? Date::Min() : Date::Parse(valid_from).value_or(Date::Min()),
            valid_to.empty() ? Date::Max() : Date::Parse(valid_to).value_or(Date::Max())};
  }
};

// One row of `attachments`: a fixed doctor (clinic) of a section.
struct BotilbudAttachmentRow {
  bool stored = true;
  std::string botilbud_id, section, provider, from_date, to_date, doctor_id;
  int64_t listed_residents = -1;  // -1 = not given
  Period period() const {
    return {Date::Parse(from_date).value_or(Date::Min()),
            to_date.empty() ? Date::Max() : Date::Parse(to_date).value_or(Date::Max())};
  }
};

// The whole register, sorted by botilbud, section and date.
struct BostedSnapshot {
  std::vector<BotilbudSectionRow> sections;
  std::vector<BotilbudAttachmentRow> attachments;
};

// The snapshot as botilbud.csv and attachments.csv texts (with the
// valid_from/valid_to and listed_residents columns).
std::pair<std::string, std::string> BostedSnapshotCsv(const BostedSnapshot& s);

class BostedStore {
 public:
  explicit BostedStore(SqlConnection& c) : c_(c) {}
  SqlConnection& connection() { return c_; }

  StatusOr<BostedSnapshot> Snapshot();
  // Whether any clinic is registered, and whether `provider` is one.
  StatusOr<bool> AnyProvider();
  StatusOr<bool> ProviderExists(const std::string& provider);

  Status InsertSection(const BotilbudSectionRow& r, const std::string& now, const std::string& user);
  Status EndSection(int64_t row_id, const std::string& valid_to);
  Status InsertAttachment(const BotilbudAttachmentRow& a, const std::string& now, const std::string& user);
  // Ends (or shortens) the attachment keyed by botilbud, section, provider and from_date.
  Status EndAttachment(const BotilbudAttachmentRow& a, const std::string& to_date);
  Status Audit(const std::string& now, const std::string& username, const std::string& action,
               const std::string& detail);

 private:
  SqlConnection& c_;
};

}  // namespace almen
