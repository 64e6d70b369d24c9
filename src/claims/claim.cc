#include "claims/claim.h"

#include <cstring>

#include "common/ydernummer.h"

namespace almen {

namespace {
constexpr std::pair<Setting, std::string_view> kSettings[] = {
    {Setting::kClinic, "clinic"}, {Setting::kHome, "home"},   {Setting::kVideo, "video"},
    {Setting::kPhone, "phone"},   {Setting::kEmail, "email"}, {Setting::kOutOfHours, "out_of_hours"},
    {Setting::kBotilbud, "botilbud"}};
constexpr std::pair<Indication, std::string_view> kIndications[] = {
    {Indication::kChronicProgramme, "chronic_programme"},
    {Indication::kHypertension, "hypertension"},
    {Indication::kThyroid, "thyroid"},
    {Indication::kOsteoporosis, "osteoporosis"},
    {Indication::kChronicRisk, "chronic_risk"},
    {Indication::kDementia, "dementia"},
    {Indication::kAddiction, "addiction"},
    {Indication::kOther, "other"}};

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}
int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
// ParseSmallUint, inlined into the line parser: most quantities are one digit.
inline std::optional<int32_t> SmallUint(std::string_view s) {
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') return s[0] - '0';
  if (s.empty() || s.size() > 9 || !AllDigits(s)) return std::nullopt;
  return Digits(s);
}
// The value is longer than kMaxClaimIdBytes (an error, rare: kept out of line).
[[gnu::noinline, gnu::cold]] Status TooLong(const CsvReader& r, int column, std::string_view value) {
  return r.FieldError(column, "feltet er på " + std::to_string(value.size()) + " byte; højst " +
                                  std::to_string(kMaxClaimIdBytes) + " er tilladt");
}
inline std::string_view Trimmed(std::string_view s) {
  if (s.empty() || (s.front() != ' ' && s.front() != '\t' && s.back() != ' ' && s.back() != '\t')) return s;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<Setting> ParseSetting(std::string_view s) {
  for (auto& [k, n] : kSettings)
    if (n == s) return k;
  return std::nullopt;
}
std::optional<Indication> ParseIndication(std::string_view s) {
  for (auto& [k, n] : kIndications)
    if (n == s) return k;
  return std::nullopt;
}
std::string_view SettingName(Setting s) {
  for (auto& [k, n] : kSettings)
    if (k == s) return n;
  return "?";
}
std::string_view IndicationName(Indication i) {
  for (auto& [k, n] : kIndications)
    if (k == i) return n;
  return "";
}

std::optional<int32_t> ParseSmallUint(std::string_view s) { return SmallUint(s); }

StatusOr<ClaimParser> ClaimParser::ForHeader(const CsvReader& r, const Agreement& agreement) {
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"claim_id", "provider", "cpr", "service_date", "code"}));
  ClaimParser p;
  p.agreement_ = &agreement;
  p.c_claim_id_ = r.Column("claim_id");
  p.c_provider_ = r.Column("provider");
  p.c_cpr_ = r.Column("cpr");
  p.c_date_ = r.Column("service_date");
  p.c_code_ = r.Column("code");
  p.c_quantity_ = r.Column("quantity");
  p.c_contact_ = r.Column("contact_id");
  p.c_performer_ = r.Column("performer");
  p.c_setting_ = r.Column("setting");
  p.c_indication_ = r.Column("indication");
  p.c_course_ = r.Column("course_id");
  p.c_minutes_ = r.Column("minutes");
  p.c_km_ = r.Column("km");
  p.c_botilbud_ = r.Column("botilbud_id");
  return p;
}

