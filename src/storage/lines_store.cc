// The lines of a run: line blocks (accepted) and flagged rows (rejected,
// review). See lines_store.h and line_blocks.h; measured in
// docs/performance.md ("Server").
#include "storage/lines_store.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <map>
#include <cstdio>
#include <cstring>
#include <charconv>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "common/csv.h"
#include "common/file.h"
#include "settlement/types.h"
#include "storage/claim_keys.h"
#include "storage/line_blocks.h"
#include "storage/storage.h"
#include "storage/table_util.h"

namespace almen {
namespace storage_internal {

namespace {

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Day of month of an ISO date "YYYY-MM-DD", or 0 if it is not one.
int DayOf(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' || date[8] < '0' || date[8] > '3' || date[9] < '0' ||
      date[9] > '9')
    return 0;
  int d = (date[8] - '0') * 10 + (date[9] - '0');
  return d >= 1 && d <= 31 ? d : 0;
}

std::string DayDate(std::string_view month, int day) {
  std::string s(month);
  s += '-';
  s += static_cast<char>('0' + day / 10);
  s += static_cast<char>('0' + day % 10);
  return s;
}

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

struct LineRef {
  int64_t seq = 0;
  std::string_view claim_id, provider, service_date, code, status;
  int64_t amount_ore = 0;
  std::string_view rule, reason, paragraph;
  uint64_t contact = 0;
  int64_t price_ore = 0;
  int64_t quantity = 1;
};

struct FlaggedRow {
  int64_t seq = 0;
  std::string claim_id, provider, service_date, code, status;
  int64_t amount_ore = 0;
  std::string rule, reason, paragraph;
  uint64_t contact = 0;
  int64_t price_ore = 0;
  int64_t quantity = 1;
};

std::string ContactHex(uint64_t v) {
  if (!v) return "";
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

// Routes the lines of one run to blocks (accepted) and flagged rows, and
// writes them on Flush.
class LineWriter {
 public:
  // `legacy`: the flagged_lines of migration 0006, before 0008 added the
  // contact, price and quantity columns (used by ConvertLegacyLines).
  LineWriter(SqlConnection& c, int64_t run_id, bool legacy = false) : c_(c), run_id_(run_id), legacy_(legacy) {}

  // REQUIRES: seq increasing within each (provider, month).
  Status Add(const LineRef& l) {
    if (!legacy_) {
      if (l.provider != key_provider_) {
        key_provider_.assign(l.provider);
        key_provider_int_ = std::atoi(key_provider_.c_str());
        keys_now_ = &keys_[key_provider_];
      }
      keys_now_->push_back(ClaimFingerprint(ClaimKey(key_provider_int_, l.claim_id).hi));
    }
    if (l.status != "accepted") {
      flagged_.push_back(FlaggedRow{l.seq, std::string(l.claim_id), std::string(l.provider),
                                    std::string(l.service_date), std::string(l.code), std::string(l.status),
                                    l.amount_ore, std::string(l.rule), std::string(l.reason),
                                    std::string(l.paragraph), l.contact, l.price_ore, l.quantity});
      return Status::Ok();
    }
    const int day = DayOf(l.service_date);
    if (day == 0) return InvalidInput("line " + std::to_string(l.seq) + ": service_date '" +
                                      std::string(l.service_date) + "' is not a date");
    std::string_view month = l.service_date.substr(0, 7);
    Group* g = last_;
    if (!g || g->provider != l.provider || g->month != month) {
      key_.assign(l.provider);
      key_ += '\x1f';
      key_ += month;
      auto it = by_key_.find(key_);
      if (it == by_key_.end()) {
        groups_.push_back(std::make_unique<Group>());
        g = groups_.back().get();
        g->provider = l.provider;
        g->month = month;
        by_key_.emplace(key_, g);
      } else {
        g = it->second;
      }
      last_ = g;
    }
    g->block.Add(l.seq, l.claim_id, day, l.code, l.amount_ore, l.rule, l.reason, l.paragraph, l.contact, l.quantity);
    if (!legacy_) g->contacts.push_back(static_cast<uint32_t>(l.contact));
    return Status::Ok();
  }

  // Compresses the blocks (on up to 2 threads) and inserts blocks and flagged
  // rows; the writer is empty afterwards.
  Status Flush(const std::atomic<bool>* cancel) {
    std::vector<std::string> data(groups_.size());
    {
      const size_t threads =
          std::min<size_t>(std::max(1u, std::min(2u, std::thread::hardware_concurrency())), groups_.size());
      std::atomic<size_t> next{0};
      auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < groups_.size();) data[i] = groups_[i]->block.FinishBase64();
      };
      std::vector<std::thread> pool;
      for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
      work();
      for (auto& t : pool) t.join();
    }
    if (cancel && cancel->load()) return Conflict("import cancelled (server shutting down); rolled back");
    size_t i = 0;
    std::vector<std::string> columns = {"run_id", "provider", "month", "lines", "amount_ore", "data"};
    if (!legacy_) columns.push_back("contacts");
    ALMEN_RETURN_IF_ERROR(c_.BulkInsert("line_blocks", columns, [&](SqlParams& row) -> StatusOr<bool> {
      if (i == groups_.size()) return false;
      Group& g = *groups_[i];
      std::sort(g.contacts.begin(), g.contacts.end());
      g.contacts.erase(std::unique(g.contacts.begin(), g.contacts.end()), g.contacts.end());
      row = {run_id_, g.provider, g.month, g.block.lines(), g.block.amount_ore(), std::move(data[i]),
             legacy_ ? std::string() : EncodeClaimKeySegment(g.contacts)};
      if (legacy_) row.resize(6);
      ++i;
      return true;
    }));
    size_t j = 0;
    std::vector<std::string> fcolumns = {"run_id", "seq", "claim_id", "provider", "service_date", "month", "code",
                                        "status", "amount_ore", "rule", "reason", "paragraph"};
    if (!legacy_) fcolumns.insert(fcolumns.end(), {"contact", "price_ore", "quantity"});
    ALMEN_RETURN_IF_ERROR(c_.BulkInsert("flagged_lines", fcolumns, [&](SqlParams& row) -> StatusOr<bool> {
      if (j == flagged_.size()) return false;
      FlaggedRow& f = flagged_[j++];
      std::string month = f.service_date.substr(0, 7);
      row = {run_id_,      f.seq,           std::move(f.claim_id), std::move(f.provider), std::move(f.service_date),
             std::move(month), std::move(f.code), std::move(f.status), f.amount_ore, std::move(f.rule),
             std::move(f.reason), std::move(f.paragraph), ContactHex(f.contact), f.price_ore, f.quantity};
      if (legacy_) row.resize(12);
      return true;
    }));
    // The claim-key segments of the run (claim_keys.h), one per provider
    // (none in migration 0006, which predates them: 0008 builds them).
    auto seg = keys_.begin();
    if (!keys_.empty())
      ALMEN_RETURN_IF_ERROR(c_.BulkInsert("claim_keys", {"run_id", "provider", "keys", "data"},
                                        [&](SqlParams& row) -> StatusOr<bool> {
                                          if (seg == keys_.end()) return false;
                                          std::vector<uint32_t>& k = seg->second;
                                          std::sort(k.begin(), k.end());
                                          row = {run_id_, seg->first, static_cast<int64_t>(k.size()),
                                                 EncodeClaimKeySegment(k)};
                                          ++seg;
                                          return true;
                                        }));
    keys_.clear();
    keys_now_ = nullptr;
    key_provider_.clear();
    groups_.clear();
    by_key_.clear();
    last_ = nullptr;
    flagged_.clear();
    return Status::Ok();
  }

