#include "agreement/agreement.h"

#include <gtest/gtest.h>

namespace almen {
namespace {

TEST(Agreement, BuiltinLoadsAndHasAStableHash) {
  auto a = Agreement::LoadBuiltin();
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->id(), "ok25");
  EXPECT_EQ(a->content_hash().size(), 64u);
  auto b = Agreement::LoadBuiltin();
  EXPECT_EQ(a->content_hash(), b->content_hash());
}

TEST(Agreement, FeesChangeOnFirstJanuary2025) {
  auto a = *Agreement::LoadBuiltin();
  const FeeRow* f24 = a.FeeOn(101, *Date::Parse("2024-12-31"));
  const FeeRow* f25 = a.FeeOn(101, *Date::Parse("2025-01-01"));
  ASSERT_TRUE(f24 && f25);
  EXPECT_EQ((f25->amount - f24->amount).ore(), 465);  // OK25 pkt. 5.4: +4,65 kr.
  EXPECT_TRUE(a.FeeOn(2151, *Date::Parse("2024-12-31")));
  EXPECT_FALSE(a.FeeOn(2151, *Date::Parse("2025-01-01")));
  EXPECT_TRUE(a.KnownCode(8412));   // vaccination range 8300-8999
  EXPECT_FALSE(a.KnownCode(9999));
}

TEST(Agreement, ChronicRatesFromTheSeed) {
  auto a = *Agreement::LoadBuiltin();
  Date d = *Date::Parse("2025-06-01");
  EXPECT_EQ(a.ChronicOn(130, true, d)->monthly.ore(), 22039);
  EXPECT_EQ(a.ChronicOn(132, true, d)->monthly.ore(), 40943);
  EXPECT_EQ(a.ChronicOn(131, false, d)->annual_raise.ore(), 6739);
}

std::map<std::string, std::string> MinimalFiles() {
  return {
      {"manifest.json", R"({"id":"t"})"},
      {"fees.csv", "code,name,category,amount_ore,indexed,valid_from,valid_to,paragraph,source\n"
                   "0101,K,consultation,100,1,2024-01-01,,§ 1,seed\n"},
      {"index.csv", "valid_from,valid_to,factor,paragraph,source\n2024-01-01,,1.0,§ 64,seed\n"},
      {"chronic.csv", "code,lto,monthly_ore,annual_raise_ore,valid_from,valid_to,paragraph,source\n"},
      {"parameters.csv", "name,value,unit,valid_from,valid_to,paragraph,source\n"},
      {"rules.csv", "rule_id,kind,params,valid_from,valid_to,paragraph,source,reason_da\n"},
  };
}

TEST(Agreement, RefusesOverlappingPeriods) {
  auto files = MinimalFiles();
  files["fees.csv"] += "0101,K,consultation,200,1,2024-06-01,,§ 1,seed\n";
  auto a = Agreement::LoadFiles(files, "test");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("fees.csv:3"), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("overlaps"), std::string::npos);
}

TEST(Agreement, BrokenTableIsAClearError) {
  auto files = MinimalFiles();
  files["fees.csv"] += "01x1,K,consultation,200,1,2025-01-01,,§ 1,seed\n";
  auto a = Agreement::LoadFiles(files, "test");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("fees.csv:3:1 (code)"), std::string::npos) << a.status().message();
  files = MinimalFiles();
  files.erase("index.csv");
  EXPECT_FALSE(Agreement::LoadFiles(files, "test").ok());
  files = MinimalFiles();
  files["fees.csv"] += "0102,K,consultation,200,1,2025-01-01,,§ 1,guess\n";
  EXPECT_NE(Agreement::LoadFiles(files, "test").status().message().find("source"), std::string::npos);
}

