#include "sanctions/sanctions.h"

#include <gtest/gtest.h>

namespace almen {
namespace {

const char* kHeader = "doctor_id,provider,kind,decided,from_date,to_date,amount_ore,repetition,case_id\n";

SanctionRegister MustParse(const std::string& body) {
  auto r = SanctionRegister::Parse("sanctions.csv", std::string(kHeader) + body);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(*r) : SanctionRegister();
}

std::string ParseError(const std::string& text) {
  auto r = SanctionRegister::Parse("sanctions.csv", text);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

Date D(int y, unsigned m, unsigned d) { return Date::FromYmd(y, m, d); }

TEST(Sanctions, WarningIsRecordedWithRepetitionMarker) {
  auto reg = MustParse("L1,111111,a,2025-02-01,,,,1,LSU-2025-01\n");
  ASSERT_EQ(reg.rows().size(), 1u);
  EXPECT_EQ(reg.rows()[0].kind, SanctionKind::kA);
  EXPECT_TRUE(reg.rows()[0].repetition);
  EXPECT_EQ(reg.rows()[0].case_id, "LSU-2025-01");
  EXPECT_EQ(reg.PaymentStop(111111, D(2025, 2, 1)), nullptr);
  EXPECT_TRUE(reg.CollectionsOf(111111).empty());
  EXPECT_FALSE(reg.EmploymentBlocked("L1", D(2025, 3, 1)));
}

TEST(Sanctions, SuspensionStopsPaymentInHalfOpenPeriod) {
  auto reg = MustParse("L1,111111,d,2025-02-15,2025-03-01,2025-04-01,,,\n");
  EXPECT_EQ(reg.PaymentStop(111111, D(2025, 2, 28)), nullptr);
  const SanctionRow* s = reg.PaymentStop(111111, D(2025, 3, 1));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, SanctionKind::kD);
  EXPECT_NE(reg.PaymentStop(111111, D(2025, 3, 31)), nullptr);
  EXPECT_EQ(reg.PaymentStop(111111, D(2025, 4, 1)), nullptr);
  EXPECT_EQ(reg.PaymentStop(222222, D(2025, 3, 15)), nullptr);
  EXPECT_TRUE(reg.HasPaymentStops());
}

TEST(Sanctions, ExclusionIsOpenEnded) {
  auto reg = MustParse("L2,222222,e,2025-05-01,2025-06-01,,,,\n");
  EXPECT_EQ(reg.PaymentStop(222222, D(2025, 5, 31)), nullptr);
  ASSERT_NE(reg.PaymentStop(222222, D(2030, 1, 1)), nullptr);
  EXPECT_EQ(reg.PaymentStop(222222, D(2030, 1, 1))->kind, SanctionKind::kE);
}

TEST(Sanctions, ReasonNamesThePeriod) {
  auto reg = MustParse("L1,111111,d,2025-02-15,2025-03-01,2025-04-01,,,\n");
  std::string reason = SanctionReason(reg.rows()[0], "Suspenderet {from} til og med {to} (besluttet {decided}).");
  EXPECT_EQ(reason, "Suspenderet 1. marts 2025 til og med 31. marts 2025 (besluttet 15. februar 2025).");
}

TEST(Sanctions, RepaymentCollectedUntilPaidWithoutNegativeStatements) {
  // b) 1.500 kr. decided 20 February: nothing in January; February 1.000 kr.
  // payable -> 1.000 kr. taken, March takes the remaining 500 kr.
  auto reg = MustParse("L1,111111,b,2025-02-20,,,150000,,\n");
  std::map<Month, Money> payable = {{Month::FromYm(2025, 1), Money::FromOre(500000)},
                                    {Month::FromYm(2025, 2), Money::FromOre(100000)},
                                    {Month::FromYm(2025, 3), Money::FromOre(900000)}};
  auto c = reg.Collections(111111, payable);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].month, Month::FromYm(2025, 2));
  EXPECT_EQ(c[0].amount.ore(), 100000);
  EXPECT_EQ(c[0].remaining.ore(), 50000);
  EXPECT_EQ(c[1].month, Month::FromYm(2025, 3));
  EXPECT_EQ(c[1].amount.ore(), 50000);
  EXPECT_EQ(c[1].remaining.ore(), 0);
  EXPECT_EQ(reg.Outstanding(111111, c).ore(), 0);
}

