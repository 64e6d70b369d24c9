#include "sanctions/sanctions.h"

#include <algorithm>
#include <charconv>

#include "common/csv.h"
#include "common/file.h"
#include "common/format_da.h"
#include "common/ydernummer.h"

namespace almen {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseI64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool IsStop(SanctionKind k) { return k == SanctionKind::kD || k == SanctionKind::kE; }
bool IsCollection(SanctionKind k) { return k == SanctionKind::kB || k == SanctionKind::kC; }

std::string Where(const std::string& label, const SanctionRow& r) {
  if (r.line > 0) return label + ":" + std::to_string(r.line);
  return label + ": " + std::string(1, SanctionKindLetter(r.kind)) + " for doctor " + r.doctor_id;
}

// Checks one row's own consistency (independent of other rows).
Status CheckRow(const std::string& label, const SanctionRow& r) {
  auto err = [&](const std::string& m) { return InvalidInput(Where(label, r) + ": " + m); };
  if (r.doctor_id.empty()) return err("doctor_id is required");
  if (r.provider == 0 && r.kind != SanctionKind::kA && r.kind != SanctionKind::kF)
    return err(std::string("a ") + SanctionKindLetter(r.kind) + " decision needs the provider (ydernummer)");
  if (IsCollection(r.kind)) {
    if (r.amount.ore() <= 0) return err("a b/c decision needs a positive amount_ore");
  } else if (r.amount.ore() != 0) {
    return err(std::string("amount_ore must be empty for kind ") + SanctionKindLetter(r.kind));
  }
  if (IsCollection(r.kind) && !r.period.to.is_max())
    return err("to_date must be empty for b/c: the amount is collected until paid");
  if (r.period.from < r.decided && r.kind != SanctionKind::kA)
    return err("from_date " + r.period.from.ToIso() + " is before the decision date " + r.decided.ToIso());
  if (!r.period.to.is_max() && !(r.period.from < r.period.to))
    return err("from_date " + r.period.from.ToIso() + " is not before to_date " + r.period.to.ToIso() +
               " (periods are half-open: to_date is the first day no longer covered)");
  if (r.kind == SanctionKind::kD && r.period.to.is_max())
    return err("a d) suspension is temporary: to_date is required (use e for an open exclusion)");
  return Status::Ok();
}

}  // namespace

char SanctionKindLetter(SanctionKind k) { return static_cast<char>('a' + static_cast<int>(k)); }

bool ParseSanctionKind(std::string_view s, SanctionKind* out) {
  if (s.size() != 1 || s[0] < 'a' || s[0] > 'f') return false;
  *out = static_cast<SanctionKind>(s[0] - 'a');
  return true;
}

std::string SanctionKindDa(SanctionKind k) {
  switch (k) {
    case SanctionKind::kA: return "advarsel eller misbilligelse (§ 114 stk. 2 a)";
    case SanctionKind::kB: return "betaling/tilbagebetaling til regionen (§ 114 stk. 2 b)";
    case SanctionKind::kC: return "bod til velgørende formål (§ 114 stk. 2 c)";
    case SanctionKind::kD: return "midlertidig suspension (§ 114 stk. 2 d)";
    case SanctionKind::kE: return "udelukkelse fra at praktisere (§ 114 stk. 2 e)";
    case SanctionKind::kF: return "udelukkelse fra ansættelse i klinikker (§ 114 stk. 2 f)";
  }
  return "";
}

StatusOr<SanctionRegister> SanctionRegister::LoadFile(const std::string& path) {
  ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return Parse(BaseName(path), text);
}