 private:
  struct Group {
    std::string provider, month;
    LineBlockBuilder block;
    std::vector<uint32_t> contacts;  // low 32 bits of the lines' contact keys
  };
  SqlConnection& c_;
  int64_t run_id_;
  bool legacy_;
  std::map<std::string, std::vector<uint32_t>> keys_;  // provider -> claim-key fingerprints
  std::vector<uint32_t>* keys_now_ = nullptr;
  std::string key_provider_;
  int key_provider_int_ = 0;
  std::vector<std::unique_ptr<Group>> groups_;
  absl::flat_hash_map<std::string, Group*, SvHash, SvEq> by_key_;
  Group* last_ = nullptr;
  std::string key_;
  std::vector<FlaggedRow> flagged_;
};

}  // namespace

StatusOr<LinesImported> ImportLines(SqlConnection& c, int64_t run_id, const std::string& path,
                                    const std::string& aux_path, const std::atomic<bool>* cancel,
                                    const std::function<void(const std::string&, double)>& progress) {
  ALMEN_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open(path));
  ALMEN_ASSIGN_OR_RETURN(CsvReader r, CsvReader::Open("lines.csv", f.data()));
  ALMEN_RETURN_IF_ERROR(
      r.RequireColumns({"claim_id", "provider", "service_date", "code", "status", "amount_ore", "rule", "reason"}));
  const int cc = r.Column("claim_id"), cp = r.Column("provider"), cd = r.Column("service_date"),
            ck = r.Column("code"), cs = r.Column("status"), ca = r.Column("amount_ore"), cr = r.Column("rule"),
            crs = r.Column("reason"), cpar = r.Column("paragraph");  // paragraph: optional (older settlements)
  std::optional<MappedFile> aux;
  if (!aux_path.empty()) {
    ALMEN_ASSIGN_OR_RETURN(MappedFile a, MappedFile::Open(aux_path));
    aux = std::move(a);
  }
  LineWriter w(c, run_id);
  LinesImported out;
  const double size = static_cast<double>(std::max<size_t>(f.data().size(), 1));
  while (true) {
    ALMEN_ASSIGN_OR_RETURN(bool more, r.Next());
    if (!more) break;
    LineRef l;
    l.seq = ++out.lines;
    l.claim_id = r.field(cc);
    l.provider = r.field(cp);
    l.service_date = r.field(cd);
    l.code = r.field(ck);
    l.status = r.field(cs);
    auto amount = ParseInt64(r.field(ca));
    if (!amount) return r.FieldError(ca, "not an integer");
    l.amount_ore = *amount;
    l.price_ore = *amount;
    l.rule = r.field(cr);
    l.reason = r.field(crs);
    l.paragraph = r.field(cpar);
    if (aux) {
      const size_t at = static_cast<size_t>(l.seq - 1) * 24;
      if (at + 24 > aux->data().size()) return Internal("lines.aux is shorter than lines.csv");
      std::memcpy(&l.contact, aux->data().data() + at, 8);
      std::memcpy(&l.price_ore, aux->data().data() + at + 8, 8);
      std::memcpy(&l.quantity, aux->data().data() + at + 16, 8);
    }
    const bool accepted = l.status == "accepted", review = l.status == "review";
    if (!accepted && !review && l.status != "rejected") return r.FieldError(cs, "not accepted, rejected or review");
    if (l.rule == kDuplicateRule) ++out.duplicates;
    if (accepted) ++out.accepted;
    else if (review) ++out.review;
    else ++out.rejected;
    out.amount_ore += l.amount_ore;
    ALMEN_RETURN_IF_ERROR(w.Add(l));
    if ((out.lines & 65535) == 0) {
      if (cancel && cancel->load()) return Conflict("import cancelled (server shutting down); rolled back");
      if (progress) progress("import lines", static_cast<double>(r.record_offset()) / size);
    }
  }
  if (progress) progress("import line blocks", 0.0);
  ALMEN_RETURN_IF_ERROR(w.Flush(cancel));
  return out;
}

