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

}  // namespace
}  // namespace almen
