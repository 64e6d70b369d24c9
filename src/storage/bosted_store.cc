// The stored botilbud register's SQL (bosted_store.h).
#include "storage/bosted_store.h"

#include "common/csv.h"

namespace almen {

std::pair<std::string, std::string> BostedSnapshotCsv(const BostedSnapshot& s) {
  std::string b = "botilbud_id,name,municipality_code,paragraph,places,operator,section,residents,valid_from,valid_to\n";
  for (const auto& r : s.sections) {
    for (const std::string* f : {&r.botilbud_id, &r.name, &r.municipality_code, &r.paragraph}) {
      AppendCsvField(b, *f);
      b += ',';
    }
    b += std::to_string(r.places) + ',';
    AppendCsvField(b, r.op);
    b += ',';
    AppendCsvField(b, r.section);
    b += ',' + std::to_string(r.residents) + ',' + r.valid_from + ',' + r.valid_to + '\n';
  }
  std::string a = "botilbud_id,section,provider,from_date,to_date,listed_residents\n";
  for (const auto& r : s.attachments) {
    AppendCsvField(a, r.botilbud_id);
    a += ',';
    AppendCsvField(a, r.section);
    a += ',';
    AppendCsvField(a, r.provider);
    a += ',' + r.from_date + ',' + r.to_date + ',' +
         (r.listed_residents >= 0 ? std::to_string(r.listed_residents) : std::string()) + '\n';
  }
  return {b, a};
}

StatusOr<BostedSnapshot> BostedStore::Snapshot() {
  BostedSnapshot s;
  ALMEN_ASSIGN_OR_RETURN(auto brows,
                         c_.Query("SELECT id, botilbud_id, section, name, municipality_code, paragraph, places, operator, "
                                  "residents, valid_from, valid_to FROM botilbud ORDER BY botilbud_id, section, "
                                  "valid_from"));
  for (const auto& r : brows) {
    BotilbudSectionRow e;
    e.id = r.Int(0);
    e.botilbud_id = r.Str(1);
    e.section = r.Str(2);
    e.name = r.Str(3);
    e.municipality_code = r.Str(4);
    e.paragraph = r.Str(5);
    e.places = r.Int(6);
    e.op = r.Str(7);
    e.residents = r.Int(8);
    e.valid_from = r.Str(9);
    e.valid_to = r.Str(10);
    s.sections.push_back(std::move(e));
  }
  ALMEN_ASSIGN_OR_RETURN(auto arows, c_.Query("SELECT botilbud_id, section, provider, from_date, to_date, doctor_id, "
                                              "listed_residents FROM attachments ORDER BY botilbud_id, section, "
                                              "from_date"));
  for (const auto& r : arows) {
    BotilbudAttachmentRow a;
    a.botilbud_id = r.Str(0);
    a.section = r.Str(1);
    a.provider = r.Str(2);
    a.from_date = r.Str(3);
    a.to_date = r.Str(4);
    a.doctor_id = r.Str(5);
    a.listed_residents = r.IsNull(6) ? -1 : r.Int(6);
    s.attachments.push_back(std::move(a));
  }
  return s;
}

StatusOr<bool> BostedStore::AnyProvider() {
  ALMEN_ASSIGN_OR_RETURN(auto pc, c_.Query("SELECT COUNT(*) FROM providers"));
  return !pc.empty() && pc[0].Int(0) > 0;
}

StatusOr<bool> BostedStore::ProviderExists(const std::string& provider) {
  ALMEN_ASSIGN_OR_RETURN(auto pr, c_.Query("SELECT COUNT(*) FROM providers WHERE provider = $1", {provider}));
  return !pr.empty() && pr[0].Int(0) > 0;
}

Status BostedStore::InsertSection(const BotilbudSectionRow& r, const std::string& now, const std::string& user) {
  return c_.Exec("INSERT INTO botilbud (botilbud_id, section, name, municipality_code, paragraph, places, operator, "
                 "residents, valid_from, valid_to, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
                 {r.botilbud_id, r.section, r.name, r.municipality_code, r.paragraph, r.places, r.op, r.residents,
                  r.valid_from, r.valid_to, now, user});
}

Status BostedStore::EndSection(int64_t row_id, const std::string& valid_to) {
  return c_.Exec("UPDATE botilbud SET valid_to = $1 WHERE id = $2", {valid_to, row_id});
}

Status BostedStore::InsertAttachment(const BotilbudAttachmentRow& a, const std::string& now, const std::string& user) {
  return c_.Exec("INSERT INTO attachments (botilbud_id, section, provider, from_date, to_date, doctor_id, "
                 "listed_residents, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                 {a.botilbud_id, a.section, a.provider, a.from_date, a.to_date, a.doctor_id, a.listed_residents, now,
                  user});
}

Status BostedStore::EndAttachment(const BotilbudAttachmentRow& a, const std::string& to_date) {
  return c_.Exec("UPDATE attachments SET to_date = $1 WHERE botilbud_id = $2 AND section = $3 AND provider = $4 "
                 "AND from_date = $5",
                 {to_date, a.botilbud_id, a.section, a.provider, a.from_date});
}

Status BostedStore::Audit(const std::string& now, const std::string& username, const std::string& action,
                          const std::string& detail) {
  return c_.Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ($1, $2, $3, $4)",
                 {now, username, action, detail});
}

}  // namespace almen
