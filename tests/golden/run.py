#!/usr/bin/env python3
"""Golden scenario runner for `almen settle`.

A scenario file holds, in sections, the input files, the command's extra
arguments and the expected output, readable by a settlement officer:

    # what this scenario shows (free text)
    --- args
    --price-level apr-24
    --- claims.csv
    claim_id,provider,cpr,service_date,code
    ...
    --- providers.csv            (optional; also listings.csv, …)
    ...
    --- expect lines.csv         (exact file content)
    ...
    --- expect statements.csv    (optional)
    ...
    --- expect error             (bad input: exit 1, this text on stderr,
    claims.csv:3:4 (service_date)  and no output directory)

A section name ending in "(escaped)" has \\xNN escapes decoded to bytes.
Usage: run.py ALMEN SCENARIO [--update]   (--update rewrites the expect sections)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def parse(path):
    header, sections, order = [], {}, []
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^--- (.+?)\s*$", line)
            if m:
                current = m.group(1)
                sections[current] = ""
                order.append(current)
            elif current is None:
                header.append(line)
            else:
                sections[current] += line
    return header, sections, order


def decode(name, text):
    if name.endswith("(escaped)"):
        return name[: -len("(escaped)")].strip(), re.sub(
            rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), text.encode("utf-8"))
    return name, text.encode("utf-8")


def main():
    almen, scenario = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    header, sections, order = parse(scenario)
    work = tempfile.mkdtemp(prefix="almen-golden-")
    try:
        args = []
        for name in order:
            if name == "args":
                args = sections[name].split()
            elif not name.startswith("expect"):
                fname, data = decode(name, sections[name])
                with open(os.path.join(work, fname), "wb") as f:
                    f.write(data)
        cmd = [almen, "settle", "--claims", os.path.join(work, "claims.csv"), "--out", os.path.join(work, "out")]
        for ref in ("providers", "listings", "botilbud", "attachments", "sanctions"):
            if os.path.exists(os.path.join(work, ref + ".csv")):
                cmd += ["--" + ref, os.path.join(work, ref + ".csv")]
        cmd += args
        env = dict(os.environ, ALMEN_PSEUDONYM_KEY="golden-test-key", TZ="Europe/Copenhagen")
        p = subprocess.run(cmd, capture_output=True, env=env)
        stderr = p.stderr.decode("utf-8", "replace")
        failures = []
        if "expect error" in sections:
            want = sections["expect error"].strip()
            if p.returncode != 1:
                failures.append(f"exit status {p.returncode}, want 1 (bad input)")
            if want not in stderr:
                failures.append(f"stderr lacks {want!r}:\n{stderr}")
            if os.path.exists(os.path.join(work, "out")):
                failures.append("an output directory was written for bad input")
            leftovers = [n for n in os.listdir(work) if n.startswith(".almen-staging")]
            if leftovers:
                failures.append(f"staging directories left behind: {leftovers}")
        else:
            if p.returncode != 0:
                failures.append(f"exit status {p.returncode}:\n{stderr}")
            else:
                for name in order:
                    if not name.startswith("expect ") or name == "expect error":
                        continue
                    fname = name[len("expect "):]
                    with open(os.path.join(work, "out", fname), encoding="utf-8") as f:
                        got = f.read()
                    if update:
                        sections[name] = got
                    elif got != sections[name]:
                        import difflib
                        diff = "".join(difflib.unified_diff(sections[name].splitlines(True), got.splitlines(True),
                                                            "expected " + fname, "got " + fname))
                        failures.append(diff)
        if update and not failures:
            with open(scenario, "w", encoding="utf-8") as f:
                f.write("".join(header))
                for name in order:
                    f.write(f"--- {name}\n{sections[name]}")
            print(f"updated {scenario}")
            return 0
        if failures:
            print(f"FAIL {scenario}\n" + "\n".join(failures))
            return 1
        print(f"ok {scenario}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
