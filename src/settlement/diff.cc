#include "settlement/diff.h"

#include "agreement/agreement.h"
#include "common/csv.h"
#include "common/file.h"

namespace almen {

uint32_t LineDiff::Intern(std::string_view s) {
  if (names_.empty()) {
    names_.emplace_back();
    ids_.emplace("", 0);
  }
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(s);
  ids_.emplace(std::string(s), id);
  return id;
}

void LineDiff::AddBefore(int64_t seq, std::string_view status, int64_t amount_ore, std::string_view rule) {
  if (seq < 1) return;
  const auto i = static_cast<size_t>(seq - 1);
  if (before_.size() <= i) before_.resize(i + 1);
  Before& b = before_[i];
  if (b.status == 0) ++lines_before_;
  // Statuses are among the first names interned; 0xff marks an id that does
  // not fit (reported as "?"), never seen with the three statuses of lines.csv.
  const uint32_t sid = Intern(status);
  b.status = sid == 0 || sid >= 0xff ? uint8_t{0xff} : static_cast<uint8_t>(sid);
  b.amount = amount_ore;
  b.rule = Intern(rule);
  amount_before_ += amount_ore;
}

Status LineDiff::LoadBeforeCsv(const std::string& path) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(path, f.data()));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"status", "amount_ore", "rule"}));
  const int cs = r.Column("status"), ca = r.Column("amount_ore"), cr = r.Column("rule");
  int64_t seq = 0;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    auto amount = ParseInt64(r.field(ca));
    if (!amount) return r.FieldError(ca, "not an integer");
    AddBefore(++seq, r.field(cs), *amount, r.field(cr));
  }
  return Status::Ok();
}

Status LineDiff::CompareAfterCsv(const std::string& path, const std::function<Status(const LineChange&)>& on_change) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(path, f.data()));
  ALMEN_RETURN_IF_ERROR(
      r.RequireColumns({"claim_id", "provider", "service_date", "code", "status", "amount_ore", "rule", "reason"}));
  const int cc = r.Column("claim_id"), cp = r.Column("provider"), cd = r.Column("service_date"),
            ck = r.Column("code"), cs = r.Column("status"), ca = r.Column("amount_ore"), cr = r.Column("rule"),
            cn = r.Column("reason"), cg = r.Column("paragraph");
  const uint32_t dup_rule = Intern(kDuplicateRuleId);
  std::vector<bool> seen(before_.size(), false);
  int64_t seq = 0;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ++seq;
    ++lines_after_;
    auto amount = ParseInt64(r.field(ca));
    if (!amount) return r.FieldError(ca, "not an integer");
    LineChange c;
    c.seq = seq;
    c.claim_id = r.field(cc);
    c.provider = r.field(cp);
    c.service_date = r.field(cd);
    c.code = r.field(ck);
    c.after_status = r.field(cs);
    c.after_amount_ore = *amount;
    c.after_rule = r.field(cr);
    c.after_reason = r.field(cn);
    c.after_paragraph = cg >= 0 ? r.field(cg) : std::string_view();
    const size_t i = static_cast<size_t>(seq - 1);
    if (i >= before_.size() || before_[i].status == 0) {
      ++only_after_;
      amount_after_ += c.after_amount_ore;
      continue;
    }
    seen[i] = true;
    const Before& b = before_[i];
    ++compared_;
    if (reapply_duplicates_ && b.rule == dup_rule && (c.after_status == "accepted" || c.after_status == "review")) {
      StatementCell& adj =
          adjust_[{std::string(c.provider), std::string(c.service_date.substr(0, 7)), "service", std::string(c.code)}];
      adj.count += 1;
      adj.amount_ore += c.after_amount_ore;
      c.after_status = "rejected";
      c.after_amount_ore = 0;
      c.after_rule = kDuplicateRuleId;
      c.after_reason = "Samme regningslinje (claim_id) er allerede afregnet i en tidligere indlæsning.";
    }
    amount_after_ += c.after_amount_ore;
    c.before_status = b.status == 0xff ? std::string_view("?") : std::string_view(names_[b.status]);
    c.before_rule = names_[b.rule];
    c.before_amount_ore = b.amount;
    const bool status_diff = c.before_status != c.after_status;
    const bool amount_diff = c.before_amount_ore != c.after_amount_ore;
    const bool rule_diff = c.before_rule != c.after_rule;
    if (!status_diff && !amount_diff && !rule_diff) continue;
    ++changed_;
    if (status_diff) ++status_changed_;
    if (amount_diff) ++amount_changed_;
    if (rule_diff) ++rule_changed_;
    Transition& t = by_rule_[{std::string(c.before_rule), std::string(c.after_rule)}];
    ++t.lines;
    t.amount_before += c.before_amount_ore;
    t.amount_after += c.after_amount_ore;
    ++by_status_[{std::string(c.before_status), std::string(c.after_status)}];
    ALMEN_RETURN_IF_ERROR(on_change(c));
  }
  for (size_t i = 0; i < before_.size(); ++i)
    if (before_[i].status != 0 && !seen[i]) ++only_before_;
  return Status::Ok();
}