StatusOr<SanctionRegister> SanctionRegister::Parse(const std::string& label, std::string_view text) {
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(label, text));
  ALMEN_RETURN_IF_ERROR(
      r.RequireColumns({"doctor_id", "provider", "kind", "decided", "from_date", "to_date", "amount_ore"}));
  const int c_doc = r.Column("doctor_id"), c_prov = r.Column("provider"), c_kind = r.Column("kind"),
            c_dec = r.Column("decided"), c_from = r.Column("from_date"), c_to = r.Column("to_date"),
            c_amt = r.Column("amount_ore"), c_rep = r.Column("repetition"), c_case = r.Column("case_id");
  std::vector<SanctionRow> rows;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    SanctionRow row;
    row.line = r.line();
    row.doctor_id = std::string(Trim(r.field(c_doc)));
    if (row.doctor_id.empty()) return r.FieldError(c_doc, "doctor_id is required");
    std::string_view kind = Trim(r.field(c_kind));
    if (!ParseSanctionKind(kind, &row.kind))
      return r.FieldError(c_kind, "'" + std::string(kind) + "' is not a sanction kind (a, b, c, d, e or f)");
    std::string_view prov = Trim(r.field(c_prov));
    if (!prov.empty()) {
      auto p = ParseYdernummer(prov);
      if (!p) return r.FieldError(c_prov, "'" + std::string(prov) + "' is not a ydernummer (6 digits)");
      row.provider = *p;
    } else if (row.kind != SanctionKind::kA && row.kind != SanctionKind::kF) {
      return r.FieldError(c_prov, std::string("a ") + SanctionKindLetter(row.kind) +
                                      " decision needs the provider (ydernummer) whose payments it acts on");
    }
    auto date = [&](int col, const char* name, bool required, Date if_empty, Date* out) -> Status {
      std::string_view s = Trim(r.field(col));
      if (s.empty()) {
        if (required) return r.FieldError(col, std::string(name) + " is required for kind " + std::string(kind));
        *out = if_empty;
        return Status::Ok();
      }
      auto d = Date::Parse(s);
      if (!d) return r.FieldError(col, "'" + std::string(s) + "' is not a valid date (YYYY-MM-DD)");
      *out = *d;
      return Status::Ok();
    };
    ALMEN_RETURN_IF_ERROR(date(c_dec, "decided", true, Date(), &row.decided));
    const bool needs_from = row.kind != SanctionKind::kA && !IsCollection(row.kind);
    ALMEN_RETURN_IF_ERROR(date(c_from, "from_date", needs_from, row.decided, &row.period.from));
    ALMEN_RETURN_IF_ERROR(date(c_to, "to_date", row.kind == SanctionKind::kD, Date::Max(), &row.period.to));
    std::string_view amt = Trim(r.field(c_amt));
    if (!amt.empty()) {
      int64_t ore = 0;
      if (!ParseI64(amt, &ore)) return r.FieldError(c_amt, "'" + std::string(amt) + "' is not a whole number of øre");
      row.amount = Money::FromOre(ore);
    }
    if (IsCollection(row.kind) && row.amount.ore() <= 0)
      return r.FieldError(c_amt, std::string("a ") + SanctionKindLetter(row.kind) +
                                     " decision needs a positive amount_ore (the amount to collect)");
    if (!IsCollection(row.kind) && !amt.empty() && row.amount.ore() != 0)
      return r.FieldError(c_amt, std::string("amount_ore must be empty for kind ") + SanctionKindLetter(row.kind) +
                                     " (only b and c carry an amount)");
    if (!row.period.to.is_max() && !(row.period.from < row.period.to))
      return r.FieldError(c_to, "from_date " + row.period.from.ToIso() + " is not before to_date " +
                                    row.period.to.ToIso() + " (to_date is the first day no longer covered)");
    if (IsCollection(row.kind) && !row.period.to.is_max())
      return r.FieldError(c_to, "to_date must be empty for b/c: the amount is collected until paid");
    if (row.kind != SanctionKind::kA && row.period.from < row.decided)
      return r.FieldError(c_from, "from_date " + row.period.from.ToIso() + " is before the decision date " +
                                      row.decided.ToIso() + " (a sanction takes effect on or after its decision)");
    if (c_rep >= 0) {
      std::string_view rep = Trim(r.field(c_rep));
      if (rep == "1" || rep == "true" || rep == "ja") row.repetition = true;
      else if (!(rep.empty() || rep == "0" || rep == "false" || rep == "nej"))
        return r.FieldError(c_rep, "'" + std::string(rep) + "' is not 0 or 1");
    }
    if (c_case >= 0) row.case_id = std::string(Trim(r.field(c_case)));
    rows.push_back(std::move(row));
  }
  return FromRows(std::move(rows), label);
}

