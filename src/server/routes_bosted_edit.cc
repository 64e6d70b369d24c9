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
// The register is read and written through storage/bosted_store.h (its SQL).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "bosted/register.h"
#include "common/utc_time.h"
#include "common/ydernummer.h"
#include "sanctions/sanctions.h"
#include "server/routes_bosted.h"
#include "server/access.h"
#include "server/respond.h"
#include "storage/bosted_store.h"
#include "storage/cases_store.h"

namespace almen {

namespace {

using json = nlohmann::json;

// One lock for register edits: the check and the write of an edit must not
// interleave with another's (two overlapping attachments in one instant).
std::mutex g_bosted_edit_mu;

// The register after a change, validated like botilbud.csv/attachments.csv.
// Errors lose the "file:line:col (column): " prefix, which names no real file.
Status ValidateSnapshot(const BostedSnapshot& s, const Agreement& agreement) {
  auto [b, a] = BostedSnapshotCsv(s);
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

StatusOr<SanctionRegister> StoredSanctions(BostedStore& store) {
  ALMEN_ASSIGN_OR_RETURN(std::vector<SanctionRow> all, StoredSanctionRows(store.connection()));
  return SanctionRegister::FromRows(std::move(all), "sanctions register");
}

json SectionJson(const BotilbudSectionRow& r) {
  return {{"botilbud_id", r.botilbud_id}, {"section", r.section},     {"name", r.name},
          {"municipality_code", r.municipality_code},                 {"paragraph", r.paragraph},
          {"places", r.places},           {"operator", r.op},         {"residents", r.residents},
          {"valid_from", r.valid_from.empty() ? json(nullptr) : json(r.valid_from)},
          {"valid_to", r.valid_to.empty() ? json(nullptr) : json(r.valid_to)}};
}

json AttachmentJson(const BotilbudAttachmentRow& a) {
  return {{"botilbud_id", a.botilbud_id},
          {"section", a.section},
          {"provider", a.provider},
          {"from_date", a.from_date},
          {"to_date", a.to_date.empty() ? json(nullptr) : json(a.to_date)},
          {"doctor_id", a.doctor_id},
          {"listed_residents", a.listed_residents >= 0 ? json(a.listed_residents) : json(nullptr)}};
}

json HistoryJson(const BostedSnapshot& s, const std::string& id) {
  json secs = json::array(), atts = json::array();
  for (const auto& r : s.sections)
    if (r.botilbud_id == id) secs.push_back(SectionJson(r));
  for (const auto& a : s.attachments)
    if (a.botilbud_id == id) atts.push_back(AttachmentJson(a));
  return {{"botilbud_id", id}, {"sections", secs}, {"attachments", atts}};
}

// The municipality of a stored botilbud, or NotFound.
StatusOr<std::string> MunicipalityOf(const BostedSnapshot& s, const std::string& id) {
  for (const auto& r : s.sections)
    if (r.botilbud_id == id) return r.municipality_code;
  return NotFound("botilbud '" + id + "' is not in the register");
}

// A change: the writes to run after validation (storage/bosted_store.h), and the audit line.
struct EditPlan {
  std::vector<std::function<Status(BostedStore&)>> writes;
  std::string action, detail;
  void InsertSection(const BotilbudSectionRow& r, const std::string& now, const std::string& user) {
    writes.push_back([r, now, user](BostedStore& st) { return st.InsertSection(r, now, user); });
  }
};

// POST /api/bosted/botilbud
Status PlanCreate(const json& b, const UserRecord& u, const std::string& now, BostedSnapshot* s, EditPlan* plan) {
  BotilbudSectionRow base;
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
    BotilbudSectionRow r = base;
    r.section = Str(sj, "section");
    if (!names.insert(r.section).second) return InvalidInput("section '" + r.section + "' is given twice");
    ALMEN_ASSIGN_OR_RETURN(auto residents, Int(sj, "residents"));
    if (!residents) return InvalidInput("residents is required for section '" + r.section + "'");
    ALMEN_RETURN_IF_ERROR(CheckCount(*residents, "residents"));
    r.residents = *residents;
    plan->InsertSection(r, now, u.username);
    s->sections.push_back(r);
  }
  plan->action = "bosted.botilbud.create";
  plan->detail = base.botilbud_id + " municipality=" + base.municipality_code + " paragraph=" + base.paragraph +
                 " places=" + std::to_string(base.places) + " sections=" + std::to_string(sections.size()) +
                 " from=" + base.valid_from;
  return Status::Ok();
}

// PUT /api/bosted/botilbud/{id}
Status PlanChange(const std::string& id, const json& b, const UserRecord& u, const std::string& now, BostedSnapshot* s,
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
  const BotilbudSectionRow* any = nullptr;
  std::vector<BotilbudSectionRow> added;
  size_t n = s->sections.size();
  for (size_t i = 0; i < n; ++i) {
    BotilbudSectionRow& r = s->sections[i];
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
    BotilbudSectionRow next = r;
    next.id = 0;
    next.valid_from = iso;
    if (!name.empty()) next.name = name;
    if (!paragraph.empty()) next.paragraph = paragraph;
    if (!op.empty()) next.op = op;
    if (places) next.places = *places;
    if (c && c->residents) next.residents = *c->residents;
    plan->writes.push_back([row = r.id, iso](BostedStore& st) { return st.EndSection(row, iso); });
    r.valid_to = iso;
    if (!end) {
      plan->InsertSection(next, now, u.username);
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
    BotilbudSectionRow r = added.front();
    r.section = sec;
    r.residents = *c.residents;
    // A later row of this section (a future change) bounds the new one.
    for (const auto& o : s->sections)
      if (o.botilbud_id == id && o.section == sec && o.period().from > d &&
          (r.valid_to.empty() || o.valid_from < r.valid_to))
        r.valid_to = o.valid_from;
    plan->InsertSection(r, now, u.username);
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
Status PlanAttach(BostedStore& store, const json& b, const UserRecord& u, const std::string& now, BostedSnapshot* s,
                  EditPlan* plan, bool* sanction_refusal) {
  BotilbudAttachmentRow a;
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
  ALMEN_ASSIGN_OR_RETURN(bool any_provider, store.AnyProvider());
  if (any_provider) {
    ALMEN_ASSIGN_OR_RETURN(bool known, store.ProviderExists(a.provider));
    if (!known) return InvalidInput("provider " + a.provider + " is not a registered clinic");
  }
  const Period p = a.period();
  for (const auto& o : s->attachments)
    if (o.botilbud_id == a.botilbud_id && o.section == a.section && o.period().Overlaps(p))
      return Conflict("section '" + a.section + "' of botilbud " + a.botilbud_id +
                      " already has a fixed doctor in this period (provider " + o.provider + " from " + o.from_date +
                      (o.to_date.empty() ? "" : " to " + o.to_date) + ")");
  // LSU sanctions: d/e (and f naming the provider) on the first day, f of the doctor in the period.
  ALMEN_ASSIGN_OR_RETURN(SanctionRegister sanctions, StoredSanctions(store));
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
  plan->writes.push_back(
      [a, now, user = u.username](BostedStore& st) { return st.InsertAttachment(a, now, user); });
  plan->action = "bosted.attachment.create";
  plan->detail = a.botilbud_id + "/" + a.section + " provider=" + a.provider + " from=" + a.from_date +
                 (a.to_date.empty() ? "" : " to=" + a.to_date);
  s->attachments.push_back(std::move(a));
  return Status::Ok();
}

// PUT /api/bosted/attachments: end (or shorten) one.
Status PlanEndAttachment(const json& b, const UserRecord&, BostedSnapshot* s, EditPlan* plan) {
  std::string id = Str(b, "botilbud_id");
  ALMEN_RETURN_IF_ERROR(MunicipalityOf(*s, id).status());  // the caller checked access (access.h)
  std::string section = Str(b, "section"), provider = Str(b, "provider"), from = Str(b, "from_date");
  ALMEN_ASSIGN_OR_RETURN(Date to, DateField(b, "to_date"));
  BotilbudAttachmentRow* hit = nullptr;
  for (auto& a : s->attachments)
    if (a.botilbud_id == id && a.provider == provider && a.from_date == from && (section.empty() || a.section == section))
      hit = &a;
  if (!hit)
    return NotFound("no attachment of provider " + provider + " to botilbud " + id + " from " + from);
  if (!(hit->period().from < to)) return InvalidInput("to_date must be after from_date " + from);
  if (!(to < hit->period().to))
    return Conflict("the attachment already ends " + (hit->to_date.empty() ? std::string("never") : hit->to_date) +
                    ": an attachment can be ended or shortened, not extended (register a new one)");
  plan->writes.push_back([row = *hit, iso = to.ToIso()](BostedStore& st) { return st.EndAttachment(row, iso); });
  plan->action = "bosted.attachment.end";
  plan->detail = id + "/" + hit->section + " provider=" + provider + " from=" + from + " to=" + to.ToIso() +
                 " (was " + (hit->to_date.empty() ? "open" : hit->to_date) + ")";
  hit->to_date = to.ToIso();
  return Status::Ok();
}

}  // namespace

StatusOr<std::pair<std::string, std::string>> StoredBostedCsv(SqlConnection& c) {
  ALMEN_ASSIGN_OR_RETURN(BostedSnapshot s, BostedStore(c).Snapshot());
  return BostedSnapshotCsv(s);
}

StatusOr<bool> WriteStoredBostedFiles(Storage& db, const std::string& dir, std::string* botilbud_path,
                                      std::string* attachments_path) {
  std::pair<std::string, std::string> csv;
  {
    auto c = db.pool().Borrow();
    ALMEN_ASSIGN_OR_RETURN(BostedSnapshot s, BostedStore(*c).Snapshot());
    if (s.sections.empty()) return false;
    csv = BostedSnapshotCsv(s);
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
        BostedStore store(*c);
        auto snap = store.Snapshot();
        if (!snap.ok()) return SendError(res, snap.status());
        const std::string now = UtcTimestamp();
        EditPlan plan;
        bool sanction_refusal = false;
        std::string id = kind == "change" ? std::string(req.matches[1]) : Str(*body, "botilbud_id");
        Status s = kind == "create"   ? PlanCreate(*body, *u, now, &*snap, &plan)
                   : kind == "change" ? PlanChange(id, *body, *u, now, &*snap, &plan)
                   : kind == "attach" ? PlanAttach(store, *body, *u, now, &*snap, &plan, &sanction_refusal)
                                      : PlanEndAttachment(*body, *u, &*snap, &plan);
        if (s.ok()) s = ValidateSnapshot(*snap, *ctx.agreement);
        if (s.ok()) {
          s = c->Begin();
          for (size_t i = 0; s.ok() && i < plan.writes.size(); ++i) s = plan.writes[i](store);
          if (s.ok()) s = store.Audit(now, u->username, plan.action, plan.detail);
          if (s.ok()) s = c->Commit();
          if (!s.ok()) (void)c->Rollback();
        } else if (sanction_refusal || s.code() == StatusCode::kPermissionDenied) {
          (void)store.Audit(now, u->username, "bosted.edit.refused", kind + " " + id + ": " + s.message());
        }
        if (!s.ok()) return SendError(res, s);
        auto after = store.Snapshot();
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
      auto snap = BostedStore(*c).Snapshot();
      if (!snap.ok()) return SendError(res, snap.status());
      std::string id = req.matches[1];
      SendJson(res, HistoryJson(*snap, id));
    } catch (const std::exception& e) {
      SendError(res, Internal(std::string("internal error: ") + e.what()));
    }
  });
}

}  // namespace almen