Status ConvertLegacyLines(SqlConnection& c) {
  // 0006_line_blocks.sql copied the rejected and review rows; the accepted
  // ones become blocks, one (run, provider) at a time.
  ALMEN_ASSIGN_OR_RETURN(auto pairs, c.Query("SELECT DISTINCT run_id, provider FROM lines WHERE status = 'accepted' "
                                             "ORDER BY run_id, provider"));
  for (const auto& pr : pairs) {
    const int64_t run_id = pr.Int(0);
    ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT seq, claim_id, service_date, code, amount_ore, rule, reason "
                                              "FROM lines WHERE run_id = $1 AND provider = $2 AND status = "
                                              "'accepted' ORDER BY seq",
                                              {run_id, pr.Str(1)}));
    LineWriter w(c, run_id, /*legacy=*/true);
    const std::string provider = pr.Str(1);
    for (const auto& row : rows) {
      const std::string claim = row.Str(1), date = row.Str(2), code = row.Str(3), rule = row.Str(5),
                        reason = row.Str(6);
      LineRef l{row.Int(0), claim, provider, date, code, "accepted", row.Int(4), rule, reason, "", 0, row.Int(4), 1};
      ALMEN_RETURN_IF_ERROR(w.Add(l));
    }
    ALMEN_RETURN_IF_ERROR(w.Flush(nullptr));
  }
  return c.ExecScript("DROP TABLE lines");
}

}  // namespace storage_internal

// ---- Reports on lines ----------------------------------------------------