TEST(Sanctions, FineAfterRepaymentSharesTheMonthAndStaysOutstanding) {
  auto reg = MustParse(
      "L1,111111,c,2025-01-10,,,30000,,\n"
      "L1,111111,b,2025-01-05,,,80000,,\n");
  std::map<Month, Money> payable = {{Month::FromYm(2025, 1), Money::FromOre(100000)}};
  auto c = reg.Collections(111111, payable);
  ASSERT_EQ(c.size(), 2u);
  // b decided first is collected first.
  EXPECT_EQ(c[0].sanction->kind, SanctionKind::kB);
  EXPECT_EQ(c[0].amount.ore(), 80000);
  EXPECT_EQ(c[1].sanction->kind, SanctionKind::kC);
  EXPECT_EQ(c[1].amount.ore(), 20000);
  EXPECT_EQ(c[1].remaining.ore(), 10000);
  EXPECT_EQ(reg.Outstanding(111111, c).ore(), 10000);
  EXPECT_EQ(reg.ProvidersWithCollections(), std::vector<int>{111111});
}

TEST(Sanctions, CollectionStartsAtFromDate) {
  auto reg = MustParse("L1,111111,c,2025-01-10,2025-03-01,,30000,,\n");
  std::map<Month, Money> payable = {{Month::FromYm(2025, 1), Money::FromOre(100000)},
                                    {Month::FromYm(2025, 2), Money::FromOre(100000)},
                                    {Month::FromYm(2025, 3), Money::FromOre(100000)}};
  auto c = reg.Collections(111111, payable);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].month, Month::FromYm(2025, 3));
}

TEST(Sanctions, EmploymentBanBlocksRegistration) {
  auto reg = MustParse("L3,,f,2025-01-15,2025-02-01,2026-02-01,,,LSU-7\n");
  EXPECT_FALSE(reg.EmploymentBlocked("L3", D(2025, 1, 31)));
  EXPECT_TRUE(reg.EmploymentBlocked("L3", D(2025, 2, 1)));
  EXPECT_FALSE(reg.EmploymentBlocked("L3", D(2026, 2, 1)));
  EXPECT_FALSE(reg.EmploymentBlocked("L4", D(2025, 6, 1)));

  SanctionEmploymentRegister emp(&reg);
  // Before the ban (ending before it starts): fine.
  EXPECT_TRUE(emp.Register({"L3", 111111, {D(2024, 1, 1), D(2025, 2, 1)}}).ok());
  // Overlapping the ban: refused with the paragraph, nothing registered.
  Status s = emp.Register({"L3", 222222, {D(2025, 6, 1), Date::Max()}});
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_NE(s.message().find("§ 114 stk. 2 f"), std::string::npos) << s.message();
  EXPECT_EQ(emp.all().size(), 1u);
  EXPECT_TRUE(emp.EmployedAt(222222, D(2025, 7, 1)).empty());
  EXPECT_EQ(emp.EmployedAt(111111, D(2024, 6, 1)).size(), 1u);
  // Another doctor at the same clinic: fine; the same doctor twice: refused.
  EXPECT_TRUE(emp.Register({"L9", 111111, {D(2025, 1, 1), Date::Max()}}).ok());
  EXPECT_EQ(emp.Register({"L9", 111111, {D(2025, 3, 1), Date::Max()}}).code(), StatusCode::kConflict);
  EXPECT_EQ(emp.Register({"L9", 111111, {D(2025, 3, 1), D(2025, 3, 1)}}).code(), StatusCode::kInvalidInput);
}

// Issue 12: klinik-033345 could not register an employment ("provider must be
// a 6-digit ydernummer") and a sanction reason said "ydernummer 33345".
TEST(Sanctions, YdernummerWithLeadingZero) {
  auto reg = MustParse("L1,033345,d,2025-02-15,2025-03-01,2025-04-01,,,\n");
  EXPECT_NE(reg.PaymentStop(33345, D(2025, 3, 2)), nullptr);
  EXPECT_EQ(SanctionReason(reg.rows()[0], "ydernummer {provider}"), "ydernummer 033345");
  SanctionEmploymentRegister emp(&reg);
  EXPECT_TRUE(emp.Register({"L7", 33345, {D(2025, 1, 1), Date::Max()}}).ok());
  Status twice = emp.Register({"L7", 33345, {D(2025, 2, 1), Date::Max()}});
  EXPECT_NE(twice.message().find("clinic 033345"), std::string::npos) << twice.message();
  EXPECT_EQ(emp.Register({"L8", 0, {D(2025, 1, 1), Date::Max()}}).code(), StatusCode::kInvalidInput);
}

