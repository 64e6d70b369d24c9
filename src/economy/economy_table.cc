#include "economy/economy_table.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "common/csv.h"
#include "common/format_da.h"

namespace almen {

namespace {

constexpr int64_t kOrePerMio = 100'000'000;  // 1 mio. kr. = 10^8 øre
constexpr const char* kFile = "economy.csv";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

nlohmann::json OreOrNull(const std::optional<Money>& m) {
  return m ? nlohmann::json(m->ore()) : nlohmann::json(nullptr);
}

std::string MioText(const std::optional<Money>& m) { return m ? FormatMioKr(*m, 1) : "tom"; }

using Values = std::array<std::optional<Money>, kEconomyFields>;

// Sum of optional amounts: absent when every part is absent.
std::optional<Money> SumOpt(const std::vector<std::optional<Money>>& parts) {
  std::optional<Money> sum;
  for (const auto& p : parts)
    if (p) sum = sum.value_or(Money::Zero()) + *p;
  return sum;
}

std::optional<Money> Growth(const Values& v) {
  if (!v[0] && !v[1]) return std::nullopt;
  return v[1].value_or(Money::Zero()) - v[0].value_or(Money::Zero());
}

// Recomputes sum lines (children before parents) and derived growth.
// `explicit_set` holds (row index, field) pairs set by the user.
std::vector<std::string> Derive(std::vector<EconomyRow>& rows, const std::set<std::pair<size_t, int>>& explicit_set) {
  std::vector<std::string> warnings;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < rows.size(); ++i) index[rows[i].id] = i;
  for (size_t k = rows.size(); k-- > 0;) {
    EconomyRow& row = rows[k];
    auto is_set = [&](int f) { return explicit_set.count({k, f}) > 0; };
    if (row.sum_of_children) {
      std::vector<const EconomyRow*> children;
      for (const auto& c : rows)
        if (c.parent_id == row.id) children.push_back(&c);
      for (int f = 0; f < kEconomyFields; ++f) {
        std::vector<std::optional<Money>> parts;
        for (const auto* c : children) parts.push_back(c->values[static_cast<size_t>(f)]);
        std::optional<Money> sum = SumOpt(parts);
        if (!is_set(f)) {
          row.values[static_cast<size_t>(f)] = sum;
        } else if (sum != row.values[static_cast<size_t>(f)]) {
          warnings.push_back(row.name + " (" + std::string(EconomyFieldName(static_cast<EconomyField>(f))) +
                             ") er sat direkte til " + MioText(row.values[static_cast<size_t>(f)]) +
                             "; underposterne summer til " + MioText(sum));
        }
      }
    }
    bool year_set = is_set(0) || is_set(1);
    if (year_set && !is_set(3)) row.values[3] = Growth(row.values);
  }
  return warnings;
}

struct Totals {
  Values total, financing, merokonomi;
};

Totals ComputeTotals(const std::vector<EconomyRow>& rows) {
  Totals t;
  for (int f = 0; f < kEconomyFields; ++f) {
    size_t fi = static_cast<size_t>(f);
    Money total = Money::Zero(), fin = Money::Zero();
    for (const auto& r : rows) {
      if (r.kind == EconomyKind::kItem && r.parent_id.empty()) total += r.values[fi].value_or(Money::Zero());
      if (r.kind == EconomyKind::kFinancing) fin += r.values[fi].value_or(Money::Zero());
    }
    t.total[fi] = total;
    t.financing[fi] = fin;
    t.merokonomi[fi] = total + fin;
  }
  return t;
}

nlohmann::json ValuesJson(const Values& v) {
  nlohmann::json j = nlohmann::json::object();
  for (int f = 0; f < kEconomyFields; ++f)
    j[std::string(EconomyFieldName(static_cast<EconomyField>(f))) + "_ore"] = OreOrNull(v[static_cast<size_t>(f)]);
  return j;
}

std::string_view KindName(EconomyKind k) {
  switch (k) {
    case EconomyKind::kItem: return "item";
    case EconomyKind::kTotal: return "total";
    case EconomyKind::kFinancing: return "financing";
    case EconomyKind::kMerokonomi: return "merokonomi";
  }
  return "item";
}

}  // namespace