using storage_internal::AppendScope;
using storage_internal::MakeTable;
using storage_internal::Param;

namespace {

const std::vector<std::string>& LineColumns() {
  static const std::vector<std::string> cols = {"run_id", "seq",    "claim_id", "provider", "service_date", "code",
                                                "status", "amount_ore", "rule", "reason", "paragraph"};
  return cols;
}

bool Matches(const LineFilter& f, const BlockLine& l) {
  return (f.rule.empty() || l.rule == f.rule) && (f.code.empty() || l.code == f.code) &&
         (f.claim.empty() || l.claim_id == f.claim);
}

bool FlaggedOnly(const LineFilter& f) { return f.status == "rejected" || f.status == "review"; }

// A page's order (LineFilter::sort), checked against LineSortColumns.
struct LineSort {
  std::string col;  // "" = the stored order
  bool desc = false;
};

StatusOr<LineSort> ParseLineSort(const LineFilter& f) {
  LineSort s;
  if (f.sort.empty()) return s;
  s.desc = f.sort[0] == '-';
  s.col = s.desc ? f.sort.substr(1) : f.sort;
  const auto ok = LineSortColumns(f);
  if (std::find(ok.begin(), ok.end(), s.col) != ok.end()) return s;
  static const std::set<std::string> known = {"provider", "service_date", "code", "status", "amount_ore", "rule"};
  if (!known.contains(s.col))
    return InvalidInput("Linjerne kan ikke sorteres efter '" + s.col +
                        "' (provider, service_date, code, status, amount_ore eller rule).");
  return InvalidInput("Linjerne kan kun sorteres efter '" + s.col +
                      "' med et filter på ydernummer og måned, eller for afviste linjer og linjer til manuel kontrol.");
}

}  // namespace

std::vector<std::string> LineSortColumns(const LineFilter& f) {
  if (FlaggedOnly(f)) return {"provider", "service_date", "code", "status", "amount_ore", "rule"};
  if (f.provider.empty()) return {"provider"};
  if (f.month.empty()) return {"provider", "service_date"};
  return {"provider", "service_date", "code", "status", "amount_ore", "rule"};
}

