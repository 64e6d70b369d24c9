// The monthly provider statement (honorarspecifikation), statements.csv:
// `provider, month, item, code, count, amount_ore` (spec/interfaces.md).
//
// StatementAccumulator sums amounts per (provider, month, item, code); one per
// thread, merged at the end. ToCsv sorts by provider, month, item (in the
// order below) and code, so the file is the same whatever the line order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <absl/container/flat_hash_map.h>

#include "common/date.h"
#include "common/money.h"

namespace almen {

// persisted in statements.csv by name, in this order.
enum class StatementItem : uint8_t {
  kService = 0,
  kChronicFee = 1,
  kBasishonorar = 2,
  kBostedHonorarium = 3,
  kOffset = 4,
  kCeilingClawback = 5,
  kRecovery = 6,  // a recovery after post-payment control (a ledger posting only)
};
std::string_view StatementItemName(StatementItem i);
std::optional<StatementItem> ParseStatementItem(std::string_view name);

class StatementAccumulator {
 public:
  // code < 0: no code (basishonorar, offset, …).
  void Add(int provider, Month month, StatementItem item, int code, int64_t count, Money amount);
  void Merge(const StatementAccumulator& other);
  Money Total() const;
  // The provider's total per month (all items), for collections by offset.
  std::map<Month, Money> ProviderMonthTotals(int provider) const;
  std::string ToCsv() const;
  size_t size() const { return rows_.size(); }

 private:
  struct Key {
    int provider;
    int32_t month;
    StatementItem item;
    int code;
    bool operator==(const Key&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.provider, k.month, static_cast<int>(k.item), k.code);
    }
  };
  struct Value {
    int64_t count = 0;
    Money amount;
  };
  absl::flat_hash_map<Key, Value> rows_;
};

}  // namespace almen
