// The botilbud register and the fixed doctors attached to it (bostedslæger,
// agreement.md §D; files botilbud.csv and attachments.csv, spec/interfaces.md).
//
// A botilbud appears once per section (afsnit) in botilbud.csv; `places` is the
// whole botilbud's, `residents` the section's. Optional columns `valid_from`
// and `valid_to` give a row's half-open validity: a file without them (the
// contract file) is the register's state, open in both directions. A section
// may have several rows over time (history); they must not overlap.
//
// attachments.csv: one fixed doctor (provider, ydernummer) per section over a
// half-open period [from_date, to_date); empty to_date = open. An empty
// `section` is allowed for a botilbud with exactly one section. Optional
// `listed_residents`: residents who chose to list with the fixed doctor.
//
// Load validates everything and returns a register or the first error, always
// "file:line:col (column): message"; nothing is kept on error.
//
// Rules (issue 6): known municipality code (the 98, data/municipalities.csv)
// and paragraph; places, residents ≥ 0; the sections of one botilbud agree on
// name of municipality, paragraph, operator and places while they overlap; an
// attachment names an existing section and lies within its rows; no two
// attachments of one section overlap; with a provider registry, the provider
// has a row valid on from_date (region and udbud clinics are allowed); a
// provider excluded on from_date (LSU sanction, via the `excluded` hook) cannot
// be attached; when a botilbud is split into several sections, a section with
// fewer than 30 residents (parameter bosted_min_section_residents) cannot have
// its own doctor. A botilbud of one section may have a doctor whatever its
// size: the 30-residents rule is about splitting (docs/decisions.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claims/registry.h"
#include "common/date.h"
#include "common/status.h"

namespace almen {

// persisted in botilbud.csv by name: do not rename.
enum class BostedParagraph : uint8_t { kSel108 = 0, kAbl105, kSel107, kBl43, kOpholdssted, kOther };
constexpr int kBostedParagraphCount = 6;
std::string_view BostedParagraphName(BostedParagraph p);     // "SEL108"
std::string_view BostedParagraphLabelDa(BostedParagraph p);  // "SEL § 108"
std::optional<BostedParagraph> ParseBostedParagraph(std::string_view s);
// SEL § 108 and ABL § 105 (with SEL § 85): the scheme's first target group.
inline bool IsBostedTargetGroup(BostedParagraph p) {
  return p == BostedParagraph::kSel108 || p == BostedParagraph::kAbl105;
}

enum class BostedOperator : uint8_t { kMunicipal = 0, kRegional, kPrivate };
std::string_view BostedOperatorName(BostedOperator o);     // "municipal"
std::string_view BostedOperatorLabelDa(BostedOperator o);  // "kommunal"
std::optional<BostedOperator> ParseBostedOperator(std::string_view s);

// One of the 98 municipalities (data/municipalities.csv, embedded).
struct BostedMunicipality {
  std::string code;  // "0101"
  std::string name;
  std::string region_code;  // "1084"
  std::string region_name;
};
const std::vector<BostedMunicipality>& BostedMunicipalities();
const BostedMunicipality* FindBostedMunicipality(std::string_view code);
// The five regions, in code order: {code, name}.
std::vector<std::pair<std::string, std::string>> BostedRegions();

// One row of botilbud.csv.
struct BostedSectionRow {
  std::string botilbud_id;
  std::string section;  // "" when the file has no section column / value
  std::string name;
  std::string municipality_code;
  BostedParagraph paragraph = BostedParagraph::kOther;
  int64_t places = 0;     // the whole botilbud's
  BostedOperator op = BostedOperator::kMunicipal;
  int64_t residents = 0;  // this section's
  Period period;          // open when the file has no validity columns
  int64_t line = 0;
};

// One row of attachments.csv.
struct BostedAttachmentRow {
  std::string botilbud_id;
  std::string section;  // resolved: the section's name even if the file left it empty
  int provider = 0;
  Period period;        // [from_date, to_date)
  int64_t listed_residents = -1;  // -1 = not given
  int64_t line = 0;
};

// "Is this provider excluded (LSU sanction d/e/f) on this date?" Supplied by
// the sanctions module; empty = no sanctions known.
using BostedExclusionFn = std::function<bool(int provider, Date d)>;

struct BostedLoadOptions {
  const ProviderRegistry* providers = nullptr;  // optional: check attachment providers
  BostedExclusionFn excluded;                    // optional
  int64_t min_section_residents = 30;            // parameter bosted_min_section_residents
};

class BostedRegister {
 public:
  // Parses both files (texts with the labels used in error messages).
  static StatusOr<BostedRegister> Parse(const std::string& botilbud_label, std::string_view botilbud_text,
                                        const std::string& attachments_label, std::string_view attachments_text,
                                        const BostedLoadOptions& options = {});
  // Reads both files from disk (the attachments path may be empty: none).
  static StatusOr<BostedRegister> Load(const std::string& botilbud_path, const std::string& attachments_path,
                                       const BostedLoadOptions& options = {});

  const std::vector<BostedSectionRow>& sections() const { return sections_; }
  const std::vector<BostedAttachmentRow>& attachments() const { return attachments_; }

  // The row of a section valid on `d`, or nullptr.
  const BostedSectionRow* SectionOn(std::string_view botilbud_id, std::string_view section, Date d) const;
  // Rows valid on `d`, in file order.
  std::vector<const BostedSectionRow*> SectionsOn(Date d) const;
  // Attachments valid on `d`.
  std::vector<const BostedAttachmentRow*> AttachmentsOn(Date d) const;
  // Whether the provider is excluded on `d` (the hook given at load, if any).
  bool Excluded(int provider, Date d) const { return excluded_ && excluded_(provider, d); }

 private:
  std::vector<BostedSectionRow> sections_;
  std::vector<BostedAttachmentRow> attachments_;
  BostedExclusionFn excluded_;
};

}  // namespace almen