namespace {

// A page of lines as their latest correction has them (line_corrections,
// docs/ledger.md): status, amount, rule, reason and paragraph; the column
// `corrected_by_run` names the run that changed the line (null: unchanged).
Status OverlayCorrections(SqlConnection& c, Table* t) {
  t->columns.push_back("corrected_by_run");
  if (t->rows.empty()) {
    return Status::Ok();
  }
  // Each (run, seq) pair of the page with OR (a row-value IN is not portable).
  SqlParams p;
  std::string where;
  for (const auto& r : t->rows) {
    const std::string run = Param(p, r[0].get<int64_t>()), seq = Param(p, r[1].get<int64_t>());
    where += (where.empty() ? "(" : " OR (") + std::string("line_run_id = ") + run + " AND line_seq = " + seq + ")";
  }
  std::map<std::pair<int64_t, int64_t>, SqlRow> latest;
  if (t->rows.size() <= 1000) {
    ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT line_run_id, line_seq, status, amount_ore, rule, reason, paragraph, "
                                              "run_id FROM line_corrections WHERE " + where + " ORDER BY id",
                                              p));
    for (auto& r : rows) latest[{r.Int(0), r.Int(1)}] = std::move(r);
  } else {
    ALMEN_ASSIGN_OR_RETURN(auto any, c.Query("SELECT 1 FROM line_corrections LIMIT 1"));
    if (!any.empty()) {
      ALMEN_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT line_run_id, line_seq, status, amount_ore, rule, reason, "
                                                "paragraph, run_id FROM line_corrections ORDER BY id"));
      for (auto& r : rows) latest[{r.Int(0), r.Int(1)}] = std::move(r);
    }
  }
  for (auto& row : t->rows) {
    auto it = latest.find({row[0].get<int64_t>(), row[1].get<int64_t>()});
    if (it == latest.end()) {
      row.push_back(nullptr);
      continue;
    }
    const SqlRow& r = it->second;
    row[6] = r.Str(2);
    row[7] = r.Int(3);
    row[8] = r.Str(4);
    row[9] = r.Str(5);
    row[10] = r.Str(6);
    row.push_back(r.Int(7));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Table> Storage::Lines(const Scope& scope, const LineFilter& f) {
  ALMEN_ASSIGN_OR_RETURN(Table t, LinesAsStored(scope, f));
  auto c = pool_->Borrow();
  ALMEN_RETURN_IF_ERROR(OverlayCorrections(*c, &t));
  return t;
}

StatusOr<Table> Storage::LinesAsStored(const Scope& scope, const LineFilter& f) {
  ALMEN_ASSIGN_OR_RETURN(const LineSort sort, ParseLineSort(f));
  auto c = pool_->Borrow();
  const int64_t limit = std::clamp<int64_t>(f.limit, 1, 100000);
  int64_t offset = std::max<int64_t>(f.offset, 0);
  const bool want_blocks = f.status.empty() || f.status == "accepted";
  const bool want_flagged = f.status != "accepted";

  // Rejected and review lines: rows.
  SqlParams fp;
  std::string fwhere = " WHERE 1 = 1";
  if (!f.provider.empty()) fwhere += " AND provider = " + Param(fp, f.provider);
  if (!f.month.empty()) fwhere += " AND month = " + Param(fp, f.month);
  if (!f.status.empty()) fwhere += " AND status = " + Param(fp, f.status);
  if (!f.rule.empty()) fwhere += " AND rule = " + Param(fp, f.rule);
  if (!f.code.empty()) fwhere += " AND code = " + Param(fp, f.code);
  if (!f.claim.empty()) fwhere += " AND claim_id = " + Param(fp, f.claim);
  if (f.run_id > 0) fwhere += " AND run_id = " + Param(fp, f.run_id);
  AppendScope(fwhere, fp, scope, "provider");
  const std::string fselect = "SELECT run_id, seq, claim_id, provider, service_date, code, status, amount_ore, rule, "
                              "reason, paragraph FROM flagged_lines";
  if (!want_blocks) {
    ALMEN_ASSIGN_OR_RETURN(auto total, c->Query("SELECT COUNT(*) FROM flagged_lines" + fwhere, fp));
    SqlParams q = fp;
    // sort.col is one of LineSortColumns' names (checked above), never user text.
    const std::string order = sort.col.empty() ? "" : sort.col + (sort.desc ? " DESC, " : ", ");
    std::string sql = fselect + fwhere + " ORDER BY " + order + "provider, service_date, run_id, seq LIMIT " +
                      Param(q, limit) + " OFFSET " + Param(q, offset);
    ALMEN_ASSIGN_OR_RETURN(Table t, MakeTable(*c, sql, q, LineColumns(), "iisssssisss"));
    t.total = total.at(0).Int(0);
    return t;
  }

  // Accepted lines: blocks. Lines are ordered by (provider, service_date,
  // run_id, seq), so whole (provider, month) groups come in (provider, month)
  // order: count each group, skip groups before the page and decode only the
  // ones the page needs.
  struct BlockMeta {
    int64_t run_id, lines;
  };
  struct Group {
    std::vector<BlockMeta> blocks;
    int64_t flagged = 0, count = 0;
  };
  std::map<std::pair<std::string, std::string>, Group> groups;
  SqlParams bp;
  std::string bwhere = " WHERE 1 = 1";
  if (!f.provider.empty()) bwhere += " AND provider = " + Param(bp, f.provider);
  if (!f.month.empty()) bwhere += " AND month = " + Param(bp, f.month);
  if (f.run_id > 0) bwhere += " AND run_id = " + Param(bp, f.run_id);
  AppendScope(bwhere, bp, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto metas, c->Query("SELECT provider, month, run_id, lines FROM line_blocks" + bwhere +
                                                  " ORDER BY provider, month, run_id",
                                              bp));
  for (const auto& m : metas) groups[{m.Str(0), m.Str(1)}].blocks.push_back({m.Int(2), m.Int(3)});
  if (want_flagged) {
    ALMEN_ASSIGN_OR_RETURN(auto fc, c->Query("SELECT provider, month, COUNT(*) FROM flagged_lines" + fwhere +
                                                 " GROUP BY provider, month",
                                             fp));
    for (const auto& r : fc) groups[{r.Str(0), r.Str(1)}].flagged = r.Int(2);
  }
  const bool decode_to_count = !f.rule.empty() || !f.code.empty() || !f.claim.empty();
  auto blocks_of = [&](const std::string& provider, const std::string& month) {
    SqlParams p;
    std::string sql = "SELECT run_id, data FROM line_blocks WHERE provider = " + Param(p, provider) +
                      " AND month = " + Param(p, month);
    if (f.run_id > 0) sql += " AND run_id = " + Param(p, f.run_id);
    return c->Query(sql + " ORDER BY run_id", p);
  };
  int64_t total = 0;
  for (auto& [key, g] : groups) {
    g.count = g.flagged;
    if (!decode_to_count) {
      for (const auto& b : g.blocks) g.count += b.lines;
    } else if (!g.blocks.empty()) {
      ALMEN_ASSIGN_OR_RETURN(auto rows, blocks_of(key.first, key.second));
      for (const auto& r : rows)
        ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(r.Str(1), [&](const BlockLine& l) { g.count += Matches(f, l); }));
    }
    total += g.count;
  }

  Table t;
  t.columns = LineColumns();
  t.total = total;
  // The groups in page order: by provider, then month; descending by
  // provider or (one provider) by service date when asked.
  using GroupEntry = std::pair<const std::pair<std::string, std::string>, Group>;
  std::vector<GroupEntry*> order;
  for (auto& e : groups) order.push_back(&e);
  if (sort.desc && sort.col == "provider")
    std::stable_sort(order.begin(), order.end(),
                     [](const GroupEntry* a, const GroupEntry* b) { return a->first.first > b->first.first; });
  if (sort.desc && sort.col == "service_date") std::reverse(order.begin(), order.end());
  // Within a group: by a column's value (code, status, amount_ore, rule) when
  // asked, then (day, run_id, seq); by service date descending all reversed.
  const bool by_text = sort.col == "code" || sort.col == "status" || sort.col == "rule";
  const bool by_amount = sort.col == "amount_ore";
  for (GroupEntry* e : order) {
    const auto& key = e->first;
    Group& g = e->second;
    if (static_cast<int64_t>(t.rows.size()) >= limit) break;
    if (offset >= g.count) {
      offset -= g.count;
      continue;
    }
    const auto& [provider, month] = key;
    // The group's matching lines as sort keys: (value, day, run_id, seq) → where.
    struct Item {
      int day;
      int64_t run_id, seq;
      int64_t flagged;  // index into frows, or -1 for a block line
      std::string text;  // the sort column's value (by_text)
      int64_t amount = 0;
    };
    std::vector<Item> items;
    std::vector<SqlRow> frows;
    if (g.flagged > 0) {
      SqlParams p = fp;
      std::string sql = fselect + fwhere + " AND provider = " + Param(p, provider) + " AND month = " + Param(p, month);
      ALMEN_ASSIGN_OR_RETURN(frows, c->Query(sql, p));
      const size_t col = sort.col == "code" ? 5 : sort.col == "status" ? 6 : 8;
      for (size_t i = 0; i < frows.size(); ++i)
        items.push_back({0, frows[i].Int(0), frows[i].Int(1), static_cast<int64_t>(i),
                         by_text ? frows[i].Str(col) : std::string(), frows[i].Int(7)});
    }
    std::vector<SqlRow> brows;
    if (!g.blocks.empty()) {
      ALMEN_ASSIGN_OR_RETURN(brows, blocks_of(provider, month));
      for (const auto& r : brows) {
        const int64_t run_id = r.Int(0);
        ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(r.Str(1), [&](const BlockLine& l) {
          if (!Matches(f, l)) return;
          std::string text;
          if (sort.col == "code") text.assign(l.code);
          else if (sort.col == "rule") text.assign(l.rule);
          else if (sort.col == "status") text = "accepted";
          items.push_back({l.day, run_id, l.seq, -1, std::move(text), l.amount_ore});
        }));
      }
    }
    // Flagged rows sort by their full service_date (the same month: the day decides).
    for (auto& it : items)
      if (it.flagged >= 0) {
        std::string d = frows[static_cast<size_t>(it.flagged)].Str(4);
        it.day = d.size() >= 10 ? (d[8] - '0') * 10 + (d[9] - '0') : 0;
      }
    const bool desc = sort.desc;
    std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      if (by_text && a.text != b.text) return desc ? a.text > b.text : a.text < b.text;
      if (by_amount && a.amount != b.amount) return desc ? a.amount > b.amount : a.amount < b.amount;
      if (a.day != b.day) return a.day < b.day;
      if (a.run_id != b.run_id) return a.run_id < b.run_id;
      return a.seq < b.seq;
    });
    if (desc && sort.col == "service_date") std::reverse(items.begin(), items.end());
    const size_t from = static_cast<size_t>(offset);
    const size_t take = std::min(items.size() - std::min(items.size(), from),
                                 static_cast<size_t>(limit) - t.rows.size());
    offset = 0;
    // Materialise the page's lines: flagged rows directly, block lines by a
    // second decode of their blocks.
    std::map<std::pair<int64_t, int64_t>, size_t> wanted;  // (run_id, seq) → row index
    const size_t base = t.rows.size();
    t.rows.resize(base + take);
    for (size_t k = 0; k < take; ++k) {
      const Item& it = items[from + k];
      if (it.flagged >= 0) {
        const SqlRow& r = frows[static_cast<size_t>(it.flagged)];
        t.rows[base + k] = {r.Int(0), r.Int(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5),
                            r.Str(6), r.Int(7), r.Str(8), r.Str(9), r.Str(10)};
      } else {
        wanted[{it.run_id, it.seq}] = base + k;
      }
    }
    if (!wanted.empty()) {
      for (const auto& r : brows) {
        const int64_t run_id = r.Int(0);
        ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(r.Str(1), [&](const BlockLine& l) {
          auto w = wanted.find({run_id, l.seq});
          if (w == wanted.end()) return;
          t.rows[w->second] = {run_id,         l.seq,   std::string(l.claim_id), provider,
                               storage_internal::DayDate(month, l.day), std::string(l.code), "accepted", l.amount_ore,
                               std::string(l.rule), std::string(l.reason), std::string(l.paragraph)};
        }));
      }
    }
  }
  return t;
}

