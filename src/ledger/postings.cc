#include "ledger/postings.h"

#include <cstdio>

#include "common/format_da.h"

namespace almen {

std::string ItemCode(int code) {
  if (code < 0) return "";
  char b[16];
  std::snprintf(b, sizeof b, "%04d", code);
  return b;
}

namespace {

void Book(Posting* p, const PostingContext& ctx) {
  p->run_id = ctx.run_id;
  p->book_month = ctx.BookMonth(p->month);
  if (p->month < p->book_month)
    p->reason += " Efterregulering for " + FormatMonthDa(p->month) + ", bogført i " + FormatMonthDa(p->book_month) +
                 " (måneden er afsluttet).";
}

std::string LineName(const LineCorrection& c) {
  return "regning " + c.claim_id + " (ydelse " + ItemCode(c.code) + " af " + FormatDateDa(c.date) + ")";
}

std::string Cause(const LineCorrection& c) {
  if (c.cause_claim_id.empty()) return "";
  return ", udløst af regning " + c.cause_claim_id +
         (c.cause_date.days() ? " af " + FormatDateDa(c.cause_date) : std::string());
}

// The rule and paragraph of a monthly item when nothing is owed any more.
std::pair<std::string, std::string> ItemRule(const std::string& item) {
  if (item == "basishonorar") return {"basishonorar", "Overenskomst om almen praksis (basishonorar)"};
  if (item == "chronic_fee") return {"chronic.enrol", "agreement.md C4"};
  if (item == "bosted_honorarium") return {"bosted.honorarium", "Forhandlingsaftale OK25 afsnit 2 og Bilag 2"};
  if (item == "offset") return {"sanction.collection", "Overenskomst om almen praksis § 114 stk. 2 b og c"};
  return {item, ""};
}

std::string ItemDa(const std::string& item) {
  if (item == "basishonorar") return "Basishonorar";
  if (item == "chronic_fee") return "Kronikerhonorar";
  if (item == "bosted_honorarium") return "Honorar som fast tilknyttet læge";
  if (item == "offset") return "Modregning";
  return item;
}

}  // namespace

std::vector<Posting> ServicePostings(const std::vector<ServiceTotal>& totals, const PostingContext& ctx) {
  std::vector<Posting> out;
  for (const ServiceTotal& t : totals) {
    if (!Paid(t.status)) continue;  // a rejected line pays nothing
    Posting p;
    p.provider = t.provider;
    p.month = t.month;
    p.item = "service";
    p.code = ItemCode(t.code);
    p.count = t.count;
    p.amount_ore = t.amount.ore();
    p.kind = "original";
    p.status = std::string(StatusName(t.status));
    p.rule = t.rule;
    p.paragraph = t.paragraph;
    p.reason = t.reason;
    Book(&p, ctx);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Posting> CorrectionPostings(const std::vector<LineCorrection>& corrections, const PostingContext& ctx) {
  std::vector<Posting> out;
  for (const LineCorrection& c : corrections) {
    // A chronic enrolment line is paid as the monthly chronic_fee item, which
    // the monthly adjustments correct.
    if (c.chronic) continue;
    const bool was_paid = Paid(c.old_status), now_paid = Paid(c.new_status);
    if (c.old_amount == c.new_amount && was_paid == now_paid) continue;  // the status alone: no money
    Posting base;
    base.provider = c.provider;
    base.month = Month::Of(c.date);
    base.item = "service";
    base.code = ItemCode(c.code);
    base.cause = c.cause_claim_id;
    base.line_run_id = c.run_id;
    base.line_seq = c.seq;
    if (was_paid) {
      Posting r = base;
      r.kind = "reversal";
      r.count = -c.quantity;
      r.amount_ore = -c.old_amount.ore();
      r.status = std::string(StatusName(c.old_status));
      r.rule = c.old_rule;
      r.paragraph = c.old_paragraph;
      r.reason = "Tilbageførsel af " + LineName(c) + Cause(c) + ". Tidligere: " + c.old_reason;
      Book(&r, ctx);
      out.push_back(std::move(r));
    }
    Posting n = base;
    n.kind = "correction";
    n.count = now_paid ? c.quantity : 0;
    n.amount_ore = c.new_amount.ore();
    n.status = std::string(StatusName(c.new_status));
    n.rule = c.new_rule;
    n.paragraph = c.new_paragraph;
    n.reason = "Korrektion af " + LineName(c) + Cause(c) + ": " + c.new_reason;
    Book(&n, ctx);
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<Posting> MonthlyAdjustments(const std::vector<OwedItem>& owed,
                                        const std::map<BalanceKey, BalanceValue>& posted,
                                        const std::set<std::string>& items, const PostingContext& ctx) {
  std::map<BalanceKey, const OwedItem*> want;
  for (const OwedItem& o : owed) {
    const std::string item(StatementItemName(o.item));
    if (!items.contains(item)) continue;
    want[{o.provider, o.month.serial, item, ItemCode(o.code)}] = &o;
  }
  std::vector<Posting> out;
  auto frozen = [&](int32_t month) { return ctx.frozen_through && !(*ctx.frozen_through < Month{month}); };
  for (const auto& [key, o] : want) {
    if (frozen(key.month)) continue;
    auto it = posted.find(key);
    const int64_t count = o->count - (it == posted.end() ? 0 : it->second.count);
    const int64_t amount = o->amount.ore() - (it == posted.end() ? 0 : it->second.amount_ore);
    if (count == 0 && amount == 0) continue;
    Posting p;
    p.provider = key.provider;
    p.month = Month{key.month};
    p.item = key.item;
    p.code = key.code;
    p.count = count;
    p.amount_ore = amount;
    p.kind = it == posted.end() ? "original" : "adjustment";
    p.rule = o->rule;
    p.paragraph = o->paragraph;
    p.reason = it == posted.end() ? o->reason
                                  : "Genberegnet: " + o->reason + " Tidligere bogført " +
                                        FormatKroner(Money::FromOre(it->second.amount_ore)) + ".";
    Book(&p, ctx);
    out.push_back(std::move(p));
  }
  for (const auto& [key, v] : posted) {
    if (!items.contains(key.item) || want.contains(key) || frozen(key.month)) continue;
    if (v.count == 0 && v.amount_ore == 0) continue;
    Posting p;
    p.provider = key.provider;
    p.month = Month{key.month};
    p.item = key.item;
    p.code = key.code;
    p.count = -v.count;
    p.amount_ore = -v.amount_ore;
    p.kind = "adjustment";
    std::tie(p.rule, p.paragraph) = ItemRule(key.item);
    p.reason = "Genberegnet: " + ItemDa(key.item) + " for " + FormatMonthDa(Month{key.month}) +
               " er ikke længere skyldigt efter registrene og patienthistorikken; tidligere bogført " +
               FormatKroner(Money::FromOre(v.amount_ore)) + " tilbageføres.";
    Book(&p, ctx);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace almen
