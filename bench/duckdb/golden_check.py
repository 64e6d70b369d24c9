#!/usr/bin/env python3
"""Runs the DuckDB peer on the golden settlement scenarios (tests/golden/settlement/*.test)
that use only what the peer implements (no args, sanctions, botilbud register or escaped
bytes) and checks its lines (status, amount, rule) and statements.csv against the expected
files. Exit 0 when every scenario agrees, 1 otherwise.

Usage: golden_check.py REPO_ROOT WORK_DIR
"""
import csv
import difflib
import glob
import io
import os
import re
import subprocess
import sys


def sections(path):
    out, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^--- (.+?)\s*$", line)
            if m:
                cur = m.group(1)
                out[cur] = ""
            elif cur:
                out[cur] += line
    return out


def main():
    root, work = sys.argv[1], sys.argv[2]
    failed = checked = 0
    for test in sorted(glob.glob(os.path.join(root, "tests/golden/settlement/*.test"))):
        s = sections(test)
        name = os.path.basename(test)
        if any(k in s for k in ("args", "botilbud.csv", "sanctions.csv", "claims.csv (escaped)")):
            continue
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        cmd = ["node", os.path.join(root, "bench/duckdb/settle.mjs"), "--agreement", os.path.join(root, "agreement/ok25"),
               "--out", os.path.join(d, "peer")]
        for kind in ("claims", "providers", "listings"):
            if kind + ".csv" in s:
                with open(os.path.join(d, kind + ".csv"), "w", encoding="utf-8") as f:
                    f.write(s[kind + ".csv"])
                cmd += ["--" + kind, os.path.join(d, kind + ".csv")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        checked += 1
        if r.returncode != 0:
            print(f"FAIL {name}: the peer failed: {r.stderr.strip()[-300:]}")
            failed += 1
            continue
        want = list(csv.DictReader(io.StringIO(s["expect lines.csv"])))
        with open(os.path.join(d, "peer/lines.csv"), encoding="utf-8") as f:
            got = list(csv.DictReader(f))
        diffs = [(w["claim_id"], w["code"], (w["status"], w["amount_ore"], w["rule"]), (g["status"], g["amount_ore"], g["rule"]))
                 for w, g in zip(want, got)
                 if (w["claim_id"], w["status"], w["amount_ore"], w["rule"]) != (g["claim_id"], g["status"], g["amount_ore"], g["rule"])]
        if len(want) != len(got):
            diffs.append(("lines", len(want), len(got)))
        with open(os.path.join(d, "peer/statements.csv"), encoding="utf-8") as f:
            statements = f.read()
        # A scenario without an expected statements.csv checks its lines only.
        statements_differ = "expect statements.csv" in s and statements != s["expect statements.csv"]
        if diffs or statements_differ:
            failed += 1
            print(f"FAIL {name}: lines {diffs[:5]}")
            print("".join(list(difflib.unified_diff(s.get("expect statements.csv", "").splitlines(True),
                                                    statements.splitlines(True), "expected", "peer"))[:20]))
        else:
            print(f"ok   {name}")
    print(f"golden scenarios through the peer: {checked - failed} agree, {failed} differ")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
