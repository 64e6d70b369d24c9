#include "cli/commands.h"

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>

#include "agreement/agreement_json.h"
#include "common/crypto.h"
#include "common/format_da.h"
#include "cli/ledger_commands.h"
#include "common/json_text.h"
#include "settlement/rules.h"

namespace almen {

namespace {

// The progress line of a long settlement on stderr (SettleOptions::progress):
// nothing in its first 2 s; then on a terminal one line rewritten in place,
// otherwise a line every 5 s.
class ProgressLine {
 public:
  ProgressLine() : tty_(::isatty(::fileno(stderr)) == 1) {}
  void Show(const SettleProgress& p) {
    std::lock_guard lock(mu_);
    if (p.seconds < 2 || (!tty_ && p.seconds - last_ < 5)) return;
    last_ = p.seconds;
    char text[160];
    if (p.phase == "pass 1" || p.phase == "pass 2")
      std::snprintf(text, sizeof text, "almen: %s of 2: %3.0f%% (%.1f of %.1f GB), %.0f s",
                    std::string(p.phase).c_str(), p.total_bytes ? 100.0 * p.done_bytes / p.total_bytes : 100.0,
                    p.done_bytes / 1e9, p.total_bytes / 1e9, p.seconds);
    else
      std::snprintf(text, sizeof text, "almen: %s, %.0f s", std::string(p.phase).c_str(), p.seconds);
    if (tty_) std::fprintf(stderr, "\r%-60s", text);
    else std::fprintf(stderr, "%s\n", text);
    shown_ = true;
  }
  // Ends the line rewritten in place.
  void Done() {
    std::lock_guard lock(mu_);
    if (tty_ && shown_) std::fprintf(stderr, "\n");
    shown_ = false;
  }

