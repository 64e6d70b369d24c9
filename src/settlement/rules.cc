#include "settlement/rules.h"

#include <string_view>

namespace almen {

namespace {

std::vector<std::string_view> SplitBar(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto bar = s.find('|');
    out.push_back(s.substr(0, bar));
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return out;
}

class RowCompiler {
 public:
  RowCompiler(const Agreement& a, const RuleRow& row) : a_(a), row_(row) {}
  Status Error(const std::string& m) const {
    return InvalidInput(row_.provenance.file + ":" + std::to_string(row_.provenance.line) + ": rule " + row_.id +
                        " (" + row_.kind + "): " + m);
  }
  StatusOr<std::string> Param(const std::string& name) const {
    auto it = row_.params.find(name);
    if (it == row_.params.end() || it->second.empty()) return Error("parameter '" + name + "' is required");
    return it->second;
  }
  bool HasParam(const std::string& name) const { return row_.params.count(name) > 0; }
  StatusOr<int> Code(const std::string& name) const {
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    auto n = ParseSmallUint(v);
    if (v.size() != 4 || !n || !a_.KnownCode(*n)) return Error("parameter '" + name + "' must be a known 4-digit code");
    return *n;
  }
  StatusOr<CodeSet> Codes(const std::string& name, bool required) const {
    CodeSet set;
    if (!required && !HasParam(name)) return set;
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    for (auto part : SplitBar(v)) {
      auto n = ParseSmallUint(part);
      if (part.size() != 4 || !n || !a_.KnownCode(*n))
        return Error("parameter '" + name + "' must list known 4-digit codes separated by '|'");
      set.codes.push_back(*n);
    }
    return set;
  }
  StatusOr<CategoryMask> Categories(const std::string& name, bool required) const {
    CategoryMask m = 0;
    if (!required && !HasParam(name)) return m;
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    for (auto part : SplitBar(v)) {
      auto c = ParseFeeCategory(part);
      if (!c) return Error("unknown fee category '" + std::string(part) + "' in '" + name + "'");
      m |= Bit(*c);
    }
    return m;
  }
  StatusOr<Setting> SettingParam(const std::string& name) const {
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    auto s = ParseSetting(v);
    if (!s) return Error("unknown setting '" + v + "'");
    return *s;
  }
  StatusOr<uint16_t> Indications(const std::string& name) const {
    uint16_t bits = 0;
    if (!HasParam(name)) return bits;
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    for (auto part : SplitBar(v)) {
      auto ind = ParseIndication(part);
      if (!ind) return Error("unknown indication '" + std::string(part) + "' in '" + name + "'");
      bits |= static_cast<uint16_t>(1u << static_cast<unsigned>(*ind));
    }
    return bits;
  }
  StatusOr<SettingSet> Settings(const std::string& name) const {
    SettingSet set;
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    for (auto part : SplitBar(v)) {
      auto s = ParseSetting(part);
      if (!s) return Error("unknown setting '" + std::string(part) + "' in '" + name + "'");
      set.bits |= static_cast<uint8_t>(1u << static_cast<unsigned>(*s));
    }
    return set;
  }
  std::string ParamOr(const std::string& name, const std::string& dflt) const {
    auto it = row_.params.find(name);
    return it == row_.params.end() || it->second.empty() ? dflt : it->second;
  }
  StatusOr<Indication> IndicationParam(const std::string& name) const {
    ALMEN_ASSIGN_OR_RETURN(std::string v, Param(name));
    auto s = ParseIndication(v);
    if (!s) return Error("unknown indication '" + v + "'");
    return *s;
  }

