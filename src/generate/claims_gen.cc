#include "generate/claims_gen.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace almen::gen {

namespace {

// persisted as text in claims.csv (see the tables below).
enum Performer : uint8_t { kDoctor = 0, kStaff = 1 };
enum Setting : uint8_t { kClinic = 0, kHome, kVideo, kPhone, kEmail, kOutOfHours, kBotilbud };
enum Indication : uint8_t {
  kNone = 0, kChronicProgramme, kHypertension, kThyroid, kOsteoporosis, kChronicRisk, kDementia, kAddiction, kOther
};
constexpr std::array<const char*, 2> kPerformerText = {"doctor", "staff"};
constexpr std::array<const char*, 7> kSettingText = {"clinic", "home", "video", "phone", "email", "out_of_hours",
                                                     "botilbud"};
constexpr std::array<const char*, 9> kIndicationText = {"",         "chronic_programme", "hypertension",
                                                        "thyroid",  "osteoporosis",      "chronic_risk",
                                                        "dementia", "addiction",         "other"};

struct Line {
  int32_t date;
  uint32_t contact;  // local contact number before sorting
  uint32_t patient;
  uint32_t course;   // 0 = none
  uint16_t code;     // 101 = "0101"
  uint16_t quantity;
  uint16_t minutes;
  uint16_t km;
  uint8_t performer, setting, indication, pad;
};

// One listing period of a patient with this clinic, clipped to the year.
struct Window {
  uint32_t patient;
  int32_t lo, hi;
  uint8_t usage;
  int8_t age;  // on 1 January (0 for those born during the year)
  bool male;
  bool chronic;
};

// Everyday contact kinds and their weight per 100.000 contacts. The rest of
// 100.000 goes to plain clinic consultations.
enum Kind : uint8_t {
  kConsult, kPhone0201, kPhone0204, kEmail0105, kVideo0125, kLabOnly, kHomeVisit, kRouteVisit, kOoh,
  kTalkTherapy, kAcute0124, kOutreach0121, kAbortion0122, kRegional4xxx, kVaccineOther, kAnnualOther,
  kAnnualHome, kBotilbudCheck, kBotilbudGroup, kClosing0133,
  // Deliberate problems (agreement.md C3): settlement must reject or flag them.
  kBad0120With0101, kBad0120OutOfHours, kBad0120Staff, kBad2151,
  kKindCount
};
constexpr std::array<int, kKindCount> kKindWeight = {
    0,     23'000, 5'500, 15'500, 3'000, 6'500, 900, 300, 3'000,
    300,   250,    100,   20,     400,   500,   150,
    40,    20,     30,    30,
    220,   15,     10,    0};

constexpr int kBudgetUnits = 100'000;

class Block {
 public:
  Block(const World& w, const YearCalendar& cal, uint32_t ci)
      : w_(w), cal_(cal), ci_(ci), clinic_(w.clinics[ci]), rng_(Derive(w.seed, 0xB10C, ci)) {
    for (uint32_t li : clinic_.listings) {
      const Listing& l = w.listings[li];
      const int32_t lo = std::max(l.from, cal.first()), hi = std::min(l.to, cal.end());
      if (hi <= lo) continue;
      const Patient& p = w.patients[l.patient];
      const int age = std::max(0, AgeOn(p.birth, cal.first()));
      windows_.push_back(Window{l.patient, lo, hi, p.usage, static_cast<int8_t>(std::min(age, 120)), p.male(),
                                p.chronic != 0});
    }
    target_ = std::max<int64_t>(0, clinic_.line_budget - clinic_.duplicates);
    int acc = 0;
    for (int k = 0; k < kKindCount; ++k) kind_cum_[static_cast<size_t>(k)] = (acc += kKindWeight[static_cast<size_t>(k)]);
    consult_weight_ = kBudgetUnits - acc;
  }