nlohmann::json LineDiff::SummaryJson() const {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& [k, t] : by_rule_)
    rules.push_back({{"before_rule", k.first},
                     {"after_rule", k.second},
                     {"lines", t.lines},
                     {"amount_before_ore", t.amount_before},
                     {"amount_after_ore", t.amount_after},
                     {"delta_ore", t.amount_after - t.amount_before}});
  nlohmann::json statuses = nlohmann::json::array();
  for (const auto& [k, n] : by_status_)
    statuses.push_back({{"before_status", k.first}, {"after_status", k.second}, {"lines", n}});
  return {{"lines_before", lines_before_},
          {"lines_after", lines_after_},
          {"lines_compared", compared_},
          {"lines_only_before", only_before_},
          {"lines_only_after", only_after_},
          {"changed", changed_},
          {"status_changed", status_changed_},
          {"amount_changed", amount_changed_},
          {"rule_changed", rule_changed_},
          {"amount_before_ore", amount_before_},
          {"amount_after_ore", amount_after_},
          {"delta_ore", amount_after_ - amount_before_},
          {"by_rule", std::move(rules)},
          {"by_status", std::move(statuses)}};
}

void AppendLineChangeCsv(std::string& out, const LineChange& c) {
  out += std::to_string(c.seq);
  for (std::string_view v : {c.claim_id, c.provider, c.service_date, c.code, c.before_status}) {
    out += ',';
    AppendCsvField(out, v);
  }
  out += ',' + std::to_string(c.before_amount_ore) + ',';
  AppendCsvField(out, c.before_rule);
  out += ',';
  AppendCsvField(out, c.after_status);
  out += ',' + std::to_string(c.after_amount_ore);
  for (std::string_view v : {c.after_rule, c.after_reason, c.after_paragraph}) {
    out += ',';
    AppendCsvField(out, v);
  }
  out += '\n';
}

StatusOr<std::map<StatementKey, StatementCell>> ReadStatementsCsv(const std::string& path) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(path, f.data()));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"provider", "month", "item", "code", "count", "amount_ore"}));
  const int cp = r.Column("provider"), cm = r.Column("month"), ci = r.Column("item"), cc = r.Column("code"),
            cn = r.Column("count"), ca = r.Column("amount_ore");
  std::map<StatementKey, StatementCell> out;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    auto count = ParseInt64(r.field(cn));
    auto amount = ParseInt64(r.field(ca));
    if (!count) return r.FieldError(cn, "not an integer");
    if (!amount) return r.FieldError(ca, "not an integer");
    StatementCell& cell = out[{std::string(r.field(cp)), std::string(r.field(cm)), std::string(r.field(ci)),
                               std::string(r.field(cc))}];
    cell.count += *count;
    cell.amount_ore += *amount;
  }
  return out;
}

std::vector<StatementChange> DiffStatements(const std::map<StatementKey, StatementCell>& before,
                                            std::map<StatementKey, StatementCell> after,
                                            const std::map<StatementKey, StatementCell>& after_adjust) {
  for (const auto& [k, adj] : after_adjust) {
    StatementCell& cell = after[k];
    cell.count -= adj.count;
    cell.amount_ore -= adj.amount_ore;
  }
  std::vector<StatementChange> out;
  auto b = before.begin();
  auto a = after.begin();
  auto zero = [](const StatementCell& c) { return c.count == 0 && c.amount_ore == 0; };
  while (b != before.end() || a != after.end()) {
    StatementChange ch;
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      ch.key = b->first;
      ch.before = b->second;
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      ch.key = a->first;
      ch.after = a->second;
      ++a;
    } else {
      ch.key = b->first;
      ch.before = b->second;
      ch.after = a->second;
      ++a;
      ++b;
    }
    if (ch.before.count == ch.after.count && ch.before.amount_ore == ch.after.amount_ore) continue;
    if (zero(ch.before) && zero(ch.after)) continue;
    out.push_back(std::move(ch));
  }
  return out;
}

}  // namespace almen
