// Test helper: a generated data set with planted billing anomalies for the
// post-payment control (issue 16's "done when"). Header-only; tests only.
//
// PlantedGenerate runs `almen generate` (Generate) and then, on its files:
//  - splits every clinic into three by the patient (a hash of the CPR), so a
//    region has a dozen or more clinics to rank (the generator makes ~20
//    clinics at test sizes): providers.csv gets each ydernummer three times
//    under new numbers, listings.csv and claims.csv follow their patient;
//  - numbers the three planted clinics of Region Hovedstaden (1084) first:
//      kPlantedAnnualStatus (100001) bills 0120 to ~80 % of its listed patients,
//      kPlantedHomeVisits   (100002) bills a sick visit at home to ~60 % of them,
//      kPlantedSameDay      (100003) bills 0120 to patients who had a 0120 at
//                                    another clinic of the region the same day;
//  - leaves out the botilbud register (not needed here).
// The planted lines have claim ids starting "PLA", "PLB", "PLC".
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/csv.h"
#include "common/date.h"
#include "common/file.h"
#include "generate/generate.h"
#include "storage/storage.h"

namespace almen::testing {

inline constexpr int kPlantedAnnualStatus = 100001;
inline constexpr int kPlantedHomeVisits = 100002;
inline constexpr int kPlantedSameDay = 100003;
inline constexpr const char* kPlantedRegion = "1084";

namespace planted_internal {

inline uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    if (c == '-') continue;
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return h;
}

inline std::string Six(int p) {
  char b[16];
  std::snprintf(b, sizeof b, "%06d", p);
  return b;
}

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int col(const std::string& n) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == n) return static_cast<int>(i);
    return -1;
  }
};

inline StatusOr<CsvTable> ReadCsv(const std::string& path) {
  ALMEN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(path, text));
  CsvTable t;
  t.header = r.header().names;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    std::vector<std::string> row;
    for (size_t i = 0; i < t.header.size(); ++i) row.emplace_back(r.field(static_cast<int>(i)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

inline void WriteCsv(const std::string& path, const CsvTable& t) {
  std::ofstream out(path, std::ios::binary);
  std::string line;
  for (size_t i = 0; i < t.header.size(); ++i) line += (i ? "," : "") + t.header[i];
  out << line << "\n";
  for (const auto& r : t.rows) {
    line.clear();
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) line += ',';
      AppendCsvField(line, r[i]);
    }
    out << line << "\n";
  }
}

}  // namespace planted_internal