  std::vector<Line>& Build() {
    lines_.reserve(static_cast<size_t>(target_ + 16));
    for (const Window& win : windows_) PatientEvents(win);
    FixedDoctorVisits();
    // The busiest clinic shows one of each deliberate problem, so even a
    // small demo set has them (elsewhere they come by chance).
    if (ci_ == w_.showcase_clinic && target_ >= 100 && !windows_.empty())
      for (Kind k : {kBad0120With0101, kBad0120OutOfHours, kBad0120Staff, kBad2151}) Contact(k);
    if (static_cast<int64_t>(lines_.size()) > target_) DropContacts();
    while (static_cast<int64_t>(lines_.size()) < target_ && !windows_.empty()) Everyday();
    // Sort by date, keeping the lines of a contact together and in order.
    std::stable_sort(lines_.begin(), lines_.end(), [](const Line& a, const Line& b) {
      return a.date != b.date ? a.date < b.date : a.contact < b.contact;
    });
    return lines_;
  }

  Rng& rng() { return rng_; }

 private:
  // ------------------------------------------------------------ helpers
  uint32_t NewContact() { return ++contact_; }
  void Add(uint32_t contact, int32_t date, const Window& win, uint16_t code, uint8_t performer, uint8_t setting,
           uint8_t indication = kNone, uint16_t quantity = 1, uint16_t minutes = 0, uint16_t km = 0,
           uint32_t course = 0) {
    lines_.push_back(Line{date, contact, win.patient, course, code, quantity, minutes, km, performer, setting,
                          indication, 0});
  }
  bool InWindow(const Window& win, int32_t d) const { return d >= win.lo && d < win.hi; }
  bool Room(size_t n) const { return static_cast<int64_t>(lines_.size() + n) <= target_; }

  // A patient of this clinic, drawn by how much they use their doctor and
  // how long they are listed here this year; `want` filters (age, sex, …).
  template <typename Pred>
  const Window* PickPatient(Pred want, int tries = 60) {
    const uint32_t n = static_cast<uint32_t>(windows_.size());
    for (int t = 0; t < tries; ++t) {
      const Window& win = windows_[rng_.Below(n)];
      if (!want(win)) continue;
      if (rng_.Below(255u * 366u) < static_cast<uint32_t>(win.usage) * static_cast<uint32_t>(win.hi - win.lo))
        return &win;
      if (t > tries / 2) return &win;  // good enough for rare constraints
    }
    return nullptr;
  }
  const Window* AnyPatient() {
    return PickPatient([](const Window&) { return true; });
  }
  // A patient listed somewhere in this clinic's region (lægevagt, holiday cover).
  const Window* AwayPatient(Window& scratch) {
    const int region = w_.municipalities[static_cast<size_t>(clinic_.municipality)].region;
    const auto& pool = w_.clinics_by_region[static_cast<size_t>(region - 1081)];
    for (int t = 0; t < 8; ++t) {
      const Clinic& other = w_.clinics[pool[rng_.Below(static_cast<uint32_t>(pool.size()))]];
      if (other.listings.empty()) continue;
      const Listing& l = w_.listings[other.listings[rng_.Below(static_cast<uint32_t>(other.listings.size()))]];
      const int32_t lo = std::max(l.from, cal_.first()), hi = std::min(l.to, cal_.end());
      if (hi <= lo) continue;
      const Patient& p = w_.patients[l.patient];
      scratch = Window{l.patient, lo, hi, p.usage, static_cast<int8_t>(std::max(0, AgeOn(p.birth, cal_.first()))),
                       p.male(), p.chronic != 0};
      return &scratch;
    }
    return AnyPatient();
  }
  int32_t Day(const Window& win, bool ooh = false) { return cal_.Draw(rng_, win.lo, win.hi, ooh); }

  // Home visit distance: mostly near, a tail out to 40 km (one way).
  int DrawKm() {
    const double e = -std::log(1.0 - rng_.Uniform01() * 0.999);
    return std::clamp(1 + static_cast<int>(e * 5.0), 1, 40);
  }
  static uint16_t ZoneCode(int km) {
    return km <= 4 ? 411 : km <= 8 ? 421 : km <= 12 ? 431 : km <= 16 ? 441 : km <= 20 ? 451 : 461;
  }
  uint16_t Minutes(int km) { return static_cast<uint16_t>(km * 2 * 3 / 2 + rng_.Between(4, 12)); }
  // A visit line with transport minutes and round-trip km, and the 9001 mileage line.
  void Visit(uint32_t c, int32_t d, const Window& win, uint16_t code, uint8_t setting, int km, bool mileage,
             uint8_t indication = kNone) {
    const uint16_t round_trip = static_cast<uint16_t>(2 * km);
    Add(c, d, win, code, kDoctor, setting, indication, 1, Minutes(km), round_trip);
    if (mileage) Add(c, d, win, 9001, kDoctor, setting, kNone, round_trip, 0, round_trip);
  }
  uint16_t LabCode() {
    const uint32_t u = rng_.Below(100);
    return u < 38 ? 7120 : u < 66 ? 7403 : u < 94 ? 7101 : 7113;
  }