Status Storage::ForEachLine(int64_t run_id, const std::function<Status(const StoredLine&)>& fn) {
  auto c = pool_->Borrow();
  StoredLine l;
  ALMEN_ASSIGN_OR_RETURN(auto blocks, c->Query("SELECT provider, month, data FROM line_blocks WHERE run_id = $1 "
                                               "ORDER BY provider, month",
                                               {run_id}));
  for (const auto& b : blocks) {
    Status st;
    const std::string provider = b.Str(0), month = b.Str(1);
    ALMEN_RETURN_IF_ERROR(DecodeLineBlockBase64(b.Str(2), [&](const BlockLine& bl) {
      if (!st.ok()) return;
      l.seq = bl.seq;
      l.claim_id.assign(bl.claim_id);
      l.provider = provider;
      l.service_date = storage_internal::DayDate(month, bl.day);
      l.code.assign(bl.code);
      l.status = "accepted";
      l.amount_ore = bl.amount_ore;
      l.rule.assign(bl.rule);
      l.reason.assign(bl.reason);
      l.paragraph.assign(bl.paragraph);
      st = fn(l);
    }));
    ALMEN_RETURN_IF_ERROR(st);
  }
  ALMEN_ASSIGN_OR_RETURN(auto rows, c->Query("SELECT seq, claim_id, provider, service_date, code, status, amount_ore, "
                                             "rule, reason, paragraph FROM flagged_lines WHERE run_id = $1",
                                             {run_id}));
  for (const auto& r : rows) {
    l.seq = r.Int(0);
    l.claim_id = r.Str(1);
    l.provider = r.Str(2);
    l.service_date = r.Str(3);
    l.code = r.Str(4);
    l.status = r.Str(5);
    l.amount_ore = r.Int(6);
    l.rule = r.Str(7);
    l.reason = r.Str(8);
    l.paragraph = r.Str(9);
    ALMEN_RETURN_IF_ERROR(fn(l));
  }
  return Status::Ok();
}

