// The agreement as versioned data (agreement.md §A).
//
// An Agreement is one data set (e.g. agreement/ok25/) loaded from CSV and JSON
// files: fee tables, the regulation index, chronic rates, parameters and rule
// instances, each row with a half-open validity period [valid_from, valid_to),
// the paragraph it comes from and its source (`seed`: stated in the agreement
// text; `illustrative`: a stand-in until the official table is loaded).
// Overlapping rows for the same key are refused at load.
//
// The version is identified by the data set id and the SHA-256 of its files
// (sorted by name, each as name NUL content NUL), so a settlement can record
// exactly which data priced it and be replayed.
//
// Rule KINDS are C++ (settlement/rules.h); the rows here are their instances.
// Files other modules own (economy.csv, targets.csv, …) are kept as text and
// parsed by those modules (see file()).
//
// Immutable after load; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/decimal.h"
#include "common/money.h"
#include "common/status.h"

namespace almen {

// persisted in fees.csv by name.
enum class FeeCategory : uint8_t {
  kConsultation,
  kAnnualStatus,
  kOutreachVisit,
  kHealthCheckBotilbud,
  kChronic,
  kSickVisit,
  kAddon,
  kCervicalCytology,
  kTalkTherapy,
  kRegional,
  kLab,
  kPregnancyExam,
  kChildExam,
  kVaccination,
  kMileage,
};
std::optional<FeeCategory> ParseFeeCategory(std::string_view s);
std::string_view FeeCategoryName(FeeCategory c);

// Where a row comes from: `seed` (stated in the agreement text),
// `illustrative` (a stand-in until the official table is loaded) or
// `ramme_statement:YYYY` (computed from the ramme statement of year YYYY: the
// offset plan's reductions, offset_overlay.csv).
enum class Source : uint8_t { kSeed, kIllustrative, kRammeStatement };
std::string_view SourceName(Source s);

struct Provenance {
  std::string paragraph;
  Source source = Source::kSeed;
  std::string source_ref;  // kRammeStatement: the statement's year, "2025"
  std::string file;  // "fees.csv"
  int64_t line = 0;
};

struct FeeRow {
  int code = 0;       // 0..9999
  int range_from = 0;  // the row as written: a single code or a range
  int range_to = 0;
  std::string name;
  FeeCategory category = FeeCategory::kConsultation;
  Money amount;         // at the apr-24 level when indexed
  bool indexed = true;  // regulated by the § 64 index (mileage is not)
  Period period;
  Provenance provenance;
};

struct IndexRow {
  Period period;
  Ppm factor;
  Provenance provenance;
  std::string note;
};

struct ChronicRow {
  int code = 0;
  bool lto = false;
  Money monthly;       // apr-24 monthly fee before the 5.4 raise
  Money annual_raise;  // OK25 pkt. 5.4 raise per year
  Period period;
  Provenance provenance;
};

struct Parameter {
  std::string name;
  std::string value;
  std::string unit;  // ore | ppm | count | bool | text | date
  Period period;
  Provenance provenance;
  std::string description;
};

// The full source label of a row: "seed", "illustrative", "ramme_statement:2025".
std::string SourceLabel(const Provenance& p);

// A provision of the agreement and how (or whether) almen checks it
// (provisions.csv). `status`: `not_checkable` (claims cannot show it: listed
// so nobody thinks it is enforced), `rule` (checked by the rule in
// `checked_by`), `fee_table` (checked through the fee table: `checked_by`
// names the codes, e.g. a fee row that ends), `data` (an economy or register
// computation named in `checked_by`).
struct ProvisionRow {
  std::string id;
  std::string status;
  std::string checked_by;
  Period period;
  Provenance provenance;
  std::string text_da;
};

// One row of offset_overlay.csv: a dated replacement of an index row
// (table "index", value = factor) or a parameter (table "parameter", name,
// value) for [valid_from, valid_to), written by `almen offset` from the ramme
// statement's plan (source ramme_statement:YYYY). The loader cuts the base
// rows around it, so IndexOn / ParameterOn return it in its period.
struct OverlayRow {
  std::string table;  // index | parameter
  std::string name;   // parameter name; empty for index
  std::string value;
  Period period;
  Provenance provenance;
  std::string note;
};

struct RuleRow {
  std::string id;    // stable, e.g. "0120.not_with_0101"
  std::string kind;  // a C++ rule kind, e.g. "not_with_in_contact"
  std::map<std::string, std::string> params;
  Period period;
  Provenance provenance;
  std::string reason_da;  // Danish sentence with {placeholders}
};

class Agreement {
 public:
  // Loads from a directory on disk.
  static StatusOr<Agreement> LoadDirectory(const std::string& dir);
  // Loads the data set compiled into the binary (agreement/ok25).
  static StatusOr<Agreement> LoadBuiltin();
  // Loads from a set of {file name, content}.
  static StatusOr<Agreement> LoadFiles(std::map<std::string, std::string> files, const std::string& label);

  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::string& content_hash() const { return hash_; }
  // "ok25@<first 12 hex digits of the hash>"
  std::string version() const { return id_ + "@" + hash_.substr(0, 12); }

  // Fee rows of a code (all periods), empty if the code is unknown.
  const std::vector<FeeRow>& FeeRows(int code) const;
  bool KnownCode(int code) const { return code >= 0 && code < 10000 && !fees_[static_cast<size_t>(code)].empty(); }
  const FeeRow* FeeOn(int code, Date d) const;
  // The § 64 index factor on a date; nullopt if no row covers it.
  const IndexRow* IndexOn(Date d) const;
  const ChronicRow* ChronicOn(int code, bool lto, Date d) const;
  const Parameter* ParameterOn(std::string_view name, Date d) const;
  // Typed parameter access; an error names the parameter and date.
  StatusOr<int64_t> IntParameter(std::string_view name, Date d) const;
  StatusOr<Money> MoneyParameter(std::string_view name, Date d) const;
  StatusOr<Ppm> PpmParameter(std::string_view name, Date d) const;
  StatusOr<bool> BoolParameter(std::string_view name, Date d) const;

  const std::vector<IndexRow>& index_rows() const { return index_; }
  const std::vector<ChronicRow>& chronic_rows() const { return chronic_; }
  const std::vector<Parameter>& parameters() const { return params_; }
  const std::vector<RuleRow>& rules() const { return rules_; }
  const std::vector<ProvisionRow>& provisions() const { return provisions_; }
  const std::vector<OverlayRow>& overlay() const { return overlay_; }
  std::vector<const FeeRow*> all_fee_rows() const;
  // Raw text of a file in the data set, or nullptr.
  const std::string* file(const std::string& name) const;
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  std::string id_, name_, hash_;
  std::map<std::string, std::string> files_;
  std::vector<std::vector<FeeRow>> fees_ = std::vector<std::vector<FeeRow>>(10000);
  std::vector<IndexRow> index_;
  std::vector<ChronicRow> chronic_;
  std::vector<Parameter> params_;
  std::vector<RuleRow> rules_;
  std::vector<ProvisionRow> provisions_;
  std::vector<OverlayRow> overlay_;

  // agreement_overlay.cc
  Status LoadProvisions(const std::map<std::string, std::string>& files);
  Status ApplyOffsetOverlay(const std::map<std::string, std::string>& files);
};

// Helpers shared by the loaders of other agreement files (economy.csv, …).
// Parses an optional date field: empty = open (Date::Max() for valid_to).
std::optional<Date> ParseOptionalDate(std::string_view s, Date if_empty);
std::optional<int64_t> ParseInt64(std::string_view s);

}  // namespace almen