  // ------------------------------------------------------------ patient events
  // Per-patient schedules use the patient's own stream, so a patient who moves
  // clinic gets one schedule and each clinic writes the part in its window.
  void PatientEvents(const Window& win) {
    const Patient& p = w_.patients[win.patient];
    Rng pr(Derive(w_.seed, 0x9A71E27, win.patient));
    const int32_t jan1 = cal_.first(), end = cal_.end();
    const int age = win.age;
    const bool female = !win.male;

    // Chronic care: lab tests a week or two before, the annual control (0120)
    // and the yearly chronic care fee claim (0130/0131/0132) on the same day.
    if (p.chronic) {
      const int32_t r = cal_.Draw(pr, jan1, end);
      const int32_t lab = cal_.NextOpenDay(r - pr.Between(6, 14));
      const bool with_lab_in_contact = pr.Chance(0.02);
      const bool staff = pr.Chance(0.3);
      if (InWindow(win, lab)) {
        const uint32_t c = NewContact();
        Add(c, lab, win, 2101, kStaff, kClinic);
        if (p.chronic >= 2) Add(c, lab, win, 7403, kStaff, kClinic);
        if (p.chronic != 2) Add(c, lab, win, 7113, kStaff, kClinic);
      }
      if (InWindow(win, r)) {
        uint32_t c = NewContact();
        Add(c, r, win, 120, staff ? kStaff : kDoctor, kClinic, kChronicProgramme);
        if (with_lab_in_contact) Add(c, r, win, 7403, kStaff, kClinic);  // "only exceptionally": review
        c = NewContact();
        Add(c, r, win, static_cast<uint16_t>(129 + p.chronic), kDoctor, kClinic);
      }
    }

    // Child examinations (8211-8217) with the vaccinations given at them.
    if (p.birth >= jan1 - 6 * 366) {
      struct Exam { int offset; uint16_t exam, vaccine; };
      static constexpr std::array<Exam, 9> kExams = {{{35, 8211, 0},    {91, 0, 8310},     {152, 8212, 8311},
                                                      {365, 8213, 8312}, {456, 0, 8320},    {730, 8214, 0},
                                                      {1095, 8215, 0},   {1461, 8216, 8321}, {1826, 8217, 8330}}};
      for (const Exam& e : kExams) {
        const bool attends = pr.Chance(0.95);
        const int32_t d = cal_.NextOpenDay(p.birth + e.offset + pr.Between(0, 20));
        if (!attends || !InWindow(win, d)) continue;
        const uint32_t c = NewContact();
        if (e.exam) Add(c, d, win, e.exam, kDoctor, kClinic);
        if (e.vaccine) Add(c, d, win, e.vaccine, e.exam ? kDoctor : kStaff, kClinic);
      }
    }
    // HPV vaccination at 12.
    if (age >= 11 && age <= 12) {
      const bool takes = pr.Chance(0.8);
      const int32_t d = cal_.NextOpenDay(p.birth + 12 * 365 + 3 + pr.Between(0, 200));
      if (takes && InWindow(win, d)) Add(NewContact(), d, win, 8340, kStaff, kClinic);
    }
    // Pregnancy examinations (8110-8140) for women expecting during the year.
    if (female && age >= 18 && age <= 44 && pr.Chance(0.06)) {
      const int32_t conception = pr.Between(jan1 - 300, end - 30);
      static constexpr std::array<std::array<int, 3>, 4> kVisits = {
          {{8110, 49, 70}, {8120, 168, 182}, {8130, 217, 231}, {8140, 315, 330}}};
      for (const auto& v : kVisits) {
        const bool attends = pr.Chance(0.95);
        const int32_t d = cal_.NextOpenDay(conception + pr.Between(v[1], v[2]));
        if (attends && InWindow(win, d)) Add(NewContact(), d, win, static_cast<uint16_t>(v[0]), kDoctor, kClinic);
      }
    }
    // Seasonal influenza vaccination for 65+ in October-November.
    if (age >= 65 && pr.Chance(0.45)) {
      const int32_t d = cal_.Draw(pr, Date::FromYmd(cal_.year(), 10, 1).days(), Date::FromYmd(cal_.year(), 12, 1).days());
      if (InWindow(win, d)) Add(NewContact(), d, win, 8380, kStaff, kClinic);
    }
    // Cervical cytology (2102 with one 0101) every three to five years.
    if (female && age >= 23 && age <= 64 && pr.Chance(age < 50 ? 0.30 : 0.18)) {
      const int32_t d = cal_.Draw(pr, jan1, end);
      if (InWindow(win, d)) {
        const uint32_t c = NewContact();
        Add(c, d, win, 101, kStaff, kClinic);
        Add(c, d, win, 2102, kStaff, kClinic);
      }
    }
    // Annual controls (0120) outside the chronic programme.
    if (!p.chronic && age >= 60 && pr.Chance(0.10)) {
      const uint32_t u = pr.Below(100);
      const uint8_t ind = u < 60 ? kHypertension : (u < 80 || !female) ? kThyroid : kOsteoporosis;
      const bool staff = pr.Chance(0.4);
      const int32_t d = cal_.Draw(pr, jan1, end);
      if (InWindow(win, d)) Add(NewContact(), d, win, 120, staff ? kStaff : kDoctor, kClinic, ind);
    }
    // Dementia conversations: at most twice a year (a few a third time).
    if (age >= 75 && pr.Chance(0.025)) {
      const uint32_t u = pr.Below(100);
      const int n = u < 50 ? 1 : u < 97 ? 2 : 3;
      for (int k = 0; k < n; ++k) {
        const int32_t d = cal_.Draw(pr, jan1, end);
        if (InWindow(win, d)) Add(NewContact(), d, win, 120, kDoctor, kClinic, kDementia);
      }
    }
    // Significant risk of chronic disease: as a rule once per patient.
    if (!p.chronic && age >= 40 && age <= 75 && pr.Chance(0.008)) {
      const int n = pr.Chance(0.04) ? 2 : 1;
      for (int k = 0; k < n; ++k) {
        const int32_t d = cal_.Draw(pr, jan1, end);
        if (InWindow(win, d)) Add(NewContact(), d, win, 120, kDoctor, kClinic, kChronicRisk);
      }
    }
    // Reduction of addictive medicine: once per course (course_id).
    if (age >= 30 && age <= 85 && pr.Chance(0.003)) {
      const uint32_t course = static_cast<uint32_t>(Derive(w_.seed, 0xC0C5E, win.patient) % 90'000'000u) + 10'000'000u;
      const uint32_t u = pr.Below(100);
      const int32_t d1 = cal_.Draw(pr, jan1, end), d2 = cal_.Draw(pr, jan1, end);
      if (InWindow(win, d1)) Add(NewContact(), d1, win, 120, kDoctor, kClinic, kAddiction, 1, 0, 0, course);
      if (u < 18 && InWindow(win, d2))  // < 10: same course again (rejected), else a new course
        Add(NewContact(), d2, win, 120, kDoctor, kClinic, kAddiction, 1, 0, 0, u < 10 ? course : course + 1);
    }
  }