std::string_view EconomyFieldName(EconomyField f) {
  switch (f) {
    case EconomyField::kY2024: return "y2024";
    case EconomyField::kY2025: return "y2025";
    case EconomyField::kPermanent: return "permanent";
    case EconomyField::kGrowth: return "growth";
  }
  return "y2025";
}

const EconomyRow* EconomyTableData::Find(std::string_view id) const {
  for (const auto& r : rows)
    if (r.id == id) return &r;
  return nullptr;
}

std::optional<Money> ParseMioKr(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return std::nullopt;
  bool neg = false;
  if (t[0] == '-' || t[0] == '+') {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  int64_t whole = 0, frac = 0;
  int frac_digits = 0, whole_digits = 0;
  bool sep = false;
  for (char c : t) {
    if (c == ',' || c == '.') {
      if (sep) return std::nullopt;
      sep = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (!sep) {
      if (++whole_digits > 9) return std::nullopt;  // < 10^9 mio. kr.
      whole = whole * 10 + (c - '0');
    } else {
      if (++frac_digits > 8) return std::nullopt;  // finer than 1 øre
      frac = frac * 10 + (c - '0');
    }
  }
  if (whole_digits == 0 && frac_digits == 0) return std::nullopt;
  if (sep && frac_digits == 0) return std::nullopt;  // "44," is not a number
  for (int i = frac_digits; i < 8; ++i) frac *= 10;
  int64_t ore = whole * kOrePerMio + frac;
  return Money::FromOre(neg ? -ore : ore);
}

StatusOr<EconomyTableData> LoadEconomyTable(const Agreement& agreement) {
  const std::string* text = agreement.file(kFile);
  if (!text) return InvalidInput(std::string("the agreement data set has no ") + kFile);
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(kFile, *text));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"id", "name", "parent", "kind", "derive", "in_ramme", "y2024", "y2025",
                                          "permanent", "growth", "paragraph", "source"}));
  const int c_id = r.Column("id"), c_name = r.Column("name"), c_parent = r.Column("parent"),
            c_kind = r.Column("kind"), c_derive = r.Column("derive"), c_in = r.Column("in_ramme"),
            c_par = r.Column("paragraph"), c_src = r.Column("source"), c_note = r.Column("note");
  const std::array<int, kEconomyFields> c_val = {r.Column("y2024"), r.Column("y2025"), r.Column("permanent"),
                                                r.Column("growth")};
  EconomyTableData table;
  std::set<std::string> ids;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    EconomyRow row;
    row.id = std::string(r.field(c_id));
    row.name = std::string(r.field(c_name));
    row.parent_id = std::string(r.field(c_parent));
    row.line = r.line();
    if (row.id.empty()) return r.FieldError(c_id, "id is empty");
    if (row.name.empty()) return r.FieldError(c_name, "name is empty");
    if (!ids.insert(row.id).second) return r.FieldError(c_id, "duplicate id '" + row.id + "'");
    std::string_view kind = r.field(c_kind);
    if (kind == "item") row.kind = EconomyKind::kItem;
    else if (kind == "total") row.kind = EconomyKind::kTotal;
    else if (kind == "financing") row.kind = EconomyKind::kFinancing;
    else if (kind == "merokonomi") row.kind = EconomyKind::kMerokonomi;
    else return r.FieldError(c_kind, "kind must be item, total, financing or merokonomi");
    std::string_view derive = r.field(c_derive);
    if (derive == "sum") row.sum_of_children = true;
    else if (!derive.empty()) return r.FieldError(c_derive, "derive must be empty or 'sum'");
    std::string_view in = r.field(c_in);
    if (in != "0" && in != "1" && !in.empty()) return r.FieldError(c_in, "in_ramme must be 0 or 1");
    row.in_ramme = in == "1";
    if (!row.parent_id.empty()) {
      if (!table.Find(row.parent_id)) return r.FieldError(c_parent, "parent '" + row.parent_id + "' is not a line above");
      if (row.kind != EconomyKind::kItem) return r.FieldError(c_parent, "only items can have a parent");
    }
    for (int f = 0; f < kEconomyFields; ++f) {
      std::string_view cell = r.field(c_val[static_cast<size_t>(f)]);
      if (Trim(cell).empty()) continue;
      auto m = ParseMioKr(cell);
      if (!m) return r.FieldError(c_val[static_cast<size_t>(f)], "'" + std::string(cell) + "' is not an amount in mio. kr. (e.g. 44,0)");
      row.values[static_cast<size_t>(f)] = m;
    }
    row.paragraph = std::string(r.field(c_par));
    row.source = std::string(r.field(c_src));
    row.note = std::string(r.field(c_note));
    if (row.paragraph.empty()) return r.FieldError(c_par, "every row needs the paragraph it comes from");
    if (row.source != "seed" && row.source != "illustrative")
      return r.FieldError(c_src, "source must be 'seed' or 'illustrative'");
    if (row.kind == EconomyKind::kItem || row.kind == EconomyKind::kFinancing) {
      if (Growth(row.values) != row.values[3])
        return r.FieldError(c_val[3], "growth must equal y2025 - y2024 (" + MioText(Growth(row.values)) + ")");
    }
    table.rows.push_back(std::move(row));
  }
  // Sum lines must equal the sum of their children as loaded.
  for (const auto& row : table.rows) {
    if (!row.sum_of_children) continue;
    bool any_child = false;
    for (int f = 0; f < kEconomyFields; ++f) {
      std::vector<std::optional<Money>> parts;
      for (const auto& c : table.rows)
        if (c.parent_id == row.id) {
          parts.push_back(c.values[static_cast<size_t>(f)]);
          any_child = true;
        }
      if (SumOpt(parts) != row.values[static_cast<size_t>(f)])
        return InvalidInput(std::string(kFile) + ":" + std::to_string(row.line) + ": " + row.name + " (" +
                            std::string(EconomyFieldName(static_cast<EconomyField>(f))) +
                            ") is not the sum of its sub-items (" + MioText(SumOpt(parts)) + ")");
    }
    if (!any_child) return InvalidInput(std::string(kFile) + ":" + std::to_string(row.line) + ": " + row.name + " has derive=sum but no sub-items");
  }
  // The computed totals must equal the seed's control sums.
  Totals t = ComputeTotals(table.rows);
  for (const auto& row : table.rows) {
    const Values* computed = row.kind == EconomyKind::kTotal        ? &t.total
                             : row.kind == EconomyKind::kMerokonomi ? &t.merokonomi
                                                                    : nullptr;
    if (!computed) continue;
    for (int f = 0; f < kEconomyFields; ++f) {
      size_t fi = static_cast<size_t>(f);
      if (row.values[fi].value_or(Money::Zero()) != (*computed)[fi].value_or(Money::Zero()))
        return InvalidInput(std::string(kFile) + ":" + std::to_string(row.line) + ": " + row.name + " (" +
                            std::string(EconomyFieldName(static_cast<EconomyField>(f))) + ") is " +
                            MioText(row.values[fi]) + " in the seed but the lines add up to " + MioText((*computed)[fi]));
    }
  }
  return table;
}

