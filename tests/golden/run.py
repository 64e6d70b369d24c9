#!/usr/bin/env python3
"""Golden scenario runner for `almen settle` and the economy commands.

A scenario file holds, in sections, the input files, the command's extra
arguments and the expected output, readable by a settlement officer:

    # what this scenario shows (free text, with the paragraph it tests)
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

Without a `command` section the command is `almen settle` on claims.csv (and
providers.csv, listings.csv, botilbud.csv, attachments.csv, sanctions.csv when
given) with --out into the work directory, as before. Other commands:

    --- command                  (one line: the subcommand and its arguments;
    ramme --year 2025 --expenses {expenses.csv}   {NAME} is the path of input
                                 file NAME, {out} an output directory)
    --- agreement/index.csv      (optional: replaces that file of a copy of
    ...                          agreement/ok25, passed as --agreement)
    --- expect stdout.json       (a JSON subset: every key given must be in the
    {"offset_ore": 123}          output with this value; arrays compare whole,
                                 except ["contains", {…}, …]: each given element
                                 matches some element of the output's array)
    --- expect offset_overlay.csv   (an exact file of {out})

A section name ending in "(escaped)" has \\xNN escapes decoded to bytes.
Usage: run.py ALMEN SCENARIO [--update]   (--update rewrites the exact expect sections)
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


def subset_mismatches(want, got, path):
    """Where `got` differs from `want`: objects compare the keys of `want`, the rest exactly."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path or '.'}: want an object, got {got!r}"]
        out = []
        for k, v in want.items():
            if k not in got:
                out.append(f"{path}.{k}: missing")
            else:
                out += subset_mismatches(v, got[k], f"{path}.{k}")
        return out
    if isinstance(want, list) and want[:1] == ["contains"]:
        # ["contains", a, b, …]: each of a, b, … matches (as a subset) some element of the output's list.
        if not isinstance(got, list):
            return [f"{path}: want a list, got {got!r}"]
        out = []
        for i, w in enumerate(want[1:]):
            if not any(not subset_mismatches(w, g, "") for g in got):
                out.append(f"{path}: no element matches {w!r}")
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{path}: want {len(want)} elements, got {got!r}"]
        out = []
        for i, (w, g) in enumerate(zip(want, got)):
            out += subset_mismatches(w, g, f"{path}[{i}]")
        return out
    if want != got or type(want) is not type(got):
        return [f"{path}: want {want!r}, got {got!r}"]
    return []


def main():
    almen, scenario = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv[3:]
    header, sections, order = parse(scenario)
    work = tempfile.mkdtemp(prefix="almen-golden-")
    try:
        args = []
        command = None
        agreement = None
        for name in order:
            if name == "args":
                args = sections[name].split()
            elif name == "command":
                command = sections[name].split()
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
        out_dir = os.path.join(work, "out")
        if command is None:
            cmd = [almen, "settle", "--claims", os.path.join(work, "claims.csv"), "--out", out_dir]
            for ref in ("providers", "listings", "botilbud", "attachments", "sanctions"):
                if os.path.exists(os.path.join(work, ref + ".csv")):
                    cmd += ["--" + ref, os.path.join(work, ref + ".csv")]
        else:
            def place(arg):
                return re.sub(r"\{([^}]+)\}", lambda m: out_dir if m.group(1) == "out" else os.path.join(work, m.group(1)), arg)
            cmd = [almen] + [place(a) for a in command]
        if agreement is not None:
            cmd = [cmd[0], "--agreement", agreement] + cmd[1:]
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
            if os.path.exists(out_dir):
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
                    if fname == "stdout.json":
                        import json
                        try:
                            got_json = json.loads(p.stdout.decode("utf-8"))
                        except ValueError as e:
                            failures.append(f"stdout is not JSON ({e})")
                            continue
                        want_json = json.loads(sections[name])
                        failures += [f"stdout.json {m}" for m in subset_mismatches(want_json, got_json, "")]
                        continue
                    with open(os.path.join(out_dir, fname), encoding="utf-8") as f:
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