TEST(Agreement, OffsetOverlayReplacesIndexAndParameterRowsInItsPeriod) {
  auto files = MinimalFiles();
  files["parameters.csv"] = "name,value,unit,valid_from,valid_to,paragraph,source,description\nbasishonorar_annual_ore,48000,ore,2024-01-01,,§ 1,seed,Basishonorar\n";
  files["offset_overlay.csv"] =
      "table,name,value,valid_from,valid_to,paragraph,source,note\n"
      "index,,0.990000,2026-04-01,2026-10-01,Bilag 1 pkt. 2,ramme_statement:2025,Reguleringen nedsat\n"
      "parameter,basishonorar_annual_ore,47000,2026-10-01,2027-04-01,Bilag 1 pkt. 2,ramme_statement:2025,\n";
  auto a = Agreement::LoadFiles(files, "test");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->IndexOn(*Date::Parse("2026-03-31"))->factor.value, 1'000'000);
  const IndexRow* reduced = a->IndexOn(*Date::Parse("2026-04-01"));
  ASSERT_TRUE(reduced);
  EXPECT_EQ(reduced->factor.value, 990'000);
  EXPECT_EQ(SourceLabel(reduced->provenance), "ramme_statement:2025");
  EXPECT_EQ(a->IndexOn(*Date::Parse("2026-10-01"))->factor.value, 1'000'000);  // restored after the period
  EXPECT_EQ(a->MoneyParameter("basishonorar_annual_ore", *Date::Parse("2026-09-30"))->ore(), 48000);
  EXPECT_EQ(a->MoneyParameter("basishonorar_annual_ore", *Date::Parse("2026-10-01"))->ore(), 47000);
  EXPECT_EQ(a->MoneyParameter("basishonorar_annual_ore", *Date::Parse("2027-04-01"))->ore(), 48000);
  EXPECT_EQ(a->overlay().size(), 2u);

  // Overlapping overlay rows, an unknown parameter or a bad source are refused.
  auto bad = files;
  bad["offset_overlay.csv"] += "index,,0.980000,2026-09-01,2026-12-01,Bilag 1 pkt. 2,ramme_statement:2025,\n";
  EXPECT_NE(Agreement::LoadFiles(bad, "t").status().message().find("overlaps"), std::string::npos);
  bad = files;
  bad["offset_overlay.csv"] += "parameter,nope_ore,1,2026-01-01,2026-02-01,Bilag 1 pkt. 2,ramme_statement:2025,\n";
  EXPECT_NE(Agreement::LoadFiles(bad, "t").status().message().find("nope_ore"), std::string::npos);
  bad = files;
  bad["offset_overlay.csv"] += "index,,0.98,2028-01-01,2028-02-01,Bilag 1 pkt. 2,ramme_statement:25,\n";
  EXPECT_NE(Agreement::LoadFiles(bad, "t").status().message().find("source"), std::string::npos);
}

TEST(Agreement, ProvisionsNameWhatChecksThem) {
  auto files = MinimalFiles();
  files["rules.csv"] += "r.one,code_abolished,code=0101,2025-01-01,,§ 1,seed,Nedlagt.\n";
  files["provisions.csv"] =
      "id,status,checked_by,valid_from,valid_to,paragraph,source,text_da\n"
      "p.guideline,not_checkable,,2025-01-01,,Bilag 3 pkt. 8,seed,Kliniske retningslinjer\n"
      "p.rule,rule,r.one,2025-01-01,,pkt. 5.4,seed,Nedlagt ydelse\n";
  auto a = Agreement::LoadFiles(files, "test");
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_EQ(a->provisions().size(), 2u);
  EXPECT_EQ(a->provisions()[0].status, "not_checkable");
  files["provisions.csv"] += "p.bad,rule,r.none,2025-01-01,,pkt. 5.4,seed,x\n";
  EXPECT_NE(Agreement::LoadFiles(files, "t").status().message().find("r.none"), std::string::npos);
}

TEST(Agreement, BuiltinListsProvisionsTheEngineCannotCheck) {
  auto a = *Agreement::LoadBuiltin();
  int not_checkable = 0;
  for (const auto& p : a.provisions()) not_checkable += p.status == "not_checkable";
  EXPECT_GE(not_checkable, 2);
  EXPECT_TRUE(a.overlay().empty());  // the shipped data set has no offset plan applied
}

}  // namespace
}  // namespace almen