StatusOr<EconomyChange> ParseEconomySet(const EconomyTableData& table, std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos)
    return InvalidInput("--set '" + std::string(spec) + "': expected ITEM=VALUE (VALUE in mio. kr., e.g. Bostedslæger=8,0)");
  std::string_view item = Trim(spec.substr(0, eq));
  std::string_view value = Trim(spec.substr(eq + 1));
  EconomyChange change;
  for (int f = 0; f < kEconomyFields; ++f) {
    std::string suffix = "." + std::string(EconomyFieldName(static_cast<EconomyField>(f)));
    if (item.size() > suffix.size() && Lower(item.substr(item.size() - suffix.size())) == suffix) {
      change.field = static_cast<EconomyField>(f);
      item = Trim(item.substr(0, item.size() - suffix.size()));
      break;
    }
  }
  if (item.empty()) return InvalidInput("--set '" + std::string(spec) + "': the item name is empty");

  // Resolution: exact id, exact name, case-insensitive id/name, unique case-insensitive prefix.
  std::vector<const EconomyRow*> hits;
  auto collect = [&](auto pred) {
    hits.clear();
    for (const auto& r : table.rows)
      if (pred(r)) hits.push_back(&r);
  };
  const std::string lower = Lower(item);
  size_t slash = item.rfind('/');
  if (slash != std::string_view::npos) {
    // "Parent/Child": a child name under a parent name or id (case-insensitive, prefix allowed).
    const std::string parent = Lower(Trim(item.substr(0, slash)));
    const std::string child = Lower(Trim(item.substr(slash + 1)));
    collect([&](const EconomyRow& r) {
      const EconomyRow* p = table.Find(r.parent_id);
      return p && (Lower(r.name).rfind(child, 0) == 0 || Lower(r.id).rfind(child, 0) == 0) &&
             (Lower(p->name).rfind(parent, 0) == 0 || Lower(p->id).rfind(parent, 0) == 0);
    });
  } else {
    collect([&](const EconomyRow& r) { return r.id == item; });
  }
  if (hits.empty()) collect([&](const EconomyRow& r) { return r.name == item; });
  if (hits.empty()) collect([&](const EconomyRow& r) { return Lower(r.id) == lower || Lower(r.name) == lower; });
  if (hits.empty())
    collect([&](const EconomyRow& r) {
      return Lower(r.id).rfind(lower, 0) == 0 || Lower(r.name).rfind(lower, 0) == 0;
    });
  if (hits.empty()) {
    std::string names;
    for (const auto& r : table.rows)
      if (r.kind == EconomyKind::kItem || r.kind == EconomyKind::kFinancing) names += (names.empty() ? "" : "; ") + r.name;
    return InvalidInput("--set: unknown item '" + std::string(item) + "' (items: " + names + ")");
  }
  if (hits.size() > 1) {
    std::string alts;
    for (const auto* h : hits) alts += (alts.empty() ? "" : ", ") + h->id + " (" + h->name + ")";
    return InvalidInput("--set: item '" + std::string(item) + "' is ambiguous; use one of the ids: " + alts);
  }
  const EconomyRow& row = *hits.front();
  if (row.kind == EconomyKind::kTotal || row.kind == EconomyKind::kMerokonomi)
    return InvalidInput("--set: '" + row.name + "' is a total computed from the lines and cannot be set");
  change.id = row.id;
  if (!value.empty() && Lower(value) != "null") {
    change.value = ParseMioKr(value);
    if (!change.value)
      return InvalidInput("--set " + row.name + ": '" + std::string(value) +
                          "' is not an amount in mio. kr. (use e.g. 8,0 or 8.0; no thousands separators)");
  }
  return change;
}

