// almen generate: a realistic synthetic national data set (spec/facts.md
// "Scale"), deterministic by seed: claims.csv, providers.csv, listings.csv,
// botilbud.csv, attachments.csv in the formats of spec/interfaces.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace almen {

// The order of claims.csv. kArrival: as a region receives the lines, day by
// day, clinics interleaved, late bills mixed in (generate/arrival.h).
// kClinic: clinic by clinic, each in service-date order, re-sent duplicates
// at the end of the clinic's block.
enum class ClaimOrder : uint8_t { kArrival, kClinic };
// --split-by: the claims also as several files in arrival order
// (claims-001.csv, …, and claims-manifest.csv), by the week, month or quarter
// they are received in, or one file per clinic.
enum class SplitBy : uint8_t { kNone, kWeek, kMonth, kQuarter, kClinic };

StatusOr<ClaimOrder> ParseClaimOrder(std::string_view s);
StatusOr<SplitBy> ParseSplitBy(std::string_view s);

struct GenerateOptions {
  std::string out_dir;
  int64_t lines = 100000;  // claim lines to write
  uint64_t seed = 1;
  int year = 2025;         // service dates fall in this year
  ClaimOrder order = ClaimOrder::kArrival;
  SplitBy split_by = SplitBy::kNone;  // REQUIRES: kNone with ClaimOrder::kClinic
};

struct GenerateSummary {
  int64_t claim_lines = 0, providers = 0, listed_patients = 0, botilbud_rows = 0, attachments = 0;
  int64_t split_files = 0;  // claims-NNN.csv written by --split-by
};

Status Generate(const GenerateOptions& options, GenerateSummary* summary);

}  // namespace almen
