#include "settlement/statement.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace almen {

std::string_view StatementItemName(StatementItem i) {
  switch (i) {
    case StatementItem::kService: return "service";
    case StatementItem::kChronicFee: return "chronic_fee";
    case StatementItem::kBasishonorar: return "basishonorar";
    case StatementItem::kBostedHonorarium: return "bosted_honorarium";
    case StatementItem::kOffset: return "offset";
    case StatementItem::kCeilingClawback: return "ceiling_clawback";
    case StatementItem::kRecovery: return "recovery";
  }
  return "?";
}

std::optional<StatementItem> ParseStatementItem(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(StatementItem::kRecovery); ++i)
    if (StatementItemName(static_cast<StatementItem>(i)) == name) return static_cast<StatementItem>(i);
  return std::nullopt;
}

void StatementAccumulator::Add(int provider, Month month, StatementItem item, int code, int64_t count, Money amount) {
  Value& v = rows_[Key{provider, month.serial, item, code}];
  v.count += count;
  v.amount += amount;
}

void StatementAccumulator::Merge(const StatementAccumulator& other) {
  for (const auto& [k, v] : other.rows_) {
    Value& mine = rows_[k];
    mine.count += v.count;
    mine.amount += v.amount;
  }
}

Money StatementAccumulator::Total() const {
  Money t;
  for (const auto& [k, v] : rows_) t += v.amount;
  return t;
}

std::map<Month, Money> StatementAccumulator::ProviderMonthTotals(int provider) const {
  std::map<Month, Money> out;
  for (const auto& [k, v] : rows_)
    if (k.provider == provider) out[Month{k.month}] += v.amount;
  return out;
}

std::string StatementAccumulator::ToCsv() const {
  std::vector<std::pair<Key, Value>> rows(rows_.begin(), rows_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.first.provider != b.first.provider) return a.first.provider < b.first.provider;
    if (a.first.month != b.first.month) return a.first.month < b.first.month;
    if (a.first.item != b.first.item) return a.first.item < b.first.item;
    return a.first.code < b.first.code;
  });
  std::string out = "provider,month,item,code,count,amount_ore\n";
  char buf[160];
  for (const auto& [k, v] : rows) {
    char code[16] = "";
    if (k.code >= 0) std::snprintf(code, sizeof code, "%04d", k.code);
    std::snprintf(buf, sizeof buf, "%06d,%s,%s,%s,%lld,%lld\n", k.provider, Month{k.month}.ToString().c_str(),
                  std::string(StatementItemName(k.item)).c_str(), code, static_cast<long long>(v.count),
                  static_cast<long long>(v.amount.ore()));
    out += buf;
  }
  return out;
}

}  // namespace almen