  // The fixed doctor's visits on its botilbud sections (0491 "på ruten"),
  // about one per resident per year, at most 3 % of the clinic's lines.
  void FixedDoctorVisits() {
    if (clinic_.attachments.empty() || windows_.empty()) return;
    const int64_t cap = target_ * 3 / 100;
    int64_t done = 0;
    for (uint32_t ai : clinic_.attachments) {
      const Attachment& a = w_.attachments[ai];
      const int32_t lo = std::max(a.from.days(), cal_.first());
      const int32_t hi = a.to.is_max() ? cal_.end() : std::min(a.to.days(), cal_.end());
      if (hi <= lo) continue;
      const int residents = w_.botilbud[a.section].residents;
      const int64_t visits = residents * static_cast<int64_t>(hi - lo) / 365;
      for (int64_t k = 0; k < visits && done < cap; ++k, ++done) {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 18 && x.age <= 80; });
        if (!win) return;
        const int32_t d = cal_.Draw(rng_, std::max(lo, win->lo), std::max(std::min(hi, win->hi), std::max(lo, win->lo) + 1));
        if (!InWindow(*win, d) || d < lo || d >= hi) continue;
        const int km = rng_.Between(2, 15);
        Add(NewContact(), d, *win, 491, kDoctor, kBotilbud, kNone, 1, static_cast<uint16_t>(rng_.Between(5, 25)),
            static_cast<uint16_t>(2 * km));
      }
    }
  }

  // When the patient events alone exceed a tiny budget, drop whole contacts.
  void DropContacts() {
    std::vector<uint32_t> contacts;
    for (const Line& l : lines_)
      if (contacts.empty() || contacts.back() != l.contact) contacts.push_back(l.contact);
    for (size_t i = contacts.size(); i > 1; --i) std::swap(contacts[i - 1], contacts[rng_.Below(static_cast<uint32_t>(i))]);
    std::vector<uint8_t> drop(contact_ + 1, 0);
    int64_t n = static_cast<int64_t>(lines_.size());
    std::vector<int64_t> size(contact_ + 1, 0);
    for (const Line& l : lines_) ++size[l.contact];
    for (uint32_t c : contacts) {
      if (n <= target_) break;
      drop[c] = 1;
      n -= size[c];
    }
    std::erase_if(lines_, [&](const Line& l) { return drop[l.contact] != 0; });
  }

  // ------------------------------------------------------------ everyday contacts
  void Everyday() {
    const uint32_t u = rng_.Below(kBudgetUnits);
    Kind kind = kConsult;
    if (u >= static_cast<uint32_t>(consult_weight_)) {
      const int v = static_cast<int>(u) - consult_weight_;
      kind = static_cast<Kind>(std::upper_bound(kind_cum_.begin(), kind_cum_.end(), v) - kind_cum_.begin());
    }
    const size_t before = lines_.size();
    const uint32_t contact_before = contact_;
    if (!Contact(kind) || static_cast<int64_t>(lines_.size()) > target_) {
      // Did not fit (or no suitable patient): a single phone consultation instead.
      lines_.resize(before);
      contact_ = contact_before;
      const Window* win = AnyPatient();
      if (!win) win = &windows_[rng_.Below(static_cast<uint32_t>(windows_.size()))];
      Add(NewContact(), Day(*win), *win, 201, kDoctor, kPhone);
    }
  }

  // Adds one everyday contact of `kind`; false if no suitable patient.
  bool Contact(Kind kind) {
    const int year = cal_.year();
    switch (kind) {
      case kConsult: {
        Window scratch{};
        // Mostly own patients; a few seen as holiday cover for another clinic.
        const Window* win = rng_.Chance(0.02) ? AwayPatient(scratch) : AnyPatient();
        if (!win) return false;
        const int32_t d = Day(*win);
        const uint32_t c = NewContact();
        Add(c, d, *win, 101, rng_.Chance(0.08) ? kStaff : kDoctor, kClinic);
        const uint32_t v = rng_.Below(1000);
        if (v < 200) {  // blood sample and one to three lab tests
          Add(c, d, *win, 2101, kStaff, kClinic);
          for (int k = rng_.Between(1, 3); k > 0; --k) Add(c, d, *win, LabCode(), kStaff, kClinic);
        } else if (v < 320) {
          Add(c, d, *win, rng_.Chance(0.6) ? 7120 : 7101, kStaff, kClinic);
        } else if (v < 350) {  // spirometry, sometimes with reversibility test
          Add(c, d, *win, 7113, kStaff, kClinic);
          if (rng_.Chance(0.4)) Add(c, d, *win, 7121, kStaff, kClinic);
        } else if (v < 365) {
          Add(c, d, *win, 2149, kDoctor, kClinic);
        } else if (v < 415) {
          Add(c, d, *win, 2101, kStaff, kClinic);
        } else if (year <= 2024 ? v < 425 : rng_.Chance(d < cal_.first() + 31 ? 0.01 : 0.001)) {
          // Abolished from 2025 (agreement.md C2): some clinics keep billing
          // it, mostly in January before their systems are updated.
          Add(c, d, *win, 2151, kDoctor, kClinic);
        }
        return true;
      }
      case kPhone0201: {
        const Window* win = AnyPatient();
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 201, rng_.Chance(0.2) ? kStaff : kDoctor, kPhone);
        return true;
      }
      case kPhone0204: {
        const Window* win = AnyPatient();
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 204, kDoctor, kPhone);
        return true;
      }
      case kEmail0105: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 15; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 105, rng_.Chance(0.1) ? kStaff : kDoctor, kEmail);
        return true;
      }
      case kVideo0125: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 15; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 125, kDoctor, kVideo);
        return true;
      }
      case kLabOnly: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 10; });
        if (!win) return false;
        const int32_t d = Day(*win);
        const uint32_t c = NewContact();
        Add(c, d, *win, 2101, kStaff, kClinic);
        for (int k = rng_.Between(1, 2); k > 0; --k) Add(c, d, *win, LabCode(), kStaff, kClinic);
        return true;
      }
      case kHomeVisit: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 70 || x.age <= 2; });
        if (!win) return false;
        const int km = DrawKm();
        Visit(NewContact(), Day(*win), *win, ZoneCode(km), kHome, km, true);
        return true;
      }
      case kRouteVisit: {  // plejehjem: sick visit on the route
        const Window* win = PickPatient([](const Window& x) { return x.age >= 75; });
        if (!win) return false;
        Visit(NewContact(), Day(*win), *win, 491, kHome, rng_.Between(1, 6), rng_.Chance(0.5));
        return true;
      }
      case kOoh: {
        Window scratch{};
        const Window* win = rng_.Chance(0.5) ? AwayPatient(scratch) : AnyPatient();
        if (!win) return false;
        const int32_t d = Day(*win, true);
        const uint32_t u = rng_.Below(100);
        const uint32_t c = NewContact();
        if (u < 55) Add(c, d, *win, 101, kDoctor, kOutOfHours);
        else if (u < 85) Add(c, d, *win, 201, kDoctor, kOutOfHours);
        else Visit(c, d, *win, 471, kOutOfHours, DrawKm(), true);
        return true;
      }
      case kTalkTherapy: {  // a course of weekly sessions
        const Window* win = PickPatient([](const Window& x) { return x.age >= 18 && x.age <= 70; });
        if (!win) return false;
        int32_t d = Day(*win);
        for (int k = rng_.Between(3, 7); k > 0 && InWindow(*win, d); --k) {
          Add(NewContact(), d, *win, 6101, kDoctor, kClinic);
          d = cal_.NextOpenDay(d + 7);
        }
        return true;
      }
      case kAcute0124: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 65; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 124, kDoctor, kPhone);
        return true;
      }
      case kOutreach0121: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 75; });
        if (!win) return false;
        Visit(NewContact(), Day(*win), *win, 121, kHome, DrawKm(), true);
        return true;
      }
      case kAbortion0122: {
        const Window* win = PickPatient([](const Window& x) { return !x.male && x.age >= 16 && x.age <= 45; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 122, kDoctor, kClinic);
        return true;
      }
      case kRegional4xxx: {
        static constexpr std::array<uint16_t, 4> kCodes = {4101, 4102, 4110, 4201};
        const Window* win = AnyPatient();
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, kCodes[rng_.Below(4)], kDoctor, kClinic);
        return true;
      }
      case kVaccineOther: {
        static constexpr std::array<uint16_t, 3> kCodes = {8350, 8360, 8370};
        const Window* win = AnyPatient();
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, kCodes[rng_.Below(3)], kStaff, kClinic);
        return true;
      }
      case kAnnualOther: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 40; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 120, kDoctor, kClinic, kOther);
        return true;
      }
      case kAnnualHome: {  // 0120 at home: transport time and mileage, no visit fee
        const Window* win = PickPatient([](const Window& x) { return x.age >= 75; });
        if (!win) return false;
        const int km = DrawKm();
        const uint32_t c = NewContact();
        const int32_t d = Day(*win);
        const uint16_t round_trip = static_cast<uint16_t>(2 * km);
        Add(c, d, *win, 120, kDoctor, kHome, win->chronic ? kChronicProgramme : kDementia, 1, Minutes(km), round_trip);
        Add(c, d, *win, 9001, kDoctor, kHome, kNone, round_trip, 0, round_trip);
        return true;
      }
      case kBotilbudCheck: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 18 && x.age <= 80; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 123, kDoctor, kBotilbud);
        return true;
      }
      case kBotilbudGroup: {  // not the fixed doctor: first patient a visit fee, the next ones 0102
        const Window* first = PickPatient([](const Window& x) { return x.age >= 18 && x.age <= 80; });
        if (!first) return false;
        const int32_t d = Day(*first);
        const int km = DrawKm();
        Visit(NewContact(), d, *first, ZoneCode(km), kBotilbud, km, true);
        for (int k = rng_.Between(1, 3); k > 0; --k) {
          const Window* next = PickPatient([&](const Window& x) { return x.age >= 18 && InWindow(x, d); });
          if (next && InWindow(*next, d)) Add(NewContact(), d, *next, 102, kDoctor, kBotilbud);
        }
        return true;
      }
      case kClosing0133: {
        const Window* win = PickPatient([](const Window& x) { return x.chronic; });
        if (!win || !win->chronic) return false;
        Add(NewContact(), Day(*win), *win, 133, kDoctor, kClinic);
        return true;
      }
      case kBad0120With0101: {  // both in one contact: only 0120 is paid
        const Window* win = PickPatient([](const Window& x) { return x.age >= 50; });
        if (!win) return false;
        const int32_t d = Day(*win);
        const uint32_t c = NewContact();
        Add(c, d, *win, 120, kDoctor, kClinic, win->chronic ? kChronicProgramme : kHypertension);
        Add(c, d, *win, 101, kDoctor, kClinic);
        return true;
      }
      case kBad0120OutOfHours: {
        const Window* win = PickPatient([](const Window& x) { return x.age >= 50; });
        if (!win) return false;
        Add(NewContact(), Day(*win, true), *win, 120, kDoctor, kOutOfHours, kHypertension);
        return true;
      }
      case kBad2151: {  // abolished from 2025; a legal add-on before
        const Window* win = AnyPatient();
        if (!win) return false;
        const int32_t d = Day(*win);
        const uint32_t c = NewContact();
        Add(c, d, *win, 101, kDoctor, kClinic);
        Add(c, d, *win, 2151, kDoctor, kClinic);
        return true;
      }
      case kBad0120Staff: {  // staff may not do these
        static constexpr std::array<uint8_t, 3> kInd = {kChronicRisk, kDementia, kOther};
        const Window* win = PickPatient([](const Window& x) { return x.age >= 45; });
        if (!win) return false;
        Add(NewContact(), Day(*win), *win, 120, kStaff, kClinic, kInd[rng_.Below(3)]);
        return true;
      }
      case kKindCount: break;
    }
    return false;
  }

  const World& w_;
  const YearCalendar& cal_;
  uint32_t ci_;
  const Clinic& clinic_;
  Rng rng_;
  std::vector<Window> windows_;
  std::vector<Line> lines_;
  uint32_t contact_ = 0;
  int64_t target_ = 0;
  std::array<int, kKindCount> kind_cum_{};
  int consult_weight_ = 0;
};