TEST(Sanctions, BostedHookSeesPaymentStopsAndProviderBans) {
  auto reg = MustParse("L1,111111,d,2025-01-01,2025-02-01,2025-03-01,,,\nL3,333333,f,2025-01-01,2025-04-01,,,,\n");
  EXPECT_TRUE(reg.ProviderExcluded(111111, D(2025, 2, 10)));
  EXPECT_FALSE(reg.ProviderExcluded(111111, D(2025, 3, 1)));
  EXPECT_TRUE(reg.ProviderExcluded(333333, D(2025, 4, 1)));
  EXPECT_FALSE(reg.ProviderExcluded(333333, D(2025, 3, 31)));
}

TEST(Sanctions, OverlappingSuspensionsRefused) {
  std::string m = ParseError(std::string(kHeader) +
                             "L1,111111,d,2025-01-01,2025-02-01,2025-03-01,,,\n"
                             "L1,111111,e,2025-02-10,2025-02-15,,,,\n");
  EXPECT_NE(m.find("sanctions.csv:3"), std::string::npos) << m;
  EXPECT_NE(m.find("overlaps"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2"), std::string::npos) << m;
  // Adjacent periods (half-open) are fine; another doctor's overlap is fine.
  MustParse("L1,111111,d,2025-01-01,2025-02-01,2025-03-01,,,\nL1,111111,e,2025-02-10,2025-03-01,,,,\n"
            "L2,111111,d,2025-01-01,2025-02-01,2025-03-01,,,\n");
}

TEST(Sanctions, BadInputNamesFileLineAndColumn) {
  std::string h = kHeader;
  EXPECT_EQ(ParseError(h + "L1,111111,g,2025-01-01,,,,,\n"),
            "sanctions.csv:2:3 (kind): 'g' is not a sanction kind (a, b, c, d, e or f)");
  EXPECT_NE(ParseError(h + "L1,111111,d,2025-13-01,2025-02-01,2025-03-01,,,\n").find("sanctions.csv:2:4 (decided)"),
            std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,d,2025-01-01,2025-03-01,2025-02-01,,,\n").find("2:6 (to_date)"),
            std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,d,2025-01-01,2025-03-01,,,,\n").find("to_date is required"), std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,b,2025-01-01,,,,,\n").find("2:7 (amount_ore): a b decision needs a positive"),
            std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,c,2025-01-01,,,-5,,\n").find("positive amount_ore"), std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,c,2025-01-01,,,12.50,,\n").find("not a whole number"), std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,d,2025-01-01,2025-02-01,2025-03-01,500,,\n").find("must be empty for kind d"),
            std::string::npos);
  EXPECT_NE(ParseError(h + "L1,,d,2025-01-01,2025-02-01,2025-03-01,,,\n").find("2:2 (provider)"), std::string::npos);
  EXPECT_NE(ParseError(h + "L1,12345,d,2025-01-01,2025-02-01,2025-03-01,,,\n").find("not a ydernummer"),
            std::string::npos);
  EXPECT_NE(ParseError(h + ",111111,a,2025-01-01,,,,,\n").find("2:1 (doctor_id)"), std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,e,2025-02-01,2025-01-01,,,,\n").find("before the decision date"),
            std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,b,2025-02-01,,2025-05-01,100,,\n").find("collected until paid"),
            std::string::npos);
  EXPECT_NE(ParseError(h + "L1,111111,a,2025-02-01,,,,maybe,\n").find("(repetition)"), std::string::npos);
  EXPECT_NE(ParseError("doctor_id,provider,kind\nL1,111111,a\n").find("decided"), std::string::npos);
}

TEST(Sanctions, SemicolonDelimiterAndOptionalExtensionColumns) {
  auto r = SanctionRegister::Parse("s.csv",
                                   "\xEF\xBB\xBF" "doctor_id;provider;kind;decided;from_date;to_date;amount_ore\r\n"
                                   "L1;111111;d;2025-01-01;2025-01-01;2025-02-01;\r\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NE(r->PaymentStop(111111, Date::FromYmd(2025, 1, 15)), nullptr);
}

TEST(Sanctions, FromRowsValidatesLikeTheFile) {
  SanctionRow a;
  a.doctor_id = "L1";
  a.provider = 111111;
  a.kind = SanctionKind::kD;
  a.decided = D(2025, 1, 1);
  a.period = {D(2025, 1, 1), D(2025, 3, 1)};
  SanctionRow b = a;
  b.period = {D(2025, 2, 1), D(2025, 4, 1)};
  auto r = SanctionRegister::FromRows({a, b}, "register");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overlaps"), std::string::npos);
  auto ok = SanctionRegister::FromRows({a}, "register");
  EXPECT_TRUE(ok.ok());
}

}  // namespace
}  // namespace almen