StatusOr<SanctionRegister> SanctionRegister::FromRows(std::vector<SanctionRow> rows, const std::string& label) {
  SanctionRegister reg;
  reg.rows_ = std::move(rows);
  for (const auto& r : reg.rows_) ALMEN_RETURN_IF_ERROR(CheckRow(label, r));
  ALMEN_RETURN_IF_ERROR(reg.Index(label));
  return reg;
}

Status SanctionRegister::Index(const std::string& label) {
  std::map<std::string, std::vector<size_t>, std::less<>> stops_by_doctor;
  for (size_t i = 0; i < rows_.size(); ++i) {
    const SanctionRow& r = rows_[i];
    if (IsStop(r.kind)) {
      for (size_t j : stops_by_doctor[r.doctor_id]) {
        const SanctionRow& o = rows_[j];
        if (o.period.Overlaps(r.period))
          return InvalidInput(Where(label, r) + " (from_date): the " + std::string(1, SanctionKindLetter(r.kind)) +
                              " period " + r.period.from.ToIso() + "–" + r.period.to.ToIso() + " of doctor " +
                              r.doctor_id + " overlaps the " + std::string(1, SanctionKindLetter(o.kind)) +
                              " period " + o.period.from.ToIso() + "–" + o.period.to.ToIso() +
                              (o.line > 0 ? " on line " + std::to_string(o.line) : std::string()) +
                              "; overlapping suspensions/exclusions are refused");
      }
      stops_by_doctor[r.doctor_id].push_back(i);
      stops_[r.provider].push_back(i);
    } else if (IsCollection(r.kind)) {
      collections_[r.provider].push_back(i);
    } else if (r.kind == SanctionKind::kF) {
      bans_[r.doctor_id].push_back(i);
    }
  }
  auto by_decided = [this](size_t a, size_t b) {
    if (rows_[a].decided != rows_[b].decided) return rows_[a].decided < rows_[b].decided;
    return a < b;
  };
  for (auto& [p, v] : stops_) std::sort(v.begin(), v.end(), by_decided);
  for (auto& [p, v] : collections_) std::sort(v.begin(), v.end(), by_decided);
  return Status::Ok();
}

const SanctionRow* SanctionRegister::PaymentStop(int provider, Date service_date) const {
  auto it = stops_.find(provider);
  if (it == stops_.end()) return nullptr;
  for (size_t i : it->second)
    if (rows_[i].period.Contains(service_date)) return &rows_[i];
  return nullptr;
}

std::vector<const SanctionRow*> SanctionRegister::CollectionsOf(int provider) const {
  std::vector<const SanctionRow*> out;
  auto it = collections_.find(provider);
  if (it != collections_.end())
    for (size_t i : it->second) out.push_back(&rows_[i]);
  return out;
}

std::vector<int> SanctionRegister::ProvidersWithCollections() const {
  std::vector<int> out;
  for (const auto& [p, v] : collections_) out.push_back(p);
  return out;
}

std::vector<SanctionCollection> SanctionRegister::Collections(int provider,
                                                              const std::map<Month, Money>& payable) const {
  std::vector<SanctionCollection> out;
  std::map<Month, Money> left;
  for (const auto& [m, amount] : payable)
    if (amount.ore() > 0) left[m] = amount;
  for (const SanctionRow* s : CollectionsOf(provider)) {
    Month start = Month::Of(std::max(s->decided, s->period.from));
    Money remaining = s->amount;
    for (auto it = left.lower_bound(start); it != left.end() && remaining.ore() > 0; ++it) {
      if (it->second.ore() <= 0) continue;
      Money take = std::min(it->second, remaining);
      it->second -= take;
      remaining -= take;
      out.push_back({s, it->first, take, remaining});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SanctionCollection& a, const SanctionCollection& b) { return a.month < b.month; });
  return out;
}

Money SanctionRegister::Outstanding(int provider, const std::vector<SanctionCollection>& collections) const {
  Money total;
  for (const SanctionRow* s : CollectionsOf(provider)) total += s->amount;
  for (const auto& c : collections)
    if (c.sanction && c.sanction->provider == provider) total -= c.amount;
  return total;
}

