// Demo data of the case work for a freshly created demo database (service.h
// BootstrapCaseDemo): the fund's users, a 2025 call with applications in
// several states, and IT/Partsforum spend.
#include <cstdio>

#include "cases/service.h"

namespace almen {

Status BootstrapCaseDemo(Storage& db, bool fast_password_hash, const std::string& now) {
  struct DemoUser {
    const char* name;
    const char* role;
    const char* party;
    const char* region;
  };
  const DemoUser users[] = {{"fond-sekretariat", "pool_secretariat", "", ""},
                            {"fond-bestyrelse", "pool_board", "", ""},
                            {"udvalg-rltn-1", "pool_committee", "rltn", "1084"},
                            {"udvalg-rltn-2", "pool_committee", "rltn", "1082"},
                            {"udvalg-rltn-3", "pool_committee", "rltn", "1081"},
                            {"udvalg-plo-1", "pool_committee", "plo", "1083"},
                            {"udvalg-plo-2", "pool_committee", "plo", "1085"},
                            {"udvalg-plo-3", "pool_committee", "plo", ""}};
  auto lease = db.pool().Borrow();
  CasesStore store(*lease);
  for (const auto& du : users) {
    ALMEN_ASSIGN_OR_RETURN(auto existing, db.FindUser(du.name));
    if (existing) continue;
    ALMEN_ASSIGN_OR_RETURN(std::string hash, HashPassword(du.name, fast_password_hash));
    const bool member = std::string(du.role) == "pool_committee";
    std::string scope = member ? std::string(du.party) + ":" + du.region : "";
    ALMEN_RETURN_IF_ERROR(db.CreateUser(du.name, hash, du.role, scope, now));
    if (member) ALMEN_RETURN_IF_ERROR(store.InsertCommitteeMember({du.name, du.party, du.region}, now, "system"));
    std::fprintf(stderr, "  %-20s %-13s %s\n", du.name, du.role, scope.c_str());
    ALMEN_RETURN_IF_ERROR(store.Audit(now, "system", "user.create", std::string(du.name) + " role=" + du.role));
  }
  ALMEN_ASSIGN_OR_RETURN(int64_t calls, store.CallCount());
  if (calls > 0) return Status::Ok();
  SqlConnection& c = store.connection();
  ALMEN_RETURN_IF_ERROR(c.Begin());
  auto run = [&]() -> Status {
    ALMEN_ASSIGN_OR_RETURN(int64_t call_id, store.InsertCall({"Lægedækningspuljen 2025", 2025, 2000000000, "2025-02-01",
                                                              "2025-04-30", now, "system"}));
    struct DemoApplication {
      const char* region;
      const char* type;
      const char* title;
      const char* area;
      int64_t amount, cofin;
      const char* partners;
    };
    const DemoApplication apps[] = {
        {"1085", "satellite_transport", "Satellitklinik på Lolland med transportordning", "Lolland Kommune", 450000000,
         150000000, R"([{"type":"municipality","name":"Lolland Kommune"},{"type":"plo_regional","name":"PLO-Sjælland"}])"},
        {"1081", "tutors", "Flere tutorlæger i Vendsyssel", "Hjørring og Frederikshavn", 280000000, 50000000,
         R"([{"type":"plo_regional","name":"PLO-Nordjylland"}])"},
        {"1083", "settling_families", "Velkommen til Sønderjylland: bolig og job til ægtefæller", "Tønder Kommune",
         320000000, 120000000, R"([{"type":"municipality","name":"Tønder Kommune"},{"type":"local_organisation","name":"Erhverv Tønder"}])"},
    };
    std::vector<int64_t> ids;
    for (const auto& a : apps) {
      ALMEN_ASSIGN_OR_RETURN(int64_t id, store.InsertApplication({call_id, a.region, a.partners, a.type, a.title, a.area,
                                                                  a.amount, a.cofin, now,
                                                                  "region-" + std::string(a.region)}));
      ids.push_back(id);
    }
    // The first: scored, recommended, granted, first instalment paid, status report requested.
    for (const char* m : {"udvalg-rltn-1", "udvalg-plo-1", "udvalg-plo-3"})
      ALMEN_RETURN_IF_ERROR(store.UpsertScore(ids[0], m, 4, true, "Godt forankret i kommunen", now));
    ALMEN_RETURN_IF_ERROR(
        store.RecordRecommendation(ids[0], {"recommended", "recommend", 400000000, std::nullopt, now, "udvalg-plo-3"}));
    ALMEN_RETURN_IF_ERROR(
        store.RecordDecision(ids[0], {"granted", "grant", 400000000, std::nullopt, now, "fond-bestyrelse"}));
    ALMEN_RETURN_IF_ERROR(store.InsertPayment(ids[0], 1, 200000000, "2025-06-01", now, "fond-sekretariat"));
    ALMEN_RETURN_IF_ERROR(store.InsertReportRequest(ids[0], now, "fond-sekretariat", "2025-12-01").status());
    // The second: scored by one member, awaiting the recommendation.
    ALMEN_RETURN_IF_ERROR(store.UpsertScore(ids[1], "udvalg-rltn-1", 3, true, "", now));
    ALMEN_RETURN_IF_ERROR(store.InsertSpend({"it_subsidy", 2025, 525000000, "2025-03-31",
                                             "Driftstilskud 1. kvartal", now, "plo"}));
    ALMEN_RETURN_IF_ERROR(store.InsertSpend({"partsforum", 2025, 180000000, "2025-05-15",
                                             "Afprøvning af deling af journalnotater", now, "rltn"}));
    return Status::Ok();
  };
  Status s = run();
  if (!s.ok()) {
    (void)c.Rollback();
    return s.WithContext("pool demo data");
  }
  ALMEN_RETURN_IF_ERROR(c.Commit());
  return db.Audit(now, "system", "pool.demo.load", "demo call and applications");
}

}  // namespace almen