 private:
  const bool tty_;
  std::mutex mu_;
  double last_ = 0;
  bool shown_ = false;
};

// A settlement is one process of phases that free what the next allocates
// (the claim keys before pass 2, the segment buffers): keep freed memory in
// the process rather than giving it back to the kernel, whose fresh pages are
// cleared on first touch (clearing pages was ~9 % of the CPU of a 10 M-line
// run, whose page faults went from 121–128 K to 91 K; docs/decisions.md).
void KeepFreedMemory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's upper bound
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace

Status RunSettle(const Agreement& agreement, SettleOptions options, const std::string& out_dir,
                 const std::string& price_level, const std::string& period, const std::string& state_dir,
                 const std::string& db_url) {
  if (price_level == "apr-24") options.price_level_apr24 = true;
  else if (!price_level.empty() && price_level != "regulated")
    return UsageError("--price-level must be 'apr-24' or 'regulated'");
  if (!period.empty()) {
    auto colon = period.find(':');
    auto from = Month::Parse(period.substr(0, colon));
    auto to = colon == std::string::npos ? from : Month::Parse(period.substr(colon + 1));
    if (!from || !to || *to < *from) return UsageError("--period must be YYYY-MM or YYYY-MM:YYYY-MM");
    options.period_from = from;
    options.period_to = to;
  }
  if (!state_dir.empty() && !db_url.empty()) return UsageError("--state and --db go alone: give one of them");
  KeepFreedMemory();
  auto line = std::make_shared<ProgressLine>();
  options.progress = [line](const SettleProgress& p) { line->Show(p); };
  if (!state_dir.empty() || !db_url.empty()) {
    Status st = RunSettleWithState(agreement, options, LedgerDatabaseUrl(state_dir, db_url), out_dir);
    line->Done();
    return st;
  }
  ALMEN_ASSIGN_OR_RETURN(Pseudonymizer pseudonymizer, Pseudonymizer::FromEnvironment());
  if (pseudonymizer.used_demo_key())
    std::fprintf(stderr,
                 "almen: note: ALMEN_PSEUDONYM_KEY is not set; using the built-in demo key for CPR pseudonyms "
                 "(not for real data)\n");
  SettleSummary summary;
  Status settled = Settle(agreement, pseudonymizer, options, out_dir, &summary);
  line->Done();
  ALMEN_RETURN_IF_ERROR(settled);
  if (!summary.providers_checked)
    std::fprintf(stderr, "almen: note: no providers.csv given: ydernumre were not checked (summary.json says so)\n");
  std::fprintf(stderr, "almen: settled %lld lines: %lld accepted, %lld rejected, %lld review; %s paid on lines\n",
               static_cast<long long>(summary.lines), static_cast<long long>(summary.accepted),
               static_cast<long long>(summary.rejected), static_cast<long long>(summary.review),
               FormatKroner(Money::FromOre(summary.amount_ore)).c_str());
  return Status::Ok();
}

Status RunGenerate(const GenerateOptions& options) {
  if (options.lines < 0) return UsageError("--lines must be ≥ 0");
  GenerateSummary summary;
  ALMEN_RETURN_IF_ERROR(Generate(options, &summary));
  std::fprintf(stderr, "almen: wrote %lld claim lines, %lld providers, %lld listed patients, %lld botilbud rows, "
               "%lld attachments to %s\n",
               static_cast<long long>(summary.claim_lines), static_cast<long long>(summary.providers),
               static_cast<long long>(summary.listed_patients), static_cast<long long>(summary.botilbud_rows),
               static_cast<long long>(summary.attachments), options.out_dir.c_str());
  return Status::Ok();
}

Status RunJson(const StatusOr<nlohmann::json>& result) {
  if (!result.ok()) return result.status();
  std::cout << result->dump(2) << "\n";
  return Status::Ok();
}

Status RunAgreementShow(const Agreement& agreement, bool json) {
  if (json) {
    std::cout << JsonText(AgreementToJson(agreement), 2) << "\n";
    return Status::Ok();
  }
  std::cout << agreement.name() << "\n";
  std::cout << "version " << agreement.version() << "\ncontent sha256 " << agreement.content_hash() << "\n\n";
  std::cout << "Fees (kode, navn, takst apr-24, gyldighed, kilde, paragraf):\n";
  for (const FeeRow* f : agreement.all_fee_rows()) {
    char code[8];
    std::snprintf(code, sizeof code, "%04d", f->code);
    std::cout << "  " << code << "  " << f->name << "  " << FormatKroner(f->amount) << "  "
              << f->period.from.ToIso() << " – " << (f->period.to.is_max() ? "" : f->period.to.ToIso()) << "  "
              << SourceName(f->provenance.source) << "  " << f->provenance.paragraph << "\n";
  }
  std::cout << "\nRegulation index (§ 64):\n";
  for (const auto& r : agreement.index_rows())
    std::cout << "  " << r.period.from.ToIso() << " – " << r.period.to.ToIso() << "  " << FormatPpm(r.factor)
              << "  " << SourceName(r.provenance.source) << "  " << r.note << "\n";
  std::cout << "\nChronic fees (0130–0132, monthly, apr-24):\n";
  for (const auto& r : agreement.chronic_rows())
    std::cout << "  " << (r.code == 130 ? "0130" : r.code == 131 ? "0131" : "0132") << (r.lto ? " LTO" : "    ")
              << "  " << FormatKroner(r.monthly) << " + " << FormatKroner(r.annual_raise) << "/år  "
              << r.period.from.ToIso() << " – " << r.period.to.ToIso() << "  " << r.provenance.paragraph << "\n";
  std::cout << "\nParameters:\n";
  for (const auto& p : agreement.parameters())
    std::cout << "  " << p.name << " = " << p.value << " (" << p.unit << ")  " << p.period.from.ToIso() << " – "
              << p.period.to.ToIso() << "  " << SourceName(p.provenance.source) << "  " << p.provenance.paragraph
              << "\n";
  std::cout << "\nRules:\n";
  for (const auto& r : agreement.rules())
    std::cout << "  " << r.id << " [" << r.kind << "]  " << r.period.from.ToIso() << " – " << r.period.to.ToIso()
              << "  " << r.provenance.paragraph << "\n";
  return Status::Ok();
}

Status RunAgreementCheck(const Agreement& agreement) {
  ALMEN_RETURN_IF_ERROR(CheckRules(agreement));
  std::cout << "OK " << agreement.version() << " (sha256 " << agreement.content_hash() << "): "
            << agreement.all_fee_rows().size() << " fee rows, " << agreement.index_rows().size() << " index rows, "
            << agreement.chronic_rows().size() << " chronic rows, " << agreement.parameters().size()
            << " parameters, " << agreement.rules().size() << " rules\n";
  return Status::Ok();
}

}  // namespace almen