inline Status PlantedGenerate(const GenerateOptions& options, GenerateSummary* summary) {
  namespace fs = std::filesystem;
  using namespace planted_internal;
  GenerateOptions o = options;
  o.out_dir = (fs::path(options.out_dir) / "raw").string();
  o.seed = 7;
  ALMEN_RETURN_IF_ERROR(Generate(o, summary));
  ALMEN_ASSIGN_OR_RETURN(CsvTable providers, ReadCsv(o.out_dir + "/providers.csv"));
  ALMEN_ASSIGN_OR_RETURN(CsvTable listings, ReadCsv(o.out_dir + "/listings.csv"));
  ALMEN_ASSIGN_OR_RETURN(CsvTable claims, ReadCsv(o.out_dir + "/claims.csv"));
  constexpr int kParts = 3;
  const int pp = providers.col("provider"), pm = providers.col("municipality_code"), pt = providers.col("clinic_type"),
            pn = providers.col("name");

  // The original clinics, their region and whether they were always ordinary.
  std::map<std::string, std::pair<std::string, bool>> clinic;  // provider -> (region, ordinary)
  for (const auto& r : providers.rows) {
    auto& c = clinic[r[static_cast<size_t>(pp)]];
    if (c.first.empty()) c = {Storage::RegionOfMunicipality(r[static_cast<size_t>(pm)]), true};
    if (r[static_cast<size_t>(pt)] != "ordinary") c.second = false;
  }
  std::vector<std::string> planted;  // three ordinary clinics of the region: part 0 of each
  for (const auto& [p, c] : clinic)
    if (c.first == kPlantedRegion && c.second && planted.size() < 3) planted.push_back(p);
  if (planted.size() < 3) return Internal("planted data: fewer than three ordinary clinics in region 1084");
  std::map<std::pair<std::string, int>, std::string> number;
  {
    int next = 200000, i = 0;
    for (const auto& [p, c] : clinic)
      for (int j = 0; j < kParts; ++j) number[{p, j}] = Six(next++);
    for (const auto& p : planted) number[{p, 0}] = Six(100001 + i++);
  }
  const std::string A = Six(kPlantedAnnualStatus), B = Six(kPlantedHomeVisits), C = Six(kPlantedSameDay);
  auto part = [&](const std::string& cpr) { return static_cast<int>(Fnv(cpr) % kParts); };

  CsvTable prov_out{providers.header, {}};
  for (const auto& r : providers.rows)
    for (int j = 0; j < kParts; ++j) {
      auto row = r;
      row[static_cast<size_t>(pp)] = number[{r[static_cast<size_t>(pp)], j}];
      row[static_cast<size_t>(pn)] += " " + std::string(1, static_cast<char>('A' + j));
      prov_out.rows.push_back(std::move(row));
    }
  const int lp = listings.col("provider"), lc = listings.col("cpr"), lf = listings.col("listed_from"),
            lt = listings.col("listed_to");
  std::map<std::string, std::vector<std::string>> listed_all_year;  // new provider -> CPRs listed all 2025
  for (auto& r : listings.rows) {
    r[static_cast<size_t>(lp)] = number[{r[static_cast<size_t>(lp)], part(r[static_cast<size_t>(lc)])}];
    if (r[static_cast<size_t>(lf)] <= "2025-01-01" && (r[static_cast<size_t>(lt)].empty() || r[static_cast<size_t>(lt)] > "2025-12-31"))
      listed_all_year[r[static_cast<size_t>(lp)]].push_back(r[static_cast<size_t>(lc)]);
  }
  const int cp = claims.col("provider"), cc = claims.col("cpr"), cd = claims.col("service_date"),
            ck = claims.col("code"), cs = claims.col("setting");
  std::vector<std::pair<std::string, std::string>> elsewhere;  // (cpr, date) of 0120 at the region's other clinics
  std::set<std::string> region_numbers;
  for (const auto& [k, v] : number)
    if (clinic[k.first].first == kPlantedRegion) region_numbers.insert(v);
  for (auto& r : claims.rows) {
    r[static_cast<size_t>(cp)] = number[{r[static_cast<size_t>(cp)], part(r[static_cast<size_t>(cc)])}];
    const std::string& p = r[static_cast<size_t>(cp)];
    if (r[static_cast<size_t>(ck)] == "0120" && r[static_cast<size_t>(cs)] == "clinic" && p != A && p != B && p != C &&
        region_numbers.count(p) && r[static_cast<size_t>(cd)].starts_with("2025-") && elsewhere.size() < 40)
      elsewhere.emplace_back(r[static_cast<size_t>(cc)], r[static_cast<size_t>(cd)]);
  }
  auto line = [&](const std::string& id, const std::string& provider, const std::string& cpr, const std::string& date,
                  const std::string& code, const std::string& setting, const std::string& indication) {
    std::vector<std::string> row(claims.header.size());
    auto set = [&](const char* col, const std::string& v) {
      if (int i = claims.col(col); i >= 0) row[static_cast<size_t>(i)] = v;
    };
    set("claim_id", id);
    set("provider", provider);
    set("cpr", cpr);
    set("service_date", date);
    set("code", code);
    set("quantity", "1");
    set("contact_id", id);
    set("performer", "doctor");
    set("setting", setting);
    set("indication", indication);
    claims.rows.push_back(std::move(row));
  };
  auto day = [](uint64_t h) {
    const Date d = Date::FromYmd(2025, 2, 1).AddDays(static_cast<int32_t>(h % 300));
    return d.ToIso();
  };
  int n = 0;
  for (const auto& cpr : listed_all_year[A])
    if (Fnv(cpr + "a") % 10 < 8) line("PLA" + std::to_string(++n), A, cpr, day(Fnv(cpr + "d")), "0120", "clinic", "hypertension");
  n = 0;
  for (const auto& cpr : listed_all_year[B])
    if (Fnv(cpr + "b") % 10 < 6) line("PLB" + std::to_string(++n), B, cpr, day(Fnv(cpr + "e")), "0411", "home", "");
  n = 0;
  for (const auto& [cpr, date] : elsewhere) line("PLC" + std::to_string(++n), C, cpr, date, "0120", "clinic", "hypertension");

  WriteCsv((fs::path(options.out_dir) / "providers.csv").string(), prov_out);
  WriteCsv((fs::path(options.out_dir) / "listings.csv").string(), listings);
  WriteCsv((fs::path(options.out_dir) / "claims.csv").string(), claims);
  fs::remove_all(o.out_dir);
  summary->claim_lines = static_cast<int64_t>(claims.rows.size());
  summary->providers = static_cast<int64_t>(number.size());
  return Status::Ok();
}

}  // namespace almen::testing