StatusOr<nlohmann::json> EconomyReport(const Agreement& agreement, const EconomyTableData& table,
                                       const std::vector<EconomyChange>& changes) {
  std::vector<EconomyRow> rows = table.rows;
  std::set<std::pair<size_t, int>> explicit_set;
  for (const auto& ch : changes) {
    size_t k = rows.size();
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].id == ch.id) k = i;
    if (k == rows.size()) return InvalidInput("what-if: unknown item id '" + ch.id + "'");
    if (rows[k].kind != EconomyKind::kItem && rows[k].kind != EconomyKind::kFinancing)
      return InvalidInput("what-if: '" + rows[k].name + "' is a total and cannot be set");
    rows[k].values[static_cast<size_t>(ch.field)] = ch.value;
    explicit_set.insert({k, static_cast<int>(ch.field)});
  }
  std::vector<std::string> warnings = Derive(rows, explicit_set);
  Totals t = ComputeTotals(rows);
  Totals seed = ComputeTotals(table.rows);

  std::map<std::string, std::string> names;
  for (const auto& r : rows) names[r.id] = r.name;

  nlohmann::json items = nlohmann::json::array();
  nlohmann::json financing = nlohmann::json::array();
  nlohmann::json changed = nlohmann::json::array();
  nlohmann::json seed_totals = nlohmann::json::object();
  for (size_t i = 0; i < rows.size(); ++i) {
    const EconomyRow& r = rows[i];
    nlohmann::json j = ValuesJson(r.values);
    j["id"] = r.id;
    j["name"] = r.name;
    j["parent"] = r.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(names[r.parent_id]);
    j["parent_id"] = r.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.parent_id);
    j["level"] = [&] {
      int level = 0;
      for (std::string p = r.parent_id; !p.empty(); p = table.Find(p)->parent_id) ++level;
      return level;
    }();
    j["derived_sum"] = r.sum_of_children;
    j["in_ramme"] = r.in_ramme;
    j["paragraph"] = r.paragraph;
    j["source"] = r.source;
    j["note"] = r.note;
    for (int f = 0; f < kEconomyFields; ++f) {
      size_t fi = static_cast<size_t>(f);
      if (r.values[fi] == table.rows[i].values[fi]) continue;
      changed.push_back({{"id", r.id},
                         {"name", r.name},
                         {"field", EconomyFieldName(static_cast<EconomyField>(f))},
                         {"from_ore", OreOrNull(table.rows[i].values[fi])},
                         {"to_ore", OreOrNull(r.values[fi])},
                         {"explicit", explicit_set.count({i, f}) > 0}});
    }
    if (r.kind == EconomyKind::kItem) items.push_back(std::move(j));
    else if (r.kind == EconomyKind::kFinancing) financing.push_back(std::move(j));
    else seed_totals[std::string(KindName(r.kind))] = ValuesJson(r.values);
  }

  // The ramme effect (Bilag 1): 2025 ramme = 2024 ramme + the growth of the
  // lines that are added to the ramme (in_ramme). The LTO extra-activity line is
  // the maximum; the ramme statement releases it per capacity (B3).
  nlohmann::json ramme = nlohmann::json::object();
  auto ramme_growth = [](const std::vector<EconomyRow>& rs) {
    Money g = Money::Zero();
    for (const auto& r : rs)
      if (r.in_ramme) g += r.values[3].value_or(Money::Zero());
    return g;
  };
  auto base2024 = agreement.MoneyParameter("ramme_base_ore", Date::FromYmd(2024, 7, 1));
  if (base2024.ok()) {
    Money seed_2025 = *base2024 + ramme_growth(table.rows);
    Money now_2025 = *base2024 + ramme_growth(rows);
    // For the ramme statement (ComputeRamme, RammeWhatIfOf): the change of the
    // in_ramme growth outside the LTO line shifts the ramme; the LTO line, when
    // changed, is the assumed capacity addition.
    Money adjustment = Money::Zero();
    nlohmann::json lto_addition = nullptr;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].in_ramme) continue;
      const Money now = rows[i].values[3].value_or(Money::Zero());
      const Money was = table.rows[i].values[3].value_or(Money::Zero());
      if (rows[i].id == kLtoExtraActivityId) {
        bool set = now != was;
        for (int f = 0; f < kEconomyFields; ++f) set = set || explicit_set.count({i, f}) > 0;
        if (set) lto_addition = now.ore();
      } else {
        adjustment += now - was;
      }
    }
    ramme = {{"y2024_ore", base2024->ore()},
             {"statement_adjustment_ore", adjustment.ore()},
             {"lto_capacity_addition_ore", lto_addition},
             {"additions_2025_ore", ramme_growth(rows).ore()},
             {"y2025_ore", now_2025.ore()},
             {"y2025_seed_ore", seed_2025.ore()},
             {"change_ore", (now_2025 - seed_2025).ore()},
             {"note",
              "Rammen 2025 = rammen 2024 + væksten på linjerne, der lægges til rammen (Bilag 1), "
              "inkl. op til 20 mio. kr. til ekstra aktivitet i LTO, der udløses pr. kapacitet"}};
  }

  nlohmann::json out;
  out["items"] = std::move(items);
  out["financing"] = std::move(financing);
  out["total"] = ValuesJson(t.total);
  out["merokonomi"] = ValuesJson(t.merokonomi);
  out["seed_totals"] = std::move(seed_totals);
  out["matches_seed"] = t.total == seed.total && t.merokonomi == seed.merokonomi;
  out["changed"] = std::move(changed);
  out["warnings"] = warnings;
  out["unit"] = "ore";
  out["price_level"] = "apr-24";
  out["agreement"] = agreement.version();
  if (!ramme.empty()) {
    out["ramme"] = ramme;
    out["ramme_2025_ore"] = ramme["y2025_ore"];
  }
  return out;
}

}  // namespace almen