 private:
  const Agreement& a_;
  const RuleRow& row_;
};

void AddUnique(std::vector<int>* v, int c) {
  for (int x : *v)
    if (x == c) return;
  v->push_back(c);
}

}  // namespace

StatusOr<CompiledRules> CompileRules(const Agreement& agreement) {
  CompiledRules out;
  for (const RuleRow& row : agreement.rules()) {
    RowCompiler rc(agreement, row);
    const std::string& k = row.kind;
    if (k == "duplicate_claim") {
      out.duplicate = &row;
    } else if (k == "cpr_malformed") {
      out.cpr_malformed = &row;
    } else if (k == "unknown_provider") {
      out.unknown_provider = &row;
    } else if (k == "no_fee_on_date") {
      out.no_fee = &row;
    } else if (k == "code_abolished") {
      ALMEN_ASSIGN_OR_RETURN(int code, rc.Code("code"));
      out.abolished.push_back({&row, code});
    } else if (k == "not_in_setting") {
      ALMEN_ASSIGN_OR_RETURN(int code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(Setting s, rc.SettingParam("setting"));
      out.settings.push_back({&row, code, s});
      AddUnique(&out.event_codes.codes, code);
    } else if (k == "staff_only_for_indications") {
      StaffRule r{&row, 0, {}};
      ALMEN_ASSIGN_OR_RETURN(r.code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(std::string list, rc.Param("indications"));
      for (auto part : SplitBar(list)) {
        auto ind = ParseIndication(part);
        if (!ind) return rc.Error("unknown indication '" + std::string(part) + "'");
        r.allowed.push_back(*ind);
      }
      AddUnique(&out.event_codes.codes, r.code);
      out.staff.push_back(std::move(r));
    } else if (k == "not_with_in_contact") {
      ContactRule r{&row, 0, {}, 0, true};
      ALMEN_ASSIGN_OR_RETURN(r.code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(r.other_codes, rc.Codes("other_codes", false));
      ALMEN_ASSIGN_OR_RETURN(r.other_categories, rc.Categories("other_categories", false));
      if (r.other_codes.codes.empty() && r.other_categories == 0)
        return rc.Error("needs other_codes or other_categories");
      ALMEN_ASSIGN_OR_RETURN(std::string reject, rc.Param("reject"));
      if (reject != "self" && reject != "other") return rc.Error("reject must be 'self' or 'other'");
      r.reject_self = reject == "self";
      if (r.reject_self) {
        out.trigger_categories |= r.other_categories;
        for (int c : r.other_codes.codes) AddUnique(&out.trigger_codes.codes, c);
      }
      AddUnique(&out.event_codes.codes, r.code);
      AddUnique(&out.watched_codes, r.code);
      for (int c : r.other_codes.codes) AddUnique(&out.watched_codes, c);
      out.contact.push_back(std::move(r));
    } else if (k == "home_no_visit_fee") {
      HomeRule r{&row, 0, Setting::kHome, 0, 0};
      ALMEN_ASSIGN_OR_RETURN(r.code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(r.setting, rc.SettingParam("setting"));
      ALMEN_ASSIGN_OR_RETURN(r.other_categories, rc.Categories("other_categories", true));
      if (rc.HasParam("mileage_code")) {
        ALMEN_ASSIGN_OR_RETURN(r.mileage_code, rc.Code("mileage_code"));
        AddUnique(&out.trigger_codes.codes, r.mileage_code);
        AddUnique(&out.watched_codes, r.mileage_code);
      }
      AddUnique(&out.event_codes.codes, r.code);
      AddUnique(&out.watched_codes, r.code);
      out.home.push_back(std::move(r));
    } else if (k == "review_with_categories") {
      ReviewRule r{&row, 0, 0, {}, 0};
      ALMEN_ASSIGN_OR_RETURN(r.code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(r.other_categories, rc.Categories("other_categories", true));
      ALMEN_ASSIGN_OR_RETURN(r.except_codes, rc.Codes("except_codes", false));
      ALMEN_ASSIGN_OR_RETURN(r.except_indications, rc.Indications("except_indications"));
      AddUnique(&out.event_codes.codes, r.code);
      AddUnique(&out.watched_codes, r.code);
      out.review.push_back(std::move(r));
    } else if (k == "once_per_patient" || k == "max_per_patient_year" || k == "once_per_course") {
      PatientRule r{&row, PatientRuleKind::kOncePerPatient, 0, Indication::kNone, 1, false};
      r.kind = k == "once_per_patient"   ? PatientRuleKind::kOncePerPatient
               : k == "once_per_course" ? PatientRuleKind::kOncePerCourse
                                        : PatientRuleKind::kMaxPerYear;
      ALMEN_ASSIGN_OR_RETURN(r.code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(r.indication, rc.IndicationParam("indication"));
      if (r.kind == PatientRuleKind::kMaxPerYear) {
        ALMEN_ASSIGN_OR_RETURN(std::string max, rc.Param("max"));
        auto n = ParseSmallUint(max);
        if (!n || *n < 1) return rc.Error("max must be a whole number ≥ 1");
        r.max = *n;
      }
      const std::string outcome = rc.ParamOr("outcome", "reject");
      if (outcome != "reject" && outcome != "review") return rc.Error("outcome must be 'reject' or 'review'");
      if (outcome == "review" && r.kind != PatientRuleKind::kOncePerPatient)
        return rc.Error("outcome=review is only defined for once_per_patient");
      r.review = outcome == "review";
      AddUnique(&out.event_codes.codes, r.code);
      AddUnique(&out.watched_codes, r.code);
      out.patient.push_back(std::move(r));
    } else if (k == "chronic_enrolment") {
      ALMEN_ASSIGN_OR_RETURN(CodeSet codes, rc.Codes("codes", true));
      for (int c : codes.codes) {
        AddUnique(&out.chronic_codes.codes, c);
        AddUnique(&out.event_codes.codes, c);
      }
      ALMEN_ASSIGN_OR_RETURN(std::string outcome, rc.Param("outcome"));
      if (outcome == "enrol") out.chronic_enrol = &row;
      else if (outcome == "already_enrolled") out.chronic_already = &row;
      else if (outcome == "enrolled_elsewhere") out.chronic_elsewhere = &row;
      else return rc.Error("outcome must be enrol, already_enrolled or enrolled_elsewhere");
    } else if (k == "bosted_fixed_doctor_visit") {
      out.bosted_fixed_visit = &row;
      ALMEN_ASSIGN_OR_RETURN(out.bosted_visit_code, rc.Code("visit_code"));
      ALMEN_ASSIGN_OR_RETURN(out.bosted_visit_categories, rc.Categories("other_categories", true));
    } else if (k == "following_patient") {
      TripRules& t = out.trip;
      ALMEN_ASSIGN_OR_RETURN(int code, rc.Code("code"));
      ALMEN_ASSIGN_OR_RETURN(CategoryMask visits, rc.Categories("visit_categories", true));
      ALMEN_ASSIGN_OR_RETURN(SettingSet settings, rc.Settings("settings"));
      if (t.any() && (t.code != code || t.visit_categories != visits))
        return rc.Error("all following_patient rules must name the same code and visit_categories");
      t.code = code;
      t.visit_categories = visits;
      ALMEN_ASSIGN_OR_RETURN(std::string outcome, rc.Param("outcome"));
      if (outcome == "visit_rejected") {
        t.visit_rejected = &row;
        t.settings.bits |= settings.bits;
      } else if (outcome == "no_first_visit") {
        t.no_first_visit = &row;
        t.settings.bits |= settings.bits;
      } else if (outcome == "several_visits") {
        t.several_visits = &row;
        t.several_settings = settings;
        t.settings.bits |= settings.bits;
      } else {
        return rc.Error("outcome must be visit_rejected, no_first_visit or several_visits");
      }
    } else if (k == "sanction_payment_stop") {
      ALMEN_ASSIGN_OR_RETURN(std::string kind, rc.Param("kind"));
      if (kind == "d") out.sanction_suspended = &row;
      else if (kind == "e") out.sanction_excluded = &row;
      else return rc.Error("kind must be d (suspension) or e (exclusion)");
    } else {
      return rc.Error("unknown rule kind");
    }
  }
  if (!out.duplicate || !out.cpr_malformed || !out.unknown_provider || !out.no_fee)
    return InvalidInput(
        "rules.csv: the line-level rules duplicate_claim, cpr_malformed, unknown_provider and no_fee_on_date "
        "must all be defined");
  if (!out.chronic_codes.codes.empty() && (!out.chronic_enrol || !out.chronic_already || !out.chronic_elsewhere))
    return InvalidInput("rules.csv: chronic_enrolment needs the outcomes enrol, already_enrolled and enrolled_elsewhere");
  if (out.watched_codes.size() > 8)
    return InvalidInput("rules.csv: contact rules watch more than 8 codes; the engine supports 8");
  return out;
}

Status CheckRules(const Agreement& agreement) {
  ALMEN_ASSIGN_OR_RETURN(CompiledRules rules, CompileRules(agreement));
  (void)rules;
  for (const char* p : {"chronic_enrolment_months", "basishonorar_annual_ore", "time_supplement_ore_per_started_quarter"}) {
    bool any = false;
    for (const auto& param : agreement.parameters())
      if (param.name == p) any = true;
    if (!any) return InvalidInput(std::string("parameters.csv: the parameter '") + p + "' is required");
  }
  return Status::Ok();
}

std::string Explain(const RuleRow& row, const std::vector<std::pair<std::string_view, std::string>>& vars) {
  const std::string& t = row.reason_da;
  std::string out;
  out.reserve(t.size() + 32);
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{') {
      size_t close = t.find('}', i);
      if (close != std::string::npos) {
        std::string_view name(t.data() + i + 1, close - i - 1);
        bool found = false;
        for (const auto& [k, v] : vars)
          if (k == name) {
            out += v;
            found = true;
            break;
          }
        if (found) {
          i = close;
          continue;
        }
      }
    }
    out.push_back(t[i]);
  }
  return out;
}

}  // namespace almen
