// almen generate: a realistic synthetic national data set (spec/facts.md
// "Scale"), deterministic by seed: claims.csv, providers.csv, listings.csv,
// botilbud.csv, attachments.csv in the formats of spec/interfaces.md.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace almen {

struct GenerateOptions {
  std::string out_dir;
  int64_t lines = 100000;  // claim lines to write
  uint64_t seed = 1;
  int year = 2025;         // service dates fall in this year
};

struct GenerateSummary {
  int64_t claim_lines = 0, providers = 0, listed_patients = 0, botilbud_rows = 0, attachments = 0;
};

Status Generate(const GenerateOptions& options, GenerateSummary* summary);

}  // namespace almen