const SanctionRow* SanctionRegister::EmploymentBan(std::string_view doctor_id, Date date) const {
  auto it = bans_.find(doctor_id);
  if (it == bans_.end()) return nullptr;
  for (size_t i : it->second)
    if (rows_[i].period.Contains(date)) return &rows_[i];
  return nullptr;
}

const SanctionRow* SanctionRegister::EmploymentBanDuring(std::string_view doctor_id, const Period& period) const {
  auto it = bans_.find(doctor_id);
  if (it == bans_.end()) return nullptr;
  for (size_t i : it->second)
    if (rows_[i].period.Overlaps(period)) return &rows_[i];
  return nullptr;
}

bool SanctionRegister::ProviderExcluded(int provider, Date d) const {
  if (PaymentStop(provider, d)) return true;
  for (const auto& [doctor, idx] : bans_)
    for (size_t i : idx)
      if (rows_[i].provider == provider && rows_[i].period.Contains(d)) return true;
  return false;
}

std::string SanctionReason(const SanctionRow& row, const std::string& t) {
  auto value = [&](std::string_view name, std::string* out) {
    if (name == "from") *out = FormatDateDa(row.period.from);
    else if (name == "to") *out = row.period.to.is_max() ? "indtil videre" : FormatDateDa(row.period.to.AddDays(-1));
    else if (name == "until")
      *out = row.period.to.is_max() ? "" : " til og med " + FormatDateDa(row.period.to.AddDays(-1));
    else if (name == "decided") *out = FormatDateDa(row.decided);
    else if (name == "doctor") *out = row.doctor_id;
    else if (name == "case") *out = row.case_id.empty() ? "-" : row.case_id;
    else if (name == "provider") *out = YdernummerText(row.provider);
    else return false;
    return true;
  };
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{') {
      size_t close = t.find('}', i);
      std::string v;
      if (close != std::string::npos && value(std::string_view(t).substr(i + 1, close - i - 1), &v)) {
        out += v;
        i = close;
        continue;
      }
    }
    out.push_back(t[i]);
  }
  return out;
}

std::string EmploymentBlockedMessage(const SanctionRow& ban) {
  return "doctor " + ban.doctor_id + " is excluded from employment in clinics under the agreement (§ 114 stk. 2 f, " +
         "OK25 pkt. 5.7) from " + ban.period.from.ToIso() +
         (ban.period.to.is_max() ? " (permanent)" : " to " + ban.period.to.ToIso()) + ", decided " +
         ban.decided.ToIso() + (ban.case_id.empty() ? "" : " (case " + ban.case_id + ")");
}

Status SanctionEmploymentRegister::Register(const SanctionEmployment& e) {
  if (e.doctor_id.empty()) return InvalidInput("employment: doctor_id is required");
  // 0 is "no provider"; a ydernummer may start with zeros (033345 is 33345).
  if (e.provider <= 0 || e.provider > 999999) return InvalidInput("employment: provider must be a 6-digit ydernummer");
  if (!e.period.to.is_max() && !(e.period.from < e.period.to))
    return InvalidInput("employment: from " + e.period.from.ToIso() + " is not before to " + e.period.to.ToIso());
  if (sanctions_) {
    if (const SanctionRow* ban = sanctions_->EmploymentBanDuring(e.doctor_id, e.period))
      return Conflict("employment refused: " + EmploymentBlockedMessage(*ban));
  }
  for (const auto& o : rows_)
    if (o.doctor_id == e.doctor_id && o.provider == e.provider && o.period.Overlaps(e.period))
      return Conflict("employment refused: doctor " + e.doctor_id + " is already registered at clinic " +
                      YdernummerText(e.provider) + " from " + o.period.from.ToIso());
  rows_.push_back(e);
  return Status::Ok();
}

std::vector<SanctionEmployment> SanctionEmploymentRegister::EmployedAt(int provider, Date date) const {
  std::vector<SanctionEmployment> out;
  for (const auto& e : rows_)
    if (e.provider == provider && e.period.Contains(date)) out.push_back(e);
  return out;
}

}  // namespace almen