StatusOr<Table> Storage::Rejections(const Scope& scope, const std::string& month) {
  auto c = pool_->Borrow();
  SqlParams p;
  std::string sql = "SELECT status, rule, COUNT(*), COUNT(DISTINCT provider), MIN(reason) FROM flagged_lines "
                    "WHERE status IN ('rejected', 'review')";
  if (!month.empty()) sql += " AND month = " + Param(p, month);
  AppendScope(sql, p, scope, "provider");
  sql += " GROUP BY status, rule ORDER BY COUNT(*) DESC, rule";
  return MakeTable(*c, sql, p, {"status", "rule", "lines", "providers", "reason"}, "ssiis");
}

StatusOr<Table> Storage::Overview(const Scope& scope, const std::string& year) {
  auto c = pool_->Borrow();
  SqlParams p;
  std::string where = " WHERE 1 = 1";
  if (!year.empty())
    where += " AND month >= " + Param(p, year + "-01") + " AND month <= " + Param(p, year + "-12");
  std::string lwhere = where, swhere = where;
  SqlParams lp = p, sp = p;
  AppendScope(lwhere, lp, scope, "provider");
  AppendScope(swhere, sp, scope, "provider");
  ALMEN_ASSIGN_OR_RETURN(auto brows, c->Query("SELECT month, COALESCE(SUM(lines), 0), COALESCE(SUM(amount_ore), 0) "
                                              "FROM line_blocks" + lwhere + " GROUP BY month",
                                              lp));
  ALMEN_ASSIGN_OR_RETURN(
      auto frows,
      c->Query("SELECT month, SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'review' "
               "THEN 1 ELSE 0 END), COALESCE(SUM(amount_ore), 0) FROM flagged_lines" + lwhere + " GROUP BY month",
               lp));
  ALMEN_ASSIGN_OR_RETURN(auto srows, c->Query("SELECT month, COALESCE(SUM(amount_ore), 0) FROM ledger_balances" + swhere +
                                                  " GROUP BY month",
                                              sp));
  std::map<std::string, std::array<int64_t, 5>> m;  // spend, lines amount, accepted, rejected, review
  for (const auto& r : srows) m[r.Str(0)][0] = r.Int(1);
  for (const auto& r : brows) {
    auto& a = m[r.Str(0)];
    a[1] += r.Int(2);
    a[2] += r.Int(1);
  }
  for (const auto& r : frows) {
    auto& a = m[r.Str(0)];
    a[1] += r.Int(3);
    a[3] += r.Int(1);
    a[4] += r.Int(2);
  }
  Table t;
  t.columns = {"month", "spend_ore", "lines_amount_ore", "accepted", "rejected", "review"};
  for (const auto& [month, a] : m) t.rows.push_back({month, a[0], a[1], a[2], a[3], a[4]});
  return t;
}

