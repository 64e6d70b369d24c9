// Editing the botilbud register through the API (issue 6 item 1; routes_bosted.h):
//  GET  /api/bosted/botilbud/{id}        every row of one botilbud (history) and its attachments
//  POST /api/bosted/botilbud             a new botilbud with its sections, from valid_from
//  PUT  /api/bosted/botilbud/{id}        a change from valid_from: name, paragraph, places,
//                                        operator, residents per section, new or ended sections
//  POST /api/bosted/attachments          attach a fixed doctor to a section
//  PUT  /api/bosted/attachments          end an attachment (to_date)
// History: a change never overwrites a row. The row valid on the change date
// gets valid_to = the date and a new row starts on it; an attachment can only
// be ended or shortened. Every change is validated as a file would be (the
// whole register after the change goes through BostedRegister::Parse), done
// in one transaction under one lock and appended to the audit log; a refusal
// changes nothing. Roles: a municipality edits its own botilbud (and attaches
// doctors to them), a region attaches doctors in its region, rltn everything.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "bosted/register.h"
#include "common/csv.h"
#include "common/ydernummer.h"
#include "sanctions/sanctions.h"
#include "server/routes_bosted.h"
#include "server/access.h"
#include "server/respond.h"
#include "storage/cases_store.h"

namespace almen {

namespace {

using json = nlohmann::json;

// One lock for register edits: the check and the write of an edit must not
// interleave with another's (two overlapping attachments in one instant).
std::mutex g_bosted_edit_mu;

struct EditSectionRow {
  int64_t id = 0;  // 0 = new
  std::string botilbud_id, section, name, municipality_code, paragraph, op, valid_from, valid_to;
  int64_t places = 0, residents = 0;
  Period period() const {
    return {valid_from.empty() ? Date::Min() : Date::Parse(valid_from).value_or(Date::Min()),
            valid_to.empty() ? Date::Max() : Date::Parse(valid_to).value_or(Date::Max())};
  }
};

struct EditAttachmentRow {
  bool stored = true;
  std::string botilbud_id, section, provider, from_date, to_date, doctor_id;
  int64_t listed_residents = -1;
  Period period() const {
    return {Date::Parse(from_date).value_or(Date::Min()),
            to_date.empty() ? Date::Max() : Date::Parse(to_date).value_or(Date::Max())};
  }
};

struct EditSnapshot {
  std::vector<EditSectionRow> sections;
  std::vector<EditAttachmentRow> attachments;
};

StatusOr<EditSnapshot> ReadSnapshot(SqlConnection& c) {
  EditSnapshot s;
  ALMEN_ASSIGN_OR_RETURN(auto brows,
                         c.Query("SELECT id, botilbud_id, section, name, municipality_code, paragraph, places, operator, "
                                 "residents, valid_from, valid_to FROM botilbud ORDER BY botilbud_id, section, "
                                 "valid_from"));
  for (const auto& r : brows) {
    EditSectionRow e;
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
  ALMEN_ASSIGN_OR_RETURN(auto arows, c.Query("SELECT botilbud_id, section, provider, from_date, to_date, doctor_id, "
                                             "listed_residents FROM attachments ORDER BY botilbud_id, section, "
                                             "from_date"));
  for (const auto& r : arows) {
    EditAttachmentRow a;
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

std::pair<std::string, std::string> SnapshotCsv(const EditSnapshot& s) {
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

// The register after a change, validated like botilbud.csv/attachments.csv.
// Errors lose the "file:line:col (column): " prefix, which names no real file.
Status ValidateSnapshot(const EditSnapshot& s, const Agreement& agreement) {
  auto [b, a] = SnapshotCsv(s);
  BostedLoadOptions lo;
  auto min = agreement.IntParameter("bosted_min_section_residents", Date::FromYmd(2025, 1, 1));
  if (min.ok()) lo.min_section_residents = *min;
  auto reg = BostedRegister::Parse("register", b, "attachments", a, lo);
  if (reg.ok()) return Status::Ok();
  std::string m = reg.status().message();
  if (auto p = m.find("): "); p != std::string::npos && p < 60) m = m.substr(p + 3);
  else if (auto q = m.find(": "); q != std::string::npos && q < 40) m = m.substr(q + 2);
  return InvalidInput("refused, nothing changed: " + m);
}

std::string NowIsoB() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

StatusOr<json> Body(const httplib::Request& req) { return JsonObject(req.body); }

// A string field (numbers accepted as their text); "" when absent.
std::string Str(const json& b, const char* key) {
  if (!b.contains(key) || b[key].is_null()) return "";
  if (b[key].is_string()) return b[key].get<std::string>();
  if (b[key].is_number_integer()) return std::to_string(b[key].get<int64_t>());
  return "";
}

// A whole-number field (JSON integer or a string of digits). nullopt when absent.
StatusOr<std::optional<int64_t>> Int(const json& b, const char* key) {
  if (!b.contains(key) || b[key].is_null() || (b[key].is_string() && b[key].get<std::string>().empty()))
    return std::optional<int64_t>();
  if (b[key].is_number_integer()) return std::optional<int64_t>(b[key].get<int64_t>());
  if (b[key].is_string()) {
    const std::string s = b[key].get<std::string>();
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (end && *end == '\0') return std::optional<int64_t>(v);
  }
  return InvalidInput(std::string(key) + " must be a whole number");
}

StatusOr<Date> DateField(const json& b, const char* key) {
  std::string s = Str(b, key);
  auto d = Date::Parse(s);
  if (!d) return InvalidInput(std::string(key) + " must be a date (YYYY-MM-DD)");
  return *d;
}

Status CheckParagraph(const std::string& p) {
  if (!ParseBostedParagraph(p))
    return InvalidInput("'" + p + "' is not a paragraph (SEL108, ABL105, SEL107, BL43, OPHOLDSSTED, OTHER)");
  return Status::Ok();
}
Status CheckOperator(const std::string& o) {
  if (!ParseBostedOperator(o)) return InvalidInput("operator must be municipal, regional or private");
  return Status::Ok();
}
Status CheckCount(int64_t v, const std::string& what) {
  if (v < 0) return InvalidInput(what + " must not be negative");
  return Status::Ok();
}

// May `u` change botilbud in `municipality_code`? (edit: the register; attach: doctors)
Status MayEdit(const UserRecord& u, const std::string& municipality_code, bool attach) {
  if (u.role == "rltn") return Status::Ok();
  if (u.role == "municipality") {
    if (u.scope == municipality_code) return Status::Ok();
    return PermissionDenied("municipality " + u.scope + " may not change botilbud of municipality " +
                            municipality_code);
  }
  if (attach && u.role == "region") {
    const auto* m = FindBostedMunicipality(municipality_code);
    if (m && m->region_code == u.scope) return Status::Ok();
    return PermissionDenied("region " + u.scope + " may not attach doctors to botilbud outside its region");
  }
  return PermissionDenied("role '" + u.role + "' may not change the botilbud register");
}

StatusOr<SanctionRegister> StoredSanctions(SqlConnection& c) {
  ALMEN_ASSIGN_OR_RETURN(std::vector<SanctionRow> all, StoredSanctionRows(c));
  return SanctionRegister::FromRows(std::move(all), "sanctions register");
}

json SectionJson(const EditSectionRow& r) {
  return {{"botilbud_id", r.botilbud_id}, {"section", r.section},     {"name", r.name},
          {"municipality_code", r.municipality_code},                 {"paragraph", r.paragraph},
          {"places", r.places},           {"operator", r.op},         {"residents", r.residents},
          {"valid_from", r.valid_from.empty() ? json(nullptr) : json(r.valid_from)},
          {"valid_to", r.valid_to.empty() ? json(nullptr) : json(r.valid_to)}};
}

json AttachmentJson(const EditAttachmentRow& a) {
  return {{"botilbud_id", a.botilbud_id},
          {"section", a.section},
          {"provider", a.provider},
          {"from_date", a.from_date},
          {"to_date", a.to_date.empty() ? json(nullptr) : json(a.to_date)},
          {"doctor_id", a.doctor_id},
          {"listed_residents", a.listed_residents >= 0 ? json(a.listed_residents) : json(nullptr)}};
}

json HistoryJson(const EditSnapshot& s, const std::string& id) {
  json secs = json::array(), atts = json::array();
  for (const auto& r : s.sections)
    if (r.botilbud_id == id) secs.push_back(SectionJson(r));
  for (const auto& a : s.attachments)
    if (a.botilbud_id == id) atts.push_back(AttachmentJson(a));
  return {{"botilbud_id", id}, {"sections", secs}, {"attachments", atts}};
}

// The municipality of a stored botilbud, or NotFound.
StatusOr<std::string> MunicipalityOf(const EditSnapshot& s, const std::string& id) {
  for (const auto& r : s.sections)
    if (r.botilbud_id == id) return r.municipality_code;
  return NotFound("botilbud '" + id + "' is not in the register");
}

// A change: the SQL to run after validation, and the audit line.
struct EditPlan {
  std::vector<std::pair<std::string, SqlParams>> sql;
  std::string action, detail;
};

SqlParams InsertParams(const EditSectionRow& r, const std::string& now, const std::string& user) {
  return {r.botilbud_id, r.section, r.name,       r.municipality_code, r.paragraph, r.places, r.op,
          r.residents,   r.valid_from, r.valid_to, now,                 user};
}
constexpr const char* kInsertSection =
    "INSERT INTO botilbud (botilbud_id, section, name, municipality_code, paragraph, places, operator, residents, "
    "valid_from, valid_to, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)";

// POST /api/bosted/botilbud
Status PlanCreate(const json& b, const UserRecord& u, const std::string& now, EditSnapshot* s, EditPlan* plan) {
  EditSectionRow base;
  base.botilbud_id = Str(b, "botilbud_id");
  if (base.botilbud_id.empty()) return InvalidInput("botilbud_id is required");
  base.name = Str(b, "name");
  if (base.name.empty()) return InvalidInput("name is required");
  base.municipality_code = Str(b, "municipality_code");
  if (base.municipality_code.empty() && u.role == "municipality") base.municipality_code = u.scope;
  if (base.municipality_code.size() == 3) base.municipality_code = "0" + base.municipality_code;
  ALMEN_RETURN_IF_ERROR(MayEdit(u, base.municipality_code, false));
  if (!FindBostedMunicipality(base.municipality_code))
    return InvalidInput("'" + base.municipality_code + "' is not one of the 98 municipality codes");
  base.paragraph = Str(b, "paragraph");
  ALMEN_RETURN_IF_ERROR(CheckParagraph(base.paragraph));
  base.op = Str(b, "operator");
  ALMEN_RETURN_IF_ERROR(CheckOperator(base.op));
  ALMEN_ASSIGN_OR_RETURN(auto places, Int(b, "places"));
  if (!places) return InvalidInput("places is required");
  ALMEN_RETURN_IF_ERROR(CheckCount(*places, "places"));
  base.places = *places;
  ALMEN_ASSIGN_OR_RETURN(Date from, DateField(b, "valid_from"));
  base.valid_from = from.ToIso();
  for (const auto& r : s->sections)
    if (r.botilbud_id == base.botilbud_id)
      return Conflict("botilbud '" + base.botilbud_id + "' is already in the register; change it with PUT");
  json sections = b.contains("sections") && b["sections"].is_array()
                      ? b["sections"]
                      : json::array({{{"section", Str(b, "section")}, {"residents", b.value("residents", json())}}});
  if (sections.empty()) return InvalidInput("a botilbud needs at least one section");
  std::set<std::string> names;
  for (const auto& sj : sections) {
    EditSectionRow r = base;
    r.section = Str(sj, "section");
    if (!names.insert(r.section).second) return InvalidInput("section '" + r.section + "' is given twice");
    ALMEN_ASSIGN_OR_RETURN(auto residents, Int(sj, "residents"));
    if (!residents) return InvalidInput("residents is required for section '" + r.section + "'");
    ALMEN_RETURN_IF_ERROR(CheckCount(*residents, "residents"));
    r.residents = *residents;
    plan->sql.push_back({kInsertSection, InsertParams(r, now, u.username)});
    s->sections.push_back(r);
  }
  plan->action = "bosted.botilbud.create";
  plan->detail = base.botilbud_id + " municipality=" + base.municipality_code + " paragraph=" + base.paragraph +
                 " places=" + std::to_string(base.places) + " sections=" + std::to_string(sections.size()) +
                 " from=" + base.valid_from;
  return Status::Ok();
}

// PUT /api/bosted/botilbud/{id}
Status PlanChange(const std::string& id, const json& b, const UserRecord& u, const std::string& now, EditSnapshot* s,
                  EditPlan* plan) {
  ALMEN_ASSIGN_OR_RETURN(std::string muni, MunicipalityOf(*s, id));  // the caller checked access (access.h)
  ALMEN_ASSIGN_OR_RETURN(Date d, DateField(b, "valid_from"));
  const std::string iso = d.ToIso();
  std::string name = Str(b, "name"), paragraph = Str(b, "paragraph"), op = Str(b, "operator");
  if (!paragraph.empty()) ALMEN_RETURN_IF_ERROR(CheckParagraph(paragraph));
  if (!op.empty()) ALMEN_RETURN_IF_ERROR(CheckOperator(op));
  ALMEN_ASSIGN_OR_RETURN(auto places, Int(b, "places"));
  if (places) ALMEN_RETURN_IF_ERROR(CheckCount(*places, "places"));
  if (b.contains("municipality_code") && Str(b, "municipality_code") != muni)
    return InvalidInput("a botilbud cannot move to another municipality; register it there as a new botilbud");
  const bool close_all = b.value("end", false);
  // Per-section changes: residents, or end.
  struct SecChange {
    std::optional<int64_t> residents;
    bool end = false, seen = false;
  };
  std::map<std::string, SecChange> changes;
  if (b.contains("sections")) {
    if (!b["sections"].is_array()) return InvalidInput("sections must be a list");
    for (const auto& sj : b["sections"]) {
      std::string sec = Str(sj, "section");
      if (changes.count(sec)) return InvalidInput("section '" + sec + "' is given twice");
      SecChange c;
      ALMEN_ASSIGN_OR_RETURN(c.residents, Int(sj, "residents"));
      if (c.residents) ALMEN_RETURN_IF_ERROR(CheckCount(*c.residents, "residents"));
      c.end = sj.is_object() && sj.value("end", false);
      changes[sec] = c;
    }
  }
  // The rows valid on d: end each, and start its successor (unless ended).
  const EditSectionRow* any = nullptr;
  std::vector<EditSectionRow> added;
  size_t n = s->sections.size();
  for (size_t i = 0; i < n; ++i) {
    EditSectionRow& r = s->sections[i];
    if (r.botilbud_id != id || !r.period().Contains(d)) continue;
    any = &r;
    auto cit = changes.find(r.section);
    SecChange* c = cit == changes.end() ? nullptr : &cit->second;
    if (c) c->seen = true;
    if (r.valid_from == iso)
      return Conflict("section '" + r.section + "' of botilbud " + id + " already has a change from " + iso +
                      " (the register keeps history): choose another date");
    const bool end = close_all || (c && c->end);
    if (end)
      for (const auto& a : s->attachments)
        if (a.botilbud_id == id && a.section == r.section && a.period().to > d)
          return Conflict("section '" + r.section + "' of botilbud " + id + " has a fixed doctor (provider " +
                          a.provider + ") after " + iso + ": end the attachment first");
    EditSectionRow next = r;
    next.id = 0;
    next.valid_from = iso;
    if (!name.empty()) next.name = name;
    if (!paragraph.empty()) next.paragraph = paragraph;
    if (!op.empty()) next.op = op;
    if (places) next.places = *places;
    if (c && c->residents) next.residents = *c->residents;
    plan->sql.push_back({"UPDATE botilbud SET valid_to = $1 WHERE id = $2", {iso, r.id}});
    r.valid_to = iso;
    if (!end) {
      plan->sql.push_back({kInsertSection, InsertParams(next, now, u.username)});
      added.push_back(next);
    }
  }
  if (!any) return NotFound("botilbud '" + id + "' has no section in the register on " + iso);
  // New sections: the botilbud's shared fields from the changed rows.
  for (auto& [sec, c] : changes) {
    if (c.seen) continue;
    if (c.end) return NotFound("section '" + sec + "' of botilbud " + id + " is not in the register on " + iso);
    if (!c.residents) return InvalidInput("residents is required for the new section '" + sec + "'");
    if (added.empty()) return InvalidInput("botilbud " + id + " is closed from " + iso + ": no new section");
    EditSectionRow r = added.front();
    r.section = sec;
    r.residents = *c.residents;
    // A later row of this section (a future change) bounds the new one.
    for (const auto& o : s->sections)
      if (o.botilbud_id == id && o.section == sec && o.period().from > d &&
          (r.valid_to.empty() || o.valid_from < r.valid_to))
        r.valid_to = o.valid_from;
    plan->sql.push_back({kInsertSection, InsertParams(r, now, u.username)});
    added.push_back(r);
  }
  for (auto& r : added) s->sections.push_back(std::move(r));
  plan->action = close_all ? "bosted.botilbud.end" : "bosted.botilbud.change";
  plan->detail = id + " from=" + iso + (name.empty() ? "" : " name") + (paragraph.empty() ? "" : " paragraph=" + paragraph) +
                 (op.empty() ? "" : " operator=" + op) + (places ? " places=" + std::to_string(*places) : "");
  for (const auto& [sec, c] : changes)
    plan->detail += " section[" + sec + "]" + (c.end ? "=end" : c.residents ? " residents=" + std::to_string(*c.residents) : "");
  return Status::Ok();
}

// POST /api/bosted/attachments
Status PlanAttach(SqlConnection& c, const json& b, const UserRecord& u, const std::string& now, EditSnapshot* s,
                  EditPlan* plan, bool* sanction_refusal) {
  EditAttachmentRow a;
  a.stored = false;
  a.botilbud_id = Str(b, "botilbud_id");
  ALMEN_RETURN_IF_ERROR(MunicipalityOf(*s, a.botilbud_id).status());  // the caller checked access (access.h)
  a.section = Str(b, "section");
  std::set<std::string> sections;
  for (const auto& r : s->sections)
    if (r.botilbud_id == a.botilbud_id) sections.insert(r.section);
  if (a.section.empty() && sections.size() == 1) a.section = *sections.begin();
  if (!sections.count(a.section))
    return InvalidInput("section '" + a.section + "' of botilbud " + a.botilbud_id + " is not in the register");
  a.provider = Str(b, "provider");
  const auto provider_number = ParseYdernummer(a.provider);
  if (!provider_number) return InvalidInput("provider must be a 6-digit ydernummer");
  ALMEN_ASSIGN_OR_RETURN(Date from, DateField(b, "from_date"));
  a.from_date = from.ToIso();
  Date to = Date::Max();
  if (!Str(b, "to_date").empty()) {
    ALMEN_ASSIGN_OR_RETURN(to, DateField(b, "to_date"));
    if (!(from < to)) return InvalidInput("to_date must be after from_date");
    a.to_date = to.ToIso();
  }
  a.doctor_id = Str(b, "doctor_id");
  ALMEN_ASSIGN_OR_RETURN(auto listed, Int(b, "listed_residents"));
  if (listed) ALMEN_RETURN_IF_ERROR(CheckCount(*listed, "listed_residents"));
  a.listed_residents = listed.value_or(-1);
  // The provider must be a known clinic (when providers are registered).
  ALMEN_ASSIGN_OR_RETURN(auto pc, c.Query("SELECT COUNT(*) FROM providers"));
  if (!pc.empty() && pc[0].Int(0) > 0) {
    ALMEN_ASSIGN_OR_RETURN(auto pr, c.Query("SELECT COUNT(*) FROM providers WHERE provider = $1", {a.provider}));
    if (pr.empty() || pr[0].Int(0) == 0) return InvalidInput("provider " + a.provider + " is not a registered clinic");
  }
  const Period p = a.period();
  for (const auto& o : s->attachments)
    if (o.botilbud_id == a.botilbud_id && o.section == a.section && o.period().Overlaps(p))
      return Conflict("section '" + a.section + "' of botilbud " + a.botilbud_id +
                      " already has a fixed doctor in this period (provider " + o.provider + " from " + o.from_date +
                      (o.to_date.empty() ? "" : " to " + o.to_date) + ")");
  // LSU sanctions: d/e (and f naming the provider) on the first day, f of the doctor in the period.
  ALMEN_ASSIGN_OR_RETURN(SanctionRegister sanctions, StoredSanctions(c));
  if (sanctions.ProviderExcluded(*provider_number, from)) {
    *sanction_refusal = true;
    return Conflict("provider " + a.provider + " is excluded by an LSU sanction (§ 114 stk. 2) on " + a.from_date +
                    " and cannot be attached as fixed doctor");
  }
  if (!a.doctor_id.empty())
    if (const SanctionRow* ban = sanctions.EmploymentBanDuring(a.doctor_id, p)) {
      *sanction_refusal = true;
      return Conflict("doctor " + a.doctor_id + " cannot be attached as fixed doctor: " +
                      EmploymentBlockedMessage(*ban));
    }
  plan->sql.push_back({"INSERT INTO attachments (botilbud_id, section, provider, from_date, to_date, doctor_id, "
                       "listed_residents, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                       {a.botilbud_id, a.section, a.provider, a.from_date, a.to_date, a.doctor_id,
                        a.listed_residents, now, u.username}});
  plan->action = "bosted.attachment.create";
  plan->detail = a.botilbud_id + "/" + a.section + " provider=" + a.provider + " from=" + a.from_date +
                 (a.to_date.empty() ? "" : " to=" + a.to_date);
  s->attachments.push_back(std::move(a));
  return Status::Ok();
}

// PUT /api/bosted/attachments: end (or shorten) one.
Status PlanEndAttachment(const json& b, const UserRecord&, EditSnapshot* s, EditPlan* plan) {
  std::string id = Str(b, "botilbud_id");
  ALMEN_RETURN_IF_ERROR(MunicipalityOf(*s, id).status());  // the caller checked access (access.h)
  std::string section = Str(b, "section"), provider = Str(b, "provider"), from = Str(b, "from_date");
  ALMEN_ASSIGN_OR_RETURN(Date to, DateField(b, "to_date"));
  EditAttachmentRow* hit = nullptr;
  for (auto& a : s->attachments)
    if (a.botilbud_id == id && a.provider == provider && a.from_date == from && (section.empty() || a.section == section))
      hit = &a;
  if (!hit)
    return NotFound("no attachment of provider " + provider + " to botilbud " + id + " from " + from);
  if (!(hit->period().from < to)) return InvalidInput("to_date must be after from_date " + from);
  if (!(to < hit->period().to))
    return Conflict("the attachment already ends " + (hit->to_date.empty() ? std::string("never") : hit->to_date) +
                    ": an attachment can be ended or shortened, not extended (register a new one)");
  plan->sql.push_back({"UPDATE attachments SET to_date = $1 WHERE botilbud_id = $2 AND section = $3 AND provider = $4 "
                       "AND from_date = $5",
                       {to.ToIso(), hit->botilbud_id, hit->section, hit->provider, hit->from_date}});
  plan->action = "bosted.attachment.end";
  plan->detail = id + "/" + hit->section + " provider=" + provider + " from=" + from + " to=" + to.ToIso() +
                 " (was " + (hit->to_date.empty() ? "open" : hit->to_date) + ")";
  hit->to_date = to.ToIso();
  return Status::Ok();
}

}  // namespace

StatusOr<std::pair<std::string, std::string>> StoredBostedCsv(SqlConnection& c) {
  ALMEN_ASSIGN_OR_RETURN(EditSnapshot s, ReadSnapshot(c));
  return SnapshotCsv(s);
}

StatusOr<bool> WriteStoredBostedFiles(Storage& db, const std::string& dir, std::string* botilbud_path,
                                      std::string* attachments_path) {
  std::pair<std::string, std::string> csv;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(EditSnapshot s, ReadSnapshot(*c));
    if (s.sections.empty()) return false;
    csv = SnapshotCsv(s);
  }
  namespace fs = std::filesystem;
  const fs::path b = fs::path(dir) / "stored-botilbud.csv", a = fs::path(dir) / "stored-attachments.csv";
  for (const auto& [p, text] : {std::pair{b, &csv.first}, std::pair{a, &csv.second}}) {
    std::ofstream f(p, std::ios::binary);
    f.write(text->data(), static_cast<std::streamsize>(text->size()));
    if (!f) return Internal("cannot write " + p.string());
  }
  *botilbud_path = b.string();
  *attachments_path = a.string();
  return true;
}

void RegisterBostedEditRoutes(const ServerRouteContext& ctx) {
  // kind: create | change | attach | end
  auto edit = [ctx](const std::string& kind) {
    return [ctx, kind](const httplib::Request& req, httplib::Response& res) {
      try {
        auto u = ctx.authenticate(req);
        if (!u.ok()) return SendError(res, u.status());
        // The role first (before the body is looked at), then the objects.
        const bool attach = kind == "attach" || kind == "end";
        if (u->role != "rltn" && u->role != "municipality" && !(attach && u->role == "region"))
          return SendError(res, PermissionDenied("role '" + u->role + "' may not change the botilbud register"));
        auto body = Body(req);
        if (!body.ok()) return SendError(res, body.status());
        if (kind != "create") {
          const std::string target = kind == "change" ? std::string(req.matches[1]) : Str(*body, "botilbud_id");
          Status may = ctx.access->Check(*u, ObjectKind::kBotilbud, target, attach ? Act::kAttach : Act::kWrite);
          if (!may.ok()) return SendError(res, may);
        }
        if (kind == "attach") {
          // A region attaches its own region's clinics only.
          Status may = ctx.access->Check(*u, ObjectKind::kClinic, Str(*body, "provider"), Act::kAttach);
          if (!may.ok()) return SendError(res, may);
        }
        std::lock_guard lock(g_bosted_edit_mu);
        auto c = ctx.db->pool().Borrow();
        auto snap = ReadSnapshot(*c);
        if (!snap.ok()) return SendError(res, snap.status());
        const std::string now = NowIsoB();
        EditPlan plan;
        bool sanction_refusal = false;
        std::string id = kind == "change" ? std::string(req.matches[1]) : Str(*body, "botilbud_id");
        Status s = kind == "create"   ? PlanCreate(*body, *u, now, &*snap, &plan)
                   : kind == "change" ? PlanChange(id, *body, *u, now, &*snap, &plan)
                   : kind == "attach" ? PlanAttach(*c, *body, *u, now, &*snap, &plan, &sanction_refusal)
                                      : PlanEndAttachment(*body, *u, &*snap, &plan);
        if (s.ok()) s = ValidateSnapshot(*snap, *ctx.agreement);
        if (s.ok()) {
          s = c->Begin();
          for (size_t i = 0; s.ok() && i < plan.sql.size(); ++i) s = c->Exec(plan.sql[i].first, plan.sql[i].second);
          if (s.ok())
            s = c->Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ($1, $2, $3, $4)",
                        {now, u->username, plan.action, plan.detail});
          if (s.ok()) s = c->Commit();
          if (!s.ok()) (void)c->Rollback();
        } else if (sanction_refusal || s.code() == StatusCode::kPermissionDenied) {
          (void)c->Exec("INSERT INTO audit_log (at, username, action, detail) VALUES ($1, $2, $3, $4)",
                        {now, u->username, "bosted.edit.refused", kind + " " + id + ": " + s.message()});
        }
        if (!s.ok()) return SendError(res, s);
        auto after = ReadSnapshot(*c);
        if (!after.ok()) return SendError(res, after.status());
        SendJson(res, HistoryJson(*after, id), kind == "create" || kind == "attach" ? 201 : 200);
      } catch (const std::exception& e) {
        SendError(res, Internal(std::string("internal error: ") + e.what()));
      }
    };
  };
  auto& http = *ctx.http;
  http.Post("/api/bosted/botilbud", edit("create"));
  http.Put(R"(/api/bosted/botilbud/([^/]+))", edit("change"));
  http.Post("/api/bosted/attachments", edit("attach"));
  http.Put("/api/bosted/attachments", edit("end"));
  http.Get(R"(/api/bosted/botilbud/([^/]+))", [ctx](const httplib::Request& req, httplib::Response& res) {
    try {
      auto u = ctx.authenticate(req);
      if (!u.ok()) return SendError(res, u.status());
      Status may = ctx.access->Check(*u, ObjectKind::kBotilbud, std::string(req.matches[1]), Act::kRead);
      if (!may.ok()) return SendError(res, may);
      auto c = ctx.db->pool().Borrow();
      auto snap = ReadSnapshot(*c);
      if (!snap.ok()) return SendError(res, snap.status());
      std::string id = req.matches[1];
      SendJson(res, HistoryJson(*snap, id));
    } catch (const std::exception& e) {
      SendError(res, Internal(std::string("internal error: ") + e.what()));
    }
  });
}

}  // namespace almen