// ------------------------------------------------------------ formatting

inline void AppendUint(std::string& out, uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) out.push_back(buf[--n]);
}
inline void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

// A malformed CPR number derived from a valid one: an impossible day or
// month, 30 February, or a digit missing.
void AppendMalformedCpr(std::string& out, const Patient& p, bool dash, Rng& rng) {
  std::string cpr;
  AppendCpr(cpr, p, dash);
  switch (rng.Below(4)) {
    case 0: cpr[0] = '3'; cpr[1] = static_cast<char>('2' + rng.Below(8)); break;  // day 32-39
    case 1: cpr[2] = '1'; cpr[3] = static_cast<char>('3' + rng.Below(7)); break;  // month 13-19
    case 2: cpr[0] = '3'; cpr[1] = '0'; cpr[2] = '0'; cpr[3] = '2'; break;         // 30 February
    default: cpr.erase(cpr.size() - 1 - rng.Below(4), 1); break;                  // a digit missing
  }
  out += cpr;
}

}  // namespace

ClaimGenerator::ClaimGenerator(const World& world, const YearCalendar& calendar) : world_(world), cal_(calendar) {
  for (int32_t d = cal_.first(); d < cal_.end(); ++d) {
    const std::string iso = Date::FromDays(d).ToIso();
    std::array<char, 10> t{};
    std::copy_n(iso.begin(), 10, t.begin());
    day_text_.push_back(t);
  }
}

