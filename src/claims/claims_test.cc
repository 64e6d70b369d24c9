#include <gtest/gtest.h>

#include "claims/claim.h"
#include "claims/cpr.h"
#include "claims/registry.h"

namespace almen {
namespace {

TEST(Cpr, CenturyRuleFromSeventhDigit) {
  EXPECT_EQ(ParseCpr("0101801234").info->birth_date.ToIso(), "1980-01-01");   // 1 → 1900s
  EXPECT_EQ(ParseCpr("010120-4234").info->birth_date.ToIso(), "2020-01-01");  // 4, YY ≤ 36 → 2000s
  EXPECT_EQ(ParseCpr("010140-4234").info->birth_date.ToIso(), "1940-01-01");  // 4, YY > 36 → 1900s
  EXPECT_EQ(ParseCpr("010136-9234").info->birth_date.ToIso(), "2036-01-01");  // 9, YY ≤ 36 → 2000s
  EXPECT_EQ(ParseCpr("010157-5234").info->birth_date.ToIso(), "2057-01-01");  // 5–8, YY ≤ 57 → 2000s
  EXPECT_EQ(ParseCpr("010158-8234").info->birth_date.ToIso(), "1858-01-01");  // 5–8, YY > 57 → 1800s
}

TEST(Cpr, SexFromLastDigitAndSubstitutes) {
  EXPECT_EQ(ParseCpr("0101801233").info->sex, Sex::kMale);
  EXPECT_EQ(ParseCpr("0101801234").info->sex, Sex::kFemale);
  auto sub = ParseCpr("6101801234");  // day + 60
  ASSERT_TRUE(sub.info);
  EXPECT_TRUE(sub.info->substitute);
  EXPECT_EQ(sub.info->birth_date.ToIso(), "1980-01-01");
}

TEST(Cpr, RejectsMalformedWithoutEchoingTheNumber) {
  for (const char* bad : {"", "123", "3201991234", "0113801234", "01018O1234", "010180+1234", "290201-1234", "290200-1234"}) {
    auto r = ParseCpr(bad);
    EXPECT_FALSE(r.info) << bad;
    EXPECT_FALSE(r.error.empty());
    EXPECT_EQ(std::string(r.error).find("1234"), std::string::npos);
  }
  EXPECT_TRUE(ParseCpr("290200-4234").info);  // 7th digit 4, YY 00 → 2000, a leap year (1900 was not)
}

TEST(Cpr, Age) {
  Date birth = *Date::Parse("1980-06-15");
  EXPECT_EQ(AgeOn(birth, *Date::Parse("2025-06-14")), 44);
  EXPECT_EQ(AgeOn(birth, *Date::Parse("2025-06-15")), 45);
}

class ClaimParserTest : public ::testing::Test {
 protected:
  Agreement agreement = *Agreement::LoadBuiltin();
  Status ParseOne(const std::string& text, ClaimLine* line) {
    auto r = CsvReader::Open("claims.csv", text);
    if (!r.ok()) return r.status();
    auto p = ClaimParser::ForHeader(*r, agreement);
    if (!p.ok()) return p.status();
    auto more = r->Next();
    if (!more.ok()) return more.status();
    return p->Parse(*r, line);
  }
};

TEST_F(ClaimParserTest, ParsesAFullLine) {
  ClaimLine l;
  Status st = ParseOne(
      "claim_id;provider;cpr;service_date;code;quantity;contact_id;performer;setting;indication;course_id;minutes;km\n"
      "c1;123456;010180-1234;2025-03-04;0120;1;k1;staff;home;hypertension;;20;12\n",
      &l);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(l.provider, 123456);
  EXPECT_EQ(l.code, 120);
  EXPECT_EQ(l.performer, Performer::kStaff);
  EXPECT_EQ(l.setting, Setting::kHome);
  EXPECT_EQ(l.indication, Indication::kHypertension);
  EXPECT_EQ(l.minutes, 20);
  EXPECT_EQ(l.km, 12);
  EXPECT_TRUE(l.cpr.info);
}

TEST_F(ClaimParserTest, BadFieldsNameLineAndColumn) {
  const std::string h = "claim_id,provider,cpr,service_date,code,quantity\n";
  struct Case {
    std::string row, expect;
  } cases[] = {
      {"c1,123456,0101801234,2025-13-01,0101,1", "claims.csv:2:4 (service_date)"},
      {"c1,123456,0101801234,2025-01-01,9999,1", "claims.csv:2:5 (code): unknown code 9999"},
      {"c1,123456,0101801234,2025-01-01,101,1", "claims.csv:2:5 (code)"},
      {"c1,123456,0101801234,2025-01-01,0101,-1", "claims.csv:2:6 (quantity): quantity is negative"},
      {"c1,12345,0101801234,2025-01-01,0101,1", "claims.csv:2:2 (provider)"},
      {",123456,0101801234,2025-01-01,0101,1", "claims.csv:2:1 (claim_id)"},
  };
  for (const auto& c : cases) {
    ClaimLine l;
    Status st = ParseOne(h + c.row + "\n", &l);
    ASSERT_FALSE(st.ok()) << c.row;
    EXPECT_NE(st.message().find(c.expect), std::string::npos) << st.message();
  }
  ClaimLine l;
  Status st = ParseOne("claim_id,provider,service_date,code\nc1,123456,2025-01-01,0101\n", &l);
  EXPECT_NE(st.message().find("missing from the header: cpr"), std::string::npos) << st.message();
}

// Issue 12: a 10 MB claim_id was accepted and paid.
TEST_F(ClaimParserTest, ClaimIdAndOtherKeysAtMost64Bytes) {
  const std::string h = "claim_id,provider,cpr,service_date,code,contact_id\n";
  ClaimLine l;
  EXPECT_TRUE(ParseOne(h + std::string(64, 'x') + ",123456,0101801234,2025-01-01,0101,k\n", &l).ok());
  Status st = ParseOne(h + std::string(65, 'x') + ",123456,0101801234,2025-01-01,0101,k\n", &l);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "claims.csv:2:1 (claim_id): feltet er på 65 byte; højst 64 er tilladt");
  st = ParseOne(h + "c1,123456,0101801234,2025-01-01,0101," + std::string(10 << 20, 'k') + "\n", &l);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("claims.csv:2:6 (contact_id): feltet er på 10485760 byte"), std::string::npos);
}