Status ClaimParser::Parse(const CsvReader& r, ClaimLine* l, bool parse_cpr) const {
  l->claim_id = Trimmed(r.field(c_claim_id_));
  if (l->claim_id.empty()) return r.FieldError(c_claim_id_, "claim_id is empty");
  if (l->claim_id.size() > kMaxClaimIdBytes) return TooLong(r, c_claim_id_, l->claim_id);

  l->provider_text = Trimmed(r.field(c_provider_));
  auto provider = ParseYdernummer(l->provider_text);
  if (!provider) return r.FieldError(c_provider_, "provider must be a 6-digit ydernummer");
  l->provider = *provider;

  l->service_date_text = Trimmed(r.field(c_date_));
  const std::string_view date_text = l->service_date_text;
  if (l->last_date_set && date_text.size() == sizeof l->last_date_text &&
      std::memcmp(date_text.data(), l->last_date_text, sizeof l->last_date_text) == 0) {
    l->service_date = l->last_date;
  } else {
    auto date = Date::Parse(date_text);
    if (!date) return r.FieldError(c_date_, "'" + std::string(date_text) + "' is not a valid date (YYYY-MM-DD)");
    l->service_date = *date;
    l->last_date_set = date_text.size() == sizeof l->last_date_text;
    if (l->last_date_set) {
      std::memcpy(l->last_date_text, date_text.data(), sizeof l->last_date_text);
      l->last_date = *date;
    }
  }

  l->code_text = Trimmed(r.field(c_code_));
  if (l->code_text.size() != 4 || !AllDigits(l->code_text))
    return r.FieldError(c_code_, "code must be a 4-digit ydelsesnummer, got '" + std::string(l->code_text) + "'");
  l->code = Digits(l->code_text);
  if (!agreement_->KnownCode(l->code))
    return r.FieldError(c_code_, "unknown code " + std::string(l->code_text) + ": not in the agreement's fee table");

  std::string_view q = Trimmed(r.field(c_quantity_));
  if (q.empty()) {
    l->quantity = 1;
  } else {
    auto v = SmallUint(q);
    if (!v || *v == 0 || *v > 100000) {
      bool negative = !q.empty() && q[0] == '-';
      return r.FieldError(c_quantity_, negative ? "quantity is negative; it must be a positive whole number"
                                                : "quantity must be a positive whole number");
    }
    l->quantity = *v;
  }

  l->contact_id = Trimmed(r.field(c_contact_));
  l->course_id = Trimmed(r.field(c_course_));
  l->botilbud_id = Trimmed(r.field(c_botilbud_));
  if (l->contact_id.size() > kMaxClaimIdBytes) return TooLong(r, c_contact_, l->contact_id);
  if (l->course_id.size() > kMaxClaimIdBytes) return TooLong(r, c_course_, l->course_id);
  if (l->botilbud_id.size() > kMaxClaimIdBytes) return TooLong(r, c_botilbud_, l->botilbud_id);

  std::string_view perf = Trimmed(r.field(c_performer_));
  if (perf.empty() || perf == "doctor") l->performer = Performer::kDoctor;
  else if (perf == "staff") l->performer = Performer::kStaff;
  else return r.FieldError(c_performer_, "performer must be 'doctor' or 'staff'");

  std::string_view set = Trimmed(r.field(c_setting_));
  if (set.empty() || set == "clinic") {
    l->setting = Setting::kClinic;
  } else {
    auto s = ParseSetting(set);
    if (!s)
      return r.FieldError(c_setting_, "setting must be one of clinic, home, video, phone, email, out_of_hours, botilbud");
    l->setting = *s;
  }

  std::string_view ind = Trimmed(r.field(c_indication_));
  if (ind.empty()) {
    l->indication = Indication::kNone;
  } else {
    auto i = ParseIndication(ind);
    if (!i)
      return r.FieldError(c_indication_,
                          "indication must be one of chronic_programme, hypertension, thyroid, osteoporosis, "
                          "chronic_risk, dementia, addiction, other");
    l->indication = *i;
  }

  std::string_view mins = Trimmed(r.field(c_minutes_));
  if (mins.empty()) l->minutes = 0;
  else if (auto v = SmallUint(mins); v && *v <= 24 * 60) l->minutes = *v;
  else return r.FieldError(c_minutes_, "minutes must be a whole number of minutes (0–1440)");

  std::string_view km = Trimmed(r.field(c_km_));
  if (km.empty()) l->km = 0;
  else if (auto v = SmallUint(km); v && *v <= 10000) l->km = *v;
  else return r.FieldError(c_km_, "km must be a whole number of kilometres (0–10000)");

  if (parse_cpr) ParseCprOf(r, l);
  return Status::Ok();
}

bool ClaimParser::CprDigitsOf(const CsvReader& r, char* digits) const {
  const std::string_view t = Trimmed(r.field(c_cpr_));
  if (t.size() == 10) {
    std::memcpy(digits, t.data(), 10);
  } else if (t.size() == 11) {
    std::memcpy(digits, t.data(), 6);
    std::memcpy(digits + 6, t.data() + 7, 4);
  } else {
    return false;
  }
  return true;
}

void ClaimParser::ParseCprOf(const CsvReader& r, ClaimLine* l) const { l->cpr = ParseCpr(Trimmed(r.field(c_cpr_))); }

}  // namespace almen
