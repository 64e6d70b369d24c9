// almen check (check.h): the settlement engine on one file, read back as a
// report from a private temporary directory that never outlives the call.
#include "control/check.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "common/crypto.h"
#include "common/csv.h"
#include "common/file.h"
#include "common/format_da.h"

namespace almen {

namespace {

// A directory only this process can enter (mkdtemp: 0700), removed with
// everything in it when the object goes.
class PrivateDir {
 public:
  static StatusOr<PrivateDir> Create() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/almen-check-XXXXXX";
    if (!mkdtemp(tmpl.data())) return Internal("kan ikke oprette en midlertidig mappe til kontrollen");
    return PrivateDir(std::move(tmpl));
  }
  PrivateDir(PrivateDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  ~PrivateDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit PrivateDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

// A pseudonymizer with a random key of this call only: the report needs no
// pseudonym, and the outcome of a line does not depend on the key.
Pseudonymizer OneOffPseudonymizer() {
  unsigned char raw[32];
  RandomBytes(raw, sizeof raw);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  for (unsigned char b : raw) {
    key += kHex[b >> 4];
    key += kHex[b & 15];
  }
  SecureZero(raw, sizeof raw);
  return Pseudonymizer(key);
}

std::string StatusDa(const std::string& status) {
  if (status == "rejected") return "afvist";
  if (status == "review") return "til manuel gennemgang";
  return "godkendt";
}

std::string DateDa(const std::string& iso) {
  auto d = Date::Parse(iso);
  return d ? FormatDateDa(*d) : iso;
}

}  // namespace

Status CheckClaims(const Agreement& agreement, const SettleOptions& options, CheckReport* report) {
  *report = CheckReport{};
  report->claims_file = BaseName(options.claims_path);
  ALMEN_ASSIGN_OR_RETURN(PrivateDir dir, PrivateDir::Create());
  const std::string out = dir.path() + "/out";
  const Pseudonymizer pseudonymizer = OneOffPseudonymizer();
  ALMEN_RETURN_IF_ERROR(Settle(agreement, pseudonymizer, options, out, &report->summary));
  report->statement_amount_ore = report->summary.statement_amount_ore;

  // lines.csv has one row per record of the claim file, in order: the claim
  // file gives each record's physical line for the report.
  ALMEN_ASSIGN_OR_RETURN(MappedFile claims, MappedFile::Open(options.claims_path));
  ALMEN_ASSIGN_OR_RETURN(MappedFile lines, MappedFile::Open(out + "/lines.csv"));
  ALMEN_ASSIGN_OR_RETURN(CsvReader in, CsvReader::Open(report->claims_file, claims.data()));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open("lines.csv", lines.data()));
  const int c_claim = r.Column("claim_id"), c_provider = r.Column("provider"), c_date = r.Column("service_date"),
            c_code = r.Column("code"), c_status = r.Column("status"), c_amount = r.Column("amount_ore"),
            c_rule = r.Column("rule"), c_reason = r.Column("reason"), c_paragraph = r.Column("paragraph");
  for (int64_t record = 1;; ++record) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    ALMEN_ASSIGN_OR_RETURN(bool more_in, in.Next());
    if (!more_in) return Internal("lines.csv har flere linjer end regningsfilen");
    const std::string_view status = r.field(c_status);
    if (status == "accepted") continue;
    CheckedLine l;
    l.record = record;
    l.line = in.line();
    l.claim_id = r.field(c_claim);
    l.provider = r.field(c_provider);
    l.service_date = r.field(c_date);
    l.code = r.field(c_code);
    l.status = status;
    l.amount_ore = ParseInt64(r.field(c_amount)).value_or(0);
    l.rule = r.field(c_rule);
    l.reason = r.field(c_reason);
    l.paragraph = r.field(c_paragraph);
    CheckRuleCount& n = report->by_rule[l.rule];
    if (n.lines++ == 0) {
      n.status = l.status;
      n.reason = l.reason;
      n.paragraph = l.paragraph;
    }
    report->lines.push_back(std::move(l));
  }
  return Status::Ok();
}

std::string CheckReportText(const CheckReport& report) {
  const SettleSummary& s = report.summary;
  std::string out;
  for (const CheckedLine& l : report.lines) {
    out += report.claims_file + ":" + std::to_string(l.line) + ": regning " + l.claim_id + " (ydernummer " +
           l.provider + ", " + DateDa(l.service_date) + ", ydelse " + l.code + "): " + StatusDa(l.status);
    if (!l.rule.empty()) out += " efter " + l.rule;
    out += " — " + l.reason;
    if (!l.paragraph.empty()) out += " [" + l.paragraph + "]";
    out += "\n";
  }
  if (!report.lines.empty()) out += "\n";
  out += "Forvalidering af " + report.claims_file + " efter overenskomsten " + s.agreement_version + ":\n";
  out += "  " + GroupThousands(s.lines) + (s.lines == 1 ? " linje" : " linjer") + ": " + GroupThousands(s.accepted) +
         " godkendt, " + GroupThousands(s.rejected) + " afvist, " + GroupThousands(s.review) +
         " til manuel gennemgang.\n";
  out += "  Beløb til udbetaling på linjerne: " + FormatKroner(Money::FromOre(s.amount_ore)) + ".\n";
  if (!report.by_rule.empty()) {
    out += "  Efter regel:\n";
    for (const auto& [rule, n] : report.by_rule)
      out += "    " + (rule.empty() ? std::string("(ingen regel)") : rule) + ": " + GroupThousands(n.lines) + " " +
             StatusDa(n.status) + (n.paragraph.empty() ? "" : " [" + n.paragraph + "]") + "\n";
  }
  if (!s.providers_checked)
    out += "  Bemærk: ydernumre er ikke kontrolleret, fordi der ikke er givet et ydernummerregister (--providers).\n";
  out += "  Intet er gemt eller sendt: kontrollen er kun en rapport.\n";
  return out;
}

nlohmann::json CheckReportJson(const CheckReport& report) {
  using json = nlohmann::json;
  const SettleSummary& s = report.summary;
  json lines = json::array();
  for (const CheckedLine& l : report.lines)
    lines.push_back({{"record", l.record},
                     {"line", l.line},
                     {"claim_id", l.claim_id},
                     {"provider", l.provider},
                     {"service_date", l.service_date},
                     {"code", l.code},
                     {"status", l.status},
                     {"amount_ore", l.amount_ore},
                     {"rule", l.rule},
                     {"reason", l.reason},
                     {"paragraph", l.paragraph}});
  json by_rule = json::object();
  for (const auto& [rule, n] : report.by_rule)
    by_rule[rule] = {{"status", n.status}, {"lines", n.lines}, {"reason", n.reason}, {"paragraph", n.paragraph}};
  return {{"claims_file", report.claims_file},
          {"agreement", {{"version", s.agreement_version}, {"content_hash", s.agreement_hash}}},
          {"summary",
           {{"lines", s.lines},
            {"accepted", s.accepted},
            {"rejected", s.rejected},
            {"review", s.review},
            {"amount_ore", s.amount_ore},
            {"statement_amount_ore", report.statement_amount_ore},
            {"price_level", s.price_level},
            {"providers_checked", s.providers_checked}}},
          {"by_rule", by_rule},
          {"lines", lines}};
}

}  // namespace almen
