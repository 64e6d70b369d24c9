// The synthetic "world" behind `almen generate`: municipalities, clinics
// (providers with their validity rows), patients and their listings, the
// botilbud register and the fixed-doctor attachments. Everything here is
// built single-threaded from one seeded stream, so it is deterministic; the
// claim lines (claims_gen.h) are then generated per clinic from it, read-only.
//
// Sizes (spec/facts.md "Scale"): the listed population follows the requested
// number of claim lines (about 12 lines per patient, full national scale of
// 5,9 M patients and about 1.800 clinics from 60 M lines), with at least 20
// clinics spread over all five regions and some in LTO areas. The botilbud
// register always has its national size (the note's table, about 2.600).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "generate/random.h"

namespace almen::gen {

struct Municipality {
  std::string code;  // "0101"
  std::string name;
  int region = 0;    // 1081..1085
  int64_t population = 0;
  bool lto = false;
};

// persisted in providers.csv as ordinary|region|udbud.
enum class ClinicType : uint8_t { kOrdinary = 0, kRegion = 1, kUdbud = 2 };

// One row of providers.csv: the clinic's state over [from, to).
struct ClinicRow {
  std::string name;
  ClinicType type = ClinicType::kOrdinary;
  int capacities = 1;
  Date from;
  Date to = Date::Max();
};

struct Clinic {
  int provider = 0;       // ydernummer, printed with 6 digits
  int municipality = 0;   // index into World::municipalities
  bool cpr_with_dash = true;  // how this clinic's system prints CPR numbers
  std::vector<ClinicRow> rows;  // ordered, non-overlapping, contiguous
  // Listing periods of patients with this clinic (indices into World::listings).
  std::vector<uint32_t> listings;
  int64_t line_budget = 0;   // claim lines this clinic writes
  int duplicates = 0;        // of those, re-sent duplicates of earlier lines
  std::vector<int64_t> malformed_cpr_lines;  // local line numbers with a broken CPR
  std::vector<uint32_t> attachments;  // indices into World::attachments
};

struct Patient {
  int32_t birth = 0;     // Date days
  uint16_t serial = 0;   // the SSSS part of the CPR number
  uint8_t usage = 0;     // relative contact rate, 0..255 (age, sex, chronic)
  uint8_t chronic = 0;   // 0 none, 1 KOL (0130), 2 type 2-diabetes (0131), 3 both (0132)
  bool male() const { return serial % 2 == 1; }
};

// A listing period [from, to) of one patient with one clinic.
struct Listing {
  uint32_t patient = 0;
  uint32_t clinic = 0;
  int32_t from = 0;
  int32_t to = INT32_MAX;  // INT32_MAX = still listed
};

// persisted in botilbud.csv: do not rename.
enum class Paragraph : uint8_t { kSel108 = 0, kAbl105, kSel107, kBl43, kOpholdssted, kOther };
const char* ParagraphName(Paragraph p);
enum class Operator : uint8_t { kMunicipal = 0, kRegional, kPrivate };
const char* OperatorName(Operator o);

// One row of botilbud.csv (one section of a botilbud).
struct BotilbudSection {
  std::string id;        // botilbud_id, shared by the sections of one botilbud
  std::string name;
  int municipality = 0;
  Paragraph paragraph = Paragraph::kOther;
  int places = 0;        // the whole botilbud's places (repeated on each section)
  Operator op = Operator::kMunicipal;
  std::string section;   // "A", "B", …
  int residents = 0;     // residents of this section
};

struct Attachment {
  uint32_t section = 0;  // index into World::botilbud
  uint32_t clinic = 0;
  Date from;
  Date to = Date::Max();
};

struct World {
  int year = 2025;
  uint64_t seed = 1;
  std::vector<Municipality> municipalities;
  std::vector<std::vector<uint32_t>> clinics_by_municipality;
  std::vector<std::vector<uint32_t>> clinics_by_region;  // index region - 1081
  std::vector<Clinic> clinics;  // ordered by provider number
  uint32_t showcase_clinic = 0;  // the busiest clinic: writes one of each deliberate problem
  std::vector<Patient> patients;
  std::vector<Listing> listings;
  std::vector<BotilbudSection> botilbud;
  std::vector<Attachment> attachments;
};

// Builds the world for `lines` claim lines. REQUIRES: lines >= 0.
StatusOr<World> BuildWorld(uint64_t seed, int64_t lines, int year);

// Century rule of spec/facts.md: the birth year from YY and the 7th digit.
int CprBirthYear(int yy, int digit7);

// Appends "DDMMYY-SSSS" (or without the dash) for the patient.
void AppendCpr(std::string& out, const Patient& p, bool with_dash);

// Age in whole years on `on`.
int AgeOn(int32_t birth_days, int32_t on_days);

}  // namespace almen::gen