StatusOr<Table> Storage::Runs(const Scope& scope) {
  auto c = pool_->Borrow();
  SqlParams p;
  const std::vector<std::string> cols = {"id", "created_at", "created_by", "source", "claims_name",
                                         "agreement_version", "lines", "accepted", "rejected", "review",
                                         "duplicates", "amount_ore", "statement_amount_ore"};
  if (scope.kind == Scope::Kind::kAll) {
    return MakeTable(*c,
                     "SELECT id, created_at, created_by, source, claims_name, agreement_version, lines, accepted, "
                     "rejected, review, duplicates, amount_ore, statement_amount_ore FROM runs ORDER BY id DESC",
                     p, cols, "isssssiiiiiii");
  }
  std::string bscope, lscope, sscope;
  AppendScope(bscope, p, scope, "b.provider");
  AppendScope(lscope, p, scope, "l.provider");
  AppendScope(sscope, p, scope, "s.provider");
  const std::string accepted = "(SELECT COALESCE(SUM(b.lines), 0) FROM line_blocks b WHERE b.run_id = r.id" + bscope + ")";
  std::string sql =
      "SELECT r.id, r.created_at, r.created_by, r.source, r.claims_name, r.agreement_version, " + accepted +
      " + (SELECT COUNT(*) FROM flagged_lines l WHERE l.run_id = r.id" + lscope + "), " + accepted + ", "
      "(SELECT COUNT(*) FROM flagged_lines l WHERE l.run_id = r.id AND l.status = 'rejected'" + lscope + "), "
      "(SELECT COUNT(*) FROM flagged_lines l WHERE l.run_id = r.id AND l.status = 'review'" + lscope + "), "
      "(SELECT COUNT(*) FROM flagged_lines l WHERE l.run_id = r.id AND l.rule = 'claim.duplicate'" + lscope + "), "
      "(SELECT COALESCE(SUM(b.amount_ore), 0) FROM line_blocks b WHERE b.run_id = r.id" + bscope + ") + "
      "(SELECT COALESCE(SUM(l.amount_ore), 0) FROM flagged_lines l WHERE l.run_id = r.id" + lscope + "), "
      "(SELECT COALESCE(SUM(s.amount_ore), 0) FROM postings s WHERE s.run_id = r.id" + sscope + ") "
      "FROM runs r ORDER BY r.id DESC";
  return MakeTable(*c, sql, p, cols, "isssssiiiiiii");
}

}  // namespace almen
