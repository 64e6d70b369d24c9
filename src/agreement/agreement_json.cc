#include "agreement/agreement_json.h"

#include <cstdio>

namespace almen {

namespace {
nlohmann::json Validity(const Period& p, const Provenance& prov) {
  return {{"valid_from", p.from.ToIso()},
          {"valid_to", p.to.is_max() ? nlohmann::json(nullptr) : nlohmann::json(p.to.ToIso())},
          {"paragraph", prov.paragraph},
          {"source", SourceLabel(prov)},
          {"file", prov.file},
          {"line", prov.line}};
}
std::string Code(int c) {
  char b[8];
  std::snprintf(b, sizeof b, "%04d", c);
  return b;
}
}  // namespace

nlohmann::json AgreementToJson(const Agreement& a) {
  nlohmann::json j;
  j["id"] = a.id();
  j["name"] = a.name();
  j["version"] = a.version();
  j["content_hash"] = a.content_hash();
  j["fees"] = nlohmann::json::array();
  for (const FeeRow* f : a.all_fee_rows()) {
    auto row = Validity(f->period, f->provenance);
    row["code"] = f->range_from == f->range_to ? Code(f->code) : Code(f->range_from) + "-" + Code(f->range_to);
    row["name"] = f->name;
    row["category"] = std::string(FeeCategoryName(f->category));
    row["amount_ore"] = f->amount.ore();
    row["indexed"] = f->indexed;
    j["fees"].push_back(std::move(row));
  }
  j["index"] = nlohmann::json::array();
  for (const auto& r : a.index_rows()) {
    auto row = Validity(r.period, r.provenance);
    row["factor_ppm"] = r.factor.value;
    row["factor"] = FormatPpm(r.factor);
    row["note"] = r.note;
    j["index"].push_back(std::move(row));
  }
  j["chronic"] = nlohmann::json::array();
  for (const auto& r : a.chronic_rows()) {
    auto row = Validity(r.period, r.provenance);
    row["code"] = Code(r.code);
    row["lto"] = r.lto;
    row["monthly_ore"] = r.monthly.ore();
    row["annual_raise_ore"] = r.annual_raise.ore();
    j["chronic"].push_back(std::move(row));
  }
  j["parameters"] = nlohmann::json::array();
  for (const auto& p : a.parameters()) {
    auto row = Validity(p.period, p.provenance);
    row["name"] = p.name;
    row["value"] = p.value;
    row["unit"] = p.unit;
    row["description"] = p.description;
    j["parameters"].push_back(std::move(row));
  }
  j["rules"] = nlohmann::json::array();
  for (const auto& r : a.rules()) {
    auto row = Validity(r.period, r.provenance);
    row["rule_id"] = r.id;
    row["kind"] = r.kind;
    row["params"] = r.params;
    row["reason_da"] = r.reason_da;
    j["rules"].push_back(std::move(row));
  }
  j["provisions"] = nlohmann::json::array();
  for (const auto& p : a.provisions()) {
    auto row = Validity(p.period, p.provenance);
    row["id"] = p.id;
    row["status"] = p.status;
    row["checked_by"] = p.checked_by;
    row["text_da"] = p.text_da;
    j["provisions"].push_back(std::move(row));
  }
  j["offset_overlay"] = nlohmann::json::array();
  for (const auto& o : a.overlay()) {
    auto row = Validity(o.period, o.provenance);
    row["table"] = o.table;
    row["name"] = o.name;
    row["value"] = o.value;
    row["note"] = o.note;
    j["offset_overlay"].push_back(std::move(row));
  }
  return j;
}

}  // namespace almen
