// Reference files beside the claims: providers.csv (ydernumre over time) and
// listings.csv (patients listed with a provider), spec/interfaces.md.
//
// ProviderRegistry keeps every row with its half-open period; rows of one
// provider must not overlap. Listings are not kept: CountListings streams the
// file and counts, per provider and month, the patients listed on the first
// day of the month (the basishonorar rule, docs/decisions.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/date.h"
#include "common/status.h"

namespace almen {

enum class ClinicType : uint8_t { kOrdinary, kRegion, kUdbud };  // persisted: do not renumber
std::string_view ClinicTypeName(ClinicType t);

struct ProviderRow {
  int provider = 0;
  std::string name;
  std::string municipality_code;  // 4 digits, e.g. "0101"
  ClinicType clinic_type = ClinicType::kOrdinary;
  int capacities = 0;
  bool lto = false;
  Period period;
  int64_t line = 0;
};

class ProviderRegistry {
 public:
  static StatusOr<ProviderRegistry> Load(const std::string& path);
  static StatusOr<ProviderRegistry> Parse(const std::string& label, std::string_view text);
  // From stored rows (the ledger's provider versions); overlapping periods of
  // one provider are an error naming `label`.
  static StatusOr<ProviderRegistry> FromRows(std::vector<ProviderRow> rows, const std::string& label);
  bool empty() const { return rows_.empty(); }
  // The row valid on `d`, or nullptr.
  const ProviderRow* On(int provider, Date d) const;
  bool Known(int provider) const { return rows_.contains(provider); }
  const absl::flat_hash_map<int, std::vector<ProviderRow>>& rows() const { return rows_; }

 private:
  absl::flat_hash_map<int, std::vector<ProviderRow>> rows_;
};

// Key: provider * 100000 + month serial offset is awkward; use a pair.
struct ProviderMonth {
  int provider;
  int32_t month;
  bool operator==(const ProviderMonth&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const ProviderMonth& k) {
    return H::combine(std::move(h), k.provider, k.month);
  }
};

// Patients listed on the first day of each month in [from, to] per provider.
StatusOr<absl::flat_hash_map<ProviderMonth, int64_t>> CountListings(const std::string& path, Month from, Month to);

}  // namespace almen