int64_t ClaimGenerator::GenerateBlock(uint32_t ci, std::string& out, std::vector<LineSpan>* spans) const {
  const Clinic& clinic = world_.clinics[ci];
  if (clinic.line_budget <= 0) return 0;
  Block block(world_, cal_, ci);
  std::vector<Line>& lines = block.Build();
  Rng& rng = block.rng();

  // Which lines are re-sent later (duplicates) and which get a broken CPR.
  std::vector<uint32_t> dup_at;
  for (int k = 0; k < clinic.duplicates && !lines.empty(); ++k)
    dup_at.push_back(rng.Below(static_cast<uint32_t>(lines.size())));
  std::sort(dup_at.begin(), dup_at.end());
  std::vector<size_t> bad_cpr;
  for (int64_t local : clinic.malformed_cpr_lines)
    if (!lines.empty()) bad_cpr.push_back(static_cast<size_t>(local) % lines.size());
  std::sort(bad_cpr.begin(), bad_cpr.end());

  std::string resent;
  std::vector<LineSpan> resent_spans;
  char provider[6];
  {
    int v = clinic.provider;
    for (int i = 5; i >= 0; --i, v /= 10) provider[i] = static_cast<char>('0' + v % 10);
  }
  const uint64_t id_base = static_cast<uint64_t>(cal_.year()) * 100'000'000ull;
  out.reserve(out.size() + lines.size() * 96 + 64);
  size_t dup_i = 0, bad_i = 0;
  uint32_t contact_no = 0, last_contact = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (i == 0 || l.contact != last_contact) {
      ++contact_no;
      last_contact = l.contact;
    }
    const size_t start = out.size();
    AppendUint(out, id_base + i + 1);
    out.push_back(',');
    out.append(provider, 6);
    out.push_back(',');
    const Patient& p = world_.patients[l.patient];
    if (bad_i < bad_cpr.size() && bad_cpr[bad_i] == i) {
      while (bad_i < bad_cpr.size() && bad_cpr[bad_i] == i) ++bad_i;
      AppendMalformedCpr(out, p, clinic.cpr_with_dash, rng);
    } else {
      AppendCpr(out, p, clinic.cpr_with_dash);
    }
    out.push_back(',');
    out.append(day_text_[static_cast<size_t>(l.date - cal_.first())].data(), 10);
    out.push_back(',');
    AppendPadded(out, l.code, 4);
    out.push_back(',');
    AppendUint(out, l.quantity);
    out.push_back(',');
    out.append(provider, 6);
    out.push_back('-');
    AppendUint(out, contact_no);
    out.push_back(',');
    out += kPerformerText[l.performer];
    out.push_back(',');
    out += kSettingText[l.setting];
    out.push_back(',');
    out += kIndicationText[l.indication];
    out.push_back(',');
    if (l.course) AppendUint(out, l.course);
    out.push_back(',');
    if (l.minutes) AppendUint(out, l.minutes);
    out.push_back(',');
    if (l.km) AppendUint(out, l.km);
    out.push_back('\n');
    const auto length = static_cast<uint32_t>(out.size() - start);
    if (spans) spans->push_back(LineSpan{static_cast<uint32_t>(start), length, contact_no, l.date, -1});
    while (dup_i < dup_at.size() && dup_at[dup_i] == i) {
      if (spans)
        resent_spans.push_back(
            LineSpan{static_cast<uint32_t>(resent.size()), length, contact_no, l.date, static_cast<int32_t>(i)});
      resent.append(out, start, out.size() - start);
      ++dup_i;
    }
  }
  // Re-sent lines come at the end of the clinic's batch, with their old claim_id.
  if (spans)
    for (LineSpan s : resent_spans) {
      s.offset += static_cast<uint32_t>(out.size());
      spans->push_back(s);
    }
  out += resent;
  return static_cast<int64_t>(lines.size() + dup_i);
}

}  // namespace almen::gen
