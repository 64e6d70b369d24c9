#include "settlement/monthly.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "bosted/honorarium.h"
#include "common/decimal.h"
#include "common/format_da.h"

namespace almen {

namespace {

std::string CodeText(int code) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d", code);
  return b;
}

std::string Paragraph(const Agreement& a, std::string_view parameter, Date on, const char* fallback) {
  const Parameter* p = a.ParameterOn(parameter, on);
  return p ? p->provenance.paragraph : fallback;
}

// Days of month `m` on which `provider` may not be paid (LSU d/e).
int StoppedDays(const SanctionRegister* s, int provider, Month m) {
  if (!s || !s->HasPaymentStops()) return 0;
  int n = 0;
  for (Date d = m.first_day(); d < m.end(); d = d.AddDays(1))
    if (s->PaymentStop(provider, d)) ++n;
  return n;
}

Money ProRata(Money amount, int stopped, int days) {
  if (stopped <= 0) return amount;
  if (stopped >= days) return Money::Zero();
  return ScaleRatio(amount, days - stopped, days);
}

std::string StoppedNote(int stopped, int days) {
  if (stopped <= 0) return "";
  if (stopped >= days) return " Ikke udbetalt: lægen er suspenderet eller udelukket hele måneden (§ 114 stk. 2 d/e).";
  return " Nedsat forholdsmæssigt for " + std::to_string(stopped) + " af " + std::to_string(days) +
         " dage med suspension eller udelukkelse (§ 114 stk. 2 d/e).";
}

bool Lto(const ProviderRegistry* reg, int provider, Date on, bool fallback) {
  if (!reg) return fallback;
  const ProviderRow* row = reg->On(provider, on);
  return row ? row->lto : fallback;
}

}  // namespace

Money ChronicMonthlyFee(const Agreement& agreement, int code, bool lto, Month m, bool apr24) {
  const Date on = m.first_day();
  const ChronicRow* row = agreement.ChronicOn(code, lto, on);
  if (!row) return Money::Zero();
  Money annual = row->monthly * 12;
  bool raise = true;
  if (lto) {
    auto p = agreement.BoolParameter("chronic_raise_applies_in_lto", on);
    raise = !p.ok() || *p;
  }
  if (raise) annual += row->annual_raise;
  // Monthly = annual / 12, rounded half away from zero to whole øre (agreement.md H4).
  Money monthly = ScaleRatio(annual, 1, 12);
  if (!apr24)
    if (const IndexRow* idx = agreement.IndexOn(on)) monthly = Scale(monthly, idx->factor);
  return monthly;
}

