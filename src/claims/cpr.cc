#include "claims/cpr.h"

#include <chrono>

namespace almen {

CprResult ParseCpr(std::string_view t) {
  CprResult r;
  char d[10];
  size_t n = 0;
  if (t.size() == 11) {
    if (t[6] != '-') { r.error = "forkert format; forventet DDMMÅÅ-SSSS"; return r; }
    for (size_t i = 0; i < 11; ++i)
      if (i != 6) d[n++] = t[i];
  } else if (t.size() == 10) {
    for (size_t i = 0; i < 10; ++i) d[n++] = t[i];
  } else {
    r.error = t.empty() ? "CPR-nummer mangler" : "forkert længde; forventet 10 cifre";
    return r;
  }
  for (char c : d)
    if (c < '0' || c > '9') { r.error = "indeholder andet end cifre"; return r; }
  int day = (d[0] - '0') * 10 + (d[1] - '0');
  int month = (d[2] - '0') * 10 + (d[3] - '0');
  int yy = (d[4] - '0') * 10 + (d[5] - '0');
  int s7 = d[6] - '0';
  bool substitute = false;
  if (day > 60) { day -= 60; substitute = true; }
  int century;
  if (s7 <= 3) century = 1900;
  else if (s7 == 4 || s7 == 9) century = yy <= 36 ? 2000 : 1900;
  else century = yy <= 57 ? 2000 : 1800;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(century + yy, month)) {
    r.error = "fødselsdatoen er ugyldig";
    return r;
  }
  CprInfo info;
  for (int i = 0; i < 10; ++i) info.digits[i] = d[i];
  info.birth_date = Date::FromDays(DaysFromCivil(century + yy, month, day));
  info.sex = ((d[9] - '0') % 2 == 1) ? Sex::kMale : Sex::kFemale;
  info.substitute = substitute;
  r.info = info;
  return r;
}

int AgeOn(Date birth, Date on) {
  int age = on.year() - birth.year();
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) --age;
  return age;
}

}  // namespace almen