TEST_F(ClaimParserTest, ProviderKeepsItsLeadingZero) {
  // The line's text fields are views into the file's text: it must outlive them.
  const std::string text = "claim_id,provider,cpr,service_date,code\nc1,033345,0101801234,2025-01-01,0101\n";
  ClaimLine l;
  ASSERT_TRUE(ParseOne(text, &l).ok());
  EXPECT_EQ(l.provider, 33345);
  EXPECT_EQ(l.provider_text, "033345");
}

TEST(ProviderRegistry, RefusesOverlapsAndFindsRowsByDate) {
  const std::string h = "provider,name,municipality_code,clinic_type,capacities,lto,valid_from,valid_to\n";
  auto reg = ProviderRegistry::Parse("providers.csv", h + "123456,A,0101,ordinary,2,1,2024-01-01,2025-01-01\n"
                                                          "123456,A,0101,ordinary,3,1,2025-01-01,\n");
  ASSERT_TRUE(reg.ok()) << reg.status().message();
  EXPECT_EQ(reg->On(123456, *Date::Parse("2025-02-01"))->capacities, 3);
  EXPECT_EQ(reg->On(123456, *Date::Parse("2023-02-01")), nullptr);
  auto bad = ProviderRegistry::Parse("providers.csv", h + "123456,A,0101,ordinary,2,1,2024-01-01,\n"
                                                          "123456,A,0101,ordinary,3,1,2025-01-01,\n");
  EXPECT_NE(bad.status().message().find("providers.csv:3"), std::string::npos);
}

}  // namespace
}  // namespace almen
