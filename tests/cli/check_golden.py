#!/usr/bin/env python3
"""`almen check` agrees with `almen settle` on every golden settlement scenario.

For each tests/golden/settlement/*.test and tests/golden/badinput/*.test (the
scenario format of tests/golden/run.py), runs `almen settle` and
`almen check --format json` on the same inputs, arguments and agreement, and
asserts:
  - bad input: both exit 1 with the same message (file:line:col);
  - otherwise check exits 0 (even when lines are rejected), its summary equals
    settle's summary.json (lines, accepted, rejected, review, amount_ore,
    statement_amount_ore) and its lines are exactly settle's rejected and
    review lines, in order, with the same claim, date, code, status, amount,
    rule, reason and paragraph, each with a line number of the claim file;
  - check leaves nothing on disk: its TMPDIR is empty afterwards and nothing
    new appears beside the inputs; the text report is Danish and exits 0.
Usage: check_golden.py ALMEN GOLDEN_DIR
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from run import decode, parse  # noqa: E402  (the golden runner's scenario parser)

REFS = ("providers", "listings", "botilbud", "attachments", "sanctions")


def input_flags(work):
    """The claims and whichever reference files a materialised scenario has, as flags."""
    flags = ["--claims", os.path.join(work, "claims.csv")]
    for ref in REFS:
        if os.path.exists(os.path.join(work, ref + ".csv")):
            flags += ["--" + ref, os.path.join(work, ref + ".csv")]
    return flags


def materialise(scenario, work):
    """Writes a scenario's input files into `work`; returns (args, agreement dir or None, expected error or None)."""
    _, sections, order = parse(scenario)
    args, agreement, command = [], None, None
    for name in order:
        if name == "args":
            args = sections[name].split()
        elif name == "command":
            command = sections[name]
        elif name.startswith("agreement/"):
            if agreement is None:
                agreement = os.path.join(work, "agreement")
                shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "agreement",
                                             "ok25"), agreement)
            fname, data = decode(name[len("agreement/"):], sections[name])
            with open(os.path.join(agreement, fname), "wb") as f:
                f.write(data)
        elif not name.startswith("expect"):
            fname, data = decode(name, sections[name])
            with open(os.path.join(work, fname), "wb") as f:
                f.write(data)
    error = sections["expect error"].strip() if "expect error" in sections else None
    return command, args, agreement, error


def main():
    almen, golden = sys.argv[1], sys.argv[2]
    scenarios = []
    for sub in ("settlement", "badinput"):
        d = os.path.join(golden, sub)
        scenarios += [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".test")]
    failures, checked = [], 0
    for scenario in scenarios:
        work = tempfile.mkdtemp(prefix="almen-check-golden-")
        tmp = tempfile.mkdtemp(prefix="almen-check-tmp-")
        try:
            command, args, agreement, error = materialise(scenario, work)
            if command is not None:
                continue  # not a settlement scenario
            inputs = input_flags(work)
            pre = ["--agreement", agreement] if agreement else []
            env = dict(os.environ, ALMEN_PSEUDONYM_KEY="golden-test-key", TZ="Europe/Copenhagen")
            out = os.path.join(work, "out")
            before = sorted(os.listdir(work))
            s = subprocess.run([almen] + pre + ["settle"] + inputs + ["--out", out] + args, capture_output=True, env=env)
            check_env = dict(env, TMPDIR=tmp)
            c = subprocess.run([almen] + pre + ["check"] + inputs + ["--format", "json"] + args, capture_output=True,
                               env=check_env)
            t = subprocess.run([almen] + pre + ["check"] + inputs + args, capture_output=True, env=check_env)
            name = os.path.relpath(scenario, golden)
            checked += 1
            left = os.listdir(tmp)
            if left:
                failures.append(f"{name}: check left files in TMPDIR: {left}")
            after = sorted(n for n in os.listdir(work) if n != "out")
            if after != before:
                failures.append(f"{name}: check wrote beside the inputs: {sorted(set(after) - set(before))}")
            if error is not None:
                if s.returncode != 1 or c.returncode != 1 or t.returncode != 1:
                    failures.append(f"{name}: bad input: settle exit {s.returncode}, check exit {c.returncode}/{t.returncode}")
                elif s.stderr != c.stderr:
                    failures.append(f"{name}: messages differ:\n settle: {s.stderr!r}\n check:  {c.stderr!r}")
                elif c.stdout:
                    failures.append(f"{name}: check printed a report for bad input")
                continue
            if s.returncode != 0:
                failures.append(f"{name}: settle failed: {s.stderr.decode()}")
                continue
            if c.returncode != 0 or t.returncode != 0:
                failures.append(f"{name}: check exit {c.returncode}/{t.returncode}: {c.stderr.decode()}")
                continue
            report = json.loads(c.stdout.decode("utf-8"))
            with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
                summary = json.load(f)
            for k in ("lines", "accepted", "rejected", "review", "amount_ore", "statement_amount_ore"):
                if report["summary"][k] != summary[k]:
                    failures.append(f"{name}: summary {k}: check {report['summary'][k]}, settle {summary[k]}")
            if report["agreement"]["content_hash"] != summary["agreement"]["content_hash"]:
                failures.append(f"{name}: agreement hash differs")
            with open(os.path.join(out, "lines.csv"), encoding="utf-8", newline="") as f:
                rows = [r for r in csv.DictReader(f) if r["status"] != "accepted"]
            want = [(r["claim_id"], r["provider"], r["service_date"], r["code"], r["status"], int(r["amount_ore"]),
                     r["rule"], r["reason"], r["paragraph"]) for r in rows]
            got = [(l["claim_id"], l["provider"], l["service_date"], l["code"], l["status"], l["amount_ore"], l["rule"],
                    l["reason"], l["paragraph"]) for l in report["lines"]]
            if want != got:
                failures.append(f"{name}: flagged lines differ:\n settle: {want}\n check:  {got}")
            lines = [l["line"] for l in report["lines"]]
            if lines != sorted(lines) or any(n < 2 for n in lines):
                failures.append(f"{name}: line numbers {lines}")
            text = t.stdout.decode("utf-8")
            if "Forvalidering af claims.csv" not in text:
                failures.append(f"{name}: the text report lacks its summary:\n{text}")
            for l in report["lines"]:
                if f"claims.csv:{l['line']}: regning {l['claim_id']}" not in text:
                    failures.append(f"{name}: the text report lacks line {l['line']}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(tmp, ignore_errors=True)
    # Usage (exit 2) and an unreadable file (exit 1), as settle.
    work = tempfile.mkdtemp(prefix="almen-check-usage-")
    try:
        claims = os.path.join(work, "claims.csv")
        with open(claims, "w", encoding="utf-8") as f:
            f.write("claim_id,provider,cpr,service_date,code\n1,012345,0101801234,2025-03-03,0101\n")
        for want, extra in ((2, []), (2, ["--claims", claims, "--botilbud", claims]),
                            (2, ["--claims", claims, "--format", "xml"]),
                            (2, ["--claims", claims, "--period", "2025-13"]),
                            (1, ["--claims", os.path.join(work, "nope.csv")]), (0, ["--claims", claims])):
            r = subprocess.run([almen, "check"] + extra, capture_output=True)
            checked += 1
            if r.returncode != want:
                failures.append(f"check {' '.join(extra)}: exit {r.returncode}, want {want}: {r.stderr.decode()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\n".join(failures))
        print(f"FAIL: {len(failures)} problem(s) in {checked} scenarios")
        return 1
    print(f"ok: almen check agrees with almen settle on {checked} golden scenarios")
    return 0


if __name__ == "__main__":
    sys.exit(main())
