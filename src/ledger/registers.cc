// The registers a ledger run settles against: the stored ones with the files
// the upload brought merged in as new versions (docs/ledger.md step 1).
#include "ledger/registers.h"

#include <algorithm>
#include <cstring>

#include "claims/cpr.h"
#include "common/csv.h"
#include "common/file.h"
#include "sanctions/sanctions.h"

namespace almen {

namespace {

bool SixDigits(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

const ImportInput* Find(const std::vector<ImportInput>& inputs, std::string_view kind) {
  for (const auto& in : inputs)
    if (in.kind == kind) return &in;
  return nullptr;
}

std::string Label(const ImportInput& in) { return in.name.empty() ? in.kind + ".csv" : BaseName(in.name); }

// listings.csv as CPR-free rows: the CPR becomes its keyed pseudonym, birth
// date and sex while the row is read, and is never kept.
StatusOr<std::vector<ListingRow>> ReadListings(const ImportInput& in, const Pseudonymizer& pseudonymizer) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(in.path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(Label(in), f.data()));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"provider", "cpr", "listed_from"}));
  const int cp = r.Column("provider"), cc = r.Column("cpr"), cf = r.Column("listed_from"), ct = r.Column("listed_to");
  std::vector<ListingRow> out;
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    if (!SixDigits(r.field(cp))) return r.FieldError(cp, "ydernummeret skal have 6 cifre");
    CprResult cpr = ParseCpr(r.field(cc));
    if (!cpr.info) return r.FieldError(cc, "ugyldigt CPR-nummer (" + std::string(cpr.error) + ")");
    auto from = Date::Parse(r.field(cf));
    if (!from) return r.FieldError(cf, "listed_from skal være en dato (ÅÅÅÅ-MM-DD)");
    auto to = ParseOptionalDate(r.field(ct), Date::Max());
    if (!to) return r.FieldError(ct, "listed_to skal være en dato (ÅÅÅÅ-MM-DD) eller tom");
    if (*to < *from) return r.FieldError(ct, "listed_to ligger før listed_from");
    ListingRow row;
    row.patient = pseudonymizer.Of(std::string_view(cpr.info->digits, 10)).ToHex();
    std::memset(cpr.info->digits, 0, sizeof cpr.info->digits);
    row.provider = std::atoi(std::string(r.field(cp)).c_str());
    row.from = *from;
    row.to = *to;
    row.birth = cpr.info->birth_date;
    row.sex = cpr.info->sex == Sex::kMale ? 'M' : 'F';
    out.push_back(std::move(row));
  }
  return out;
}

// Every uploaded attachment must name a provider of the (merged) register:
// the error names the user's own file, line and column.
Status CheckAttachmentProviders(const ImportInput& in, const ProviderRegistry* providers) {
  if (!providers) return Status::Ok();
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(in.path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open(Label(in), f.data()));
  ALMEN_RETURN_IF_ERROR(r.RequireColumns({"botilbud_id", "provider", "from_date"}));
  const int cp = r.Column("provider");
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    if (!SixDigits(r.field(cp))) return r.FieldError(cp, "ydernummeret skal have 6 cifre");
    const int p = std::atoi(std::string(r.field(cp)).c_str());
    if (!providers->Known(p))
      return r.FieldError(cp, "ydernummer " + std::string(r.field(cp)) + " findes ikke i ydernummerregistret");
  }
  return Status::Ok();
}

}  // namespace