StatusOr<std::vector<OwedItem>> MonthlyItems(const MonthlyInputs& in) {
  const Agreement& a = *in.agreement;
  std::vector<OwedItem> out;

  // Basishonorar (C6).
  if (in.listed && in.from) {
    for (const auto& [key, count] : *in.listed) {
      Month m{key.month};
      if (m < *in.from || *in.to < m || count <= 0) continue;
      ALMEN_ASSIGN_OR_RETURN(Money annual, a.MoneyParameter("basishonorar_annual_ore", m.first_day()));
      // Monthly basishonorar = annual / 12, rounded half away from zero to whole øre.
      Money monthly = ScaleRatio(annual, 1, 12);
      if (!in.apr24)
        if (const IndexRow* idx = a.IndexOn(m.first_day())) monthly = Scale(monthly, idx->factor);
      const int stopped = StoppedDays(in.sanctions, key.provider, m);
      OwedItem o;
      o.provider = key.provider;
      o.month = m;
      o.item = StatementItem::kBasishonorar;
      o.count = count;
      o.amount = ProRata(monthly * count, stopped, m.days());
      o.rule = "basishonorar";
      o.paragraph = Paragraph(a, "basishonorar_annual_ore", m.first_day(), "Overenskomst om almen praksis (basishonorar)");
      o.reason = "Basishonorar for " + GroupThousands(count) + " tilmeldte patienter pr. 1. " + FormatMonthDa(m) +
                 " à " + FormatKroner(monthly) + "." + StoppedNote(stopped, m.days());
      out.push_back(std::move(o));
    }
  }

  // Chronic fees (C4): summed per (provider, month, code), pro rata once.
  // Counted per (provider, month, code, LTO) first, then priced once per key
  // (the same sum as a fee per enrolment and month).
  if (in.enrolments) {
    struct Acc {
      int64_t count = 0;
      Money amount;
    };
    absl::flat_hash_map<std::tuple<int, int32_t, int, bool>, int64_t> counted;
    for (const Enrolment& en : *in.enrolments)
      for (Month m = en.start; m < en.end; m = m + 1)
        ++counted[{en.provider, m.serial, en.code, Lto(in.providers, en.provider, m.first_day(), en.lto)}];
    absl::flat_hash_map<std::tuple<int, bool, int32_t>, Money> fees;
    std::map<std::tuple<int, int32_t, int>, Acc> acc;
    for (const auto& [key, n] : counted) {
      const auto& [provider, month, code, lto] = key;
      auto [f, fresh] = fees.try_emplace({code, lto, month});
      if (fresh) f->second = ChronicMonthlyFee(a, code, lto, Month{month}, in.apr24);
      Acc& x = acc[{provider, month, code}];
      x.count += n;
      x.amount += f->second * n;
    }
    const RuleRow* enrol = nullptr;
    for (const RuleRow& r : a.rules())
      if (r.kind == "chronic_enrolment" && r.params.count("outcome") && r.params.at("outcome") == "enrol") enrol = &r;
    for (const auto& [key, x] : acc) {
      const auto& [provider, month, code] = key;
      Month m{month};
      const int stopped = StoppedDays(in.sanctions, provider, m);
      OwedItem o;
      o.provider = provider;
      o.month = m;
      o.item = StatementItem::kChronicFee;
      o.code = code;
      o.count = x.count;
      o.amount = ProRata(x.amount, stopped, m.days());
      o.rule = enrol ? enrol->id : "chronic.enrol";
      o.paragraph = enrol ? enrol->provenance.paragraph : "agreement.md C4";
      o.reason = "Kronikerhonorar " + CodeText(code) + " for " + GroupThousands(x.count) +
                 (x.count == 1 ? " tilmeldt patient i " : " tilmeldte patienter i ") + FormatMonthDa(m) + "." +
                 StoppedNote(stopped, m.days());
      out.push_back(std::move(o));
    }
  }

  // Bostedshonorar (§D).
  if (in.bosted && in.from) {
    ALMEN_ASSIGN_OR_RETURN(auto lines, ComputeBostedHonoraria(a, *in.bosted, *in.from, *in.to, in.apr24));
    std::map<std::pair<int, int32_t>, OwedItem> by;
    for (const auto& l : lines) {
      if (l.days <= 0) continue;
      OwedItem& o = by[{l.provider, l.month.serial}];
      o.provider = l.provider;
      o.month = l.month;
      o.item = StatementItem::kBostedHonorarium;
      o.count += 1;
      o.amount += l.amount;
    }
    for (auto& [key, o] : by) {
      o.rule = "bosted.honorarium";
      o.paragraph = Paragraph(a, "bosted_hour_rate_ore", o.month.first_day(), "Forhandlingsaftale OK25 afsnit 2 og Bilag 2");
      o.reason = "Honorar som fast tilknyttet læge på botilbud for " + GroupThousands(o.count) +
                 (o.count == 1 ? " tilknytning i " : " tilknytninger i ") + FormatMonthDa(o.month) + ".";
      out.push_back(std::move(o));
    }
  }

  std::sort(out.begin(), out.end(), [](const OwedItem& x, const OwedItem& y) {
    return std::tie(x.provider, x.month.serial, x.item, x.code) < std::tie(y.provider, y.month.serial, y.item, y.code);
  });
  return out;
}

std::vector<OwedItem> CollectionItems(const SanctionRegister& sanctions,
                                      const std::map<int, std::map<Month, Money>>& payable) {
  std::vector<OwedItem> out;
  static const std::map<Month, Money> kNone;
  for (int provider : sanctions.ProvidersWithCollections()) {
    auto it = payable.find(provider);
    const std::map<Month, Money>& p = it == payable.end() ? kNone : it->second;
    std::map<int32_t, OwedItem> by_month;
    for (const SanctionCollection& c : sanctions.Collections(provider, p)) {
      OwedItem& o = by_month[c.month.serial];
      o.provider = provider;
      o.month = c.month;
      o.item = StatementItem::kOffset;
      o.count += 1;
      o.amount -= c.amount;
      o.rule = "sanction.collection";
      o.paragraph = "Overenskomst om almen praksis § 114 stk. 2 b og c, jf. Forhandlingsaftale OK25 pkt. 5.7";
      if (!o.reason.empty()) o.reason += " ";
      o.reason += "Modregning af " + SanctionKindDa(c.sanction->kind) + " (Landssamarbejdsudvalgets afgørelse af " +
                  FormatDateDa(c.sanction->decided) + "): " + FormatKroner(c.amount) + "; restbeløb " +
                  FormatKroner(c.remaining) + ".";
    }
    for (auto& [m, o] : by_month) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace almen