Status MergeRegisters(LedgerTables& t, const RegisterReaders& readers, const Agreement& agreement,
                      const Pseudonymizer& pseudonymizer, const LedgerRunRequest& rq, int64_t run_id,
                      MergedRegisters* out) {
  SqlConnection& c = t.connection();
  // Providers.
  if (const ImportInput* in = Find(rq.inputs, "providers")) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(in->path));
    ALMEN_ASSIGN_OR_RETURN(ProviderRegistry uploaded, ProviderRegistry::Parse(Label(*in), f.data()));
    ALMEN_ASSIGN_OR_RETURN(int64_t n, t.MergeProviders(uploaded, run_id, rq.now));
    ALMEN_RETURN_IF_ERROR(t.RecordRegisterChange(run_id, "providers", n, Label(*in), rq.now));
  }
  ALMEN_ASSIGN_OR_RETURN(auto versions, t.ProviderVersions());
  if (!versions.empty() || rq.require_providers) {
    ALMEN_ASSIGN_OR_RETURN(ProviderRegistry reg, ProviderRegistry::FromRows(std::move(versions), "ydernummerregistret"));
    out->providers = std::move(reg);
  }

  // Sanctions: the stored register (the CLI may bring a file; its rows are
  // registered like decisions entered through the API).
  if (const ImportInput* in = Find(rq.inputs, "sanctions")) {
    ALMEN_ASSIGN_OR_RETURN(SanctionRegister uploaded, SanctionRegister::LoadFile(in->path));
    int64_t n = 0;
    for (const SanctionRow& r : uploaded.rows()) {
      char provider[16] = "";
      if (r.provider > 0) std::snprintf(provider, sizeof provider, "%06d", r.provider);
      const std::string kind(1, SanctionKindLetter(r.kind));
      const std::string to = r.period.to.is_max() ? "" : r.period.to.ToIso();
      ALMEN_ASSIGN_OR_RETURN(auto same, c.Query("SELECT 1 FROM sanctions WHERE doctor_id = $1 AND provider = $2 AND "
                                                "kind = $3 AND decided = $4 AND from_date = $5 AND to_date = $6 AND "
                                                "amount_ore = $7",
                                                {r.doctor_id, std::string(provider), kind, r.decided.ToIso(),
                                                 r.period.from.ToIso(), to, r.amount.ore()}));
      if (!same.empty()) continue;
      ALMEN_RETURN_IF_ERROR(c.Exec("INSERT INTO sanctions (doctor_id, provider, kind, decided, from_date, to_date, "
                                   "amount_ore, repetition, case_id, created_at, created_by) VALUES "
                                   "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                                   {r.doctor_id, std::string(provider), kind, r.decided.ToIso(), r.period.from.ToIso(),
                                    to, r.amount.ore(), int64_t{r.repetition ? 1 : 0}, r.case_id, rq.now, rq.user}));
      ++n;
    }
    ALMEN_RETURN_IF_ERROR(t.RecordRegisterChange(run_id, "sanctions", n, Label(*in), rq.now));
  }
  if (readers.sanctions) {
    ALMEN_ASSIGN_OR_RETURN(auto rows, readers.sanctions(c));
    if (!rows.empty()) {
      ALMEN_ASSIGN_OR_RETURN(SanctionRegister reg, SanctionRegister::FromRows(std::move(rows), "sanktionsregistret"));
      out->sanctions = std::move(reg);
    }
  }

  // Listings.
  if (const ImportInput* in = Find(rq.inputs, "listings")) {
    ALMEN_ASSIGN_OR_RETURN(auto rows, ReadListings(*in, pseudonymizer));
    ALMEN_ASSIGN_OR_RETURN(int64_t n, t.MergeListings(rows, run_id));
    ALMEN_RETURN_IF_ERROR(t.RecordRegisterChange(run_id, "listings", n, Label(*in), rq.now));
  }

  // Botilbud and attachments.
  const ImportInput* botilbud = Find(rq.inputs, "botilbud");
  const ImportInput* attachments = Find(rq.inputs, "attachments");
  if (attachments) ALMEN_RETURN_IF_ERROR(CheckAttachmentProviders(*attachments, out->providers ? &*out->providers : nullptr));
  for (const ImportInput* in : {botilbud, attachments}) {
    if (!in) continue;
    ALMEN_ASSIGN_OR_RETURN(int64_t n, t.MergeBostedFile(in->kind, in->path, Label(*in), rq.now, rq.user));
    ALMEN_RETURN_IF_ERROR(t.RecordRegisterChange(run_id, in->kind, n, Label(*in), rq.now));
  }
  if (readers.bosted_csv) {
    ALMEN_ASSIGN_OR_RETURN(auto csv, readers.bosted_csv(c));
    if (csv.first.find('\n') + 1 < csv.first.size()) {  // any section
      BostedLoadOptions lo;
      lo.providers = out->providers ? &*out->providers : nullptr;
      if (out->sanctions) {
        const SanctionRegister* s = &*out->sanctions;
        lo.excluded = [s](int p, Date d) { return s->PaymentStop(p, d) != nullptr; };
      }
      auto min = agreement.IntParameter("bosted_min_section_residents", Date::FromYmd(2025, 1, 1));
      if (min.ok()) lo.min_section_residents = *min;
      const std::string bl = botilbud ? Label(*botilbud) + " (botilbudsregistret)" : "botilbudsregistret";
      const std::string al = attachments ? Label(*attachments) + " (tilknytningsregistret)" : "tilknytningsregistret";
      ALMEN_ASSIGN_OR_RETURN(BostedRegister reg, BostedRegister::Parse(bl, csv.first, al, csv.second, lo));
      out->bosted = std::move(reg);
    }
  }
  out->providers_checked = out->providers.has_value();
  return Status::Ok();
}

}  // namespace almen
