#!/usr/bin/env python3
"""The WebAssembly check agrees with the native one (issue 16: "the golden suite
through the WebAssembly build under node").

For each tests/golden/settlement/*.test and tests/golden/badinput/*.test
(materialised as tests/cli/check_golden.py does, which also checks that the
native check agrees with `almen settle`), and for a generated data set with
providers and listings, runs the native `almen check --format json` and the
WebAssembly build under node (almen_check_node.mjs) on the same files and
arguments, and asserts:
  - the same exit status; on bad input the same message (file:line:col);
  - otherwise the same report, byte for byte as JSON: summary, agreement
    version and content hash, every rejected and review line with its rule,
    Danish reason and paragraph, and the counts by rule;
  - the module's built-in agreement has the native content hash and its
    SHA-256 passes the standard test vectors.
Exit 77 (skipped) with a message when node or the WebAssembly build is missing.
Usage: check_golden.py ALMEN WASM_DIR GOLDEN_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
sys.path.insert(0, os.path.join(HERE, "..", "golden"))
from check_golden import input_flags, materialise  # noqa: E402

NODE_ENV = dict(os.environ, NODE_PATH=os.environ.get("NODE_PATH", "/usr/share/nodejs"), TZ="Europe/Copenhagen")


def main():
    almen, wasm, golden = sys.argv[1], sys.argv[2], sys.argv[3]
    node = shutil.which("node")
    if not node:
        print("SKIPPED: node is not installed (scripts/deps.sh installs it)")
        return 77
    if not (os.path.exists(os.path.join(wasm, "almen_check.js")) and os.path.exists(os.path.join(wasm, "almen_check.wasm"))):
        print(f"SKIPPED: no WebAssembly build in {wasm}: emscripten missing? run scripts/build-wasm.sh "
              "(scripts/test.sh does; apt-get install emscripten)")
        return 77
    runner = [node, os.path.join(HERE, "almen_check_node.mjs"), wasm]
    env = dict(os.environ, ALMEN_PSEUDONYM_KEY="golden-test-key", TZ="Europe/Copenhagen")
    failures, checked = [], 0

    def compare(name, inputs, pre_native, pre_wasm, args, expect_error):
        nonlocal checked
        n = subprocess.run([almen] + pre_native + ["check"] + inputs + ["--format", "json"] + args, capture_output=True,
                           env=env)
        w = subprocess.run(runner + pre_wasm + inputs + args, capture_output=True, env=NODE_ENV)
        checked += 1
        if n.returncode != w.returncode:
            failures.append(f"{name}: exit native {n.returncode}, wasm {w.returncode}: {w.stderr.decode()[:2000]}")
            return
        if expect_error is not None or n.returncode != 0:
            if n.stderr != w.stderr:
                failures.append(f"{name}: messages differ:\n native: {n.stderr!r}\n wasm:   {w.stderr!r}")
            return
        a, b = json.loads(n.stdout), json.loads(w.stdout)
        if a != b:
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    failures.append(f"{name}: '{k}' differs:\n native: {json.dumps(a.get(k))[:1500]}\n"
                                    f" wasm:   {json.dumps(b.get(k))[:1500]}")

    for sub in ("settlement", "badinput"):
        d = os.path.join(golden, sub)
        for scenario in sorted(os.path.join(d, x) for x in os.listdir(d) if x.endswith(".test")):
            work = tempfile.mkdtemp(prefix="almen-wasm-golden-")
            try:
                command, args, agreement, error = materialise(scenario, work)
                if command is not None:
                    continue  # not a settlement scenario
                inputs = input_flags(work)
                pre = ["--agreement", agreement] if agreement else []
                compare(os.path.relpath(scenario, golden), inputs, pre, pre, args, error)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    # A generated data set: many clinics, every kind of line, providers and listings.
    work = tempfile.mkdtemp(prefix="almen-wasm-generated-")
    try:
        g = subprocess.run([almen, "generate", "--out", work, "--lines", "20000", "--seed", "16"], capture_output=True)
        if g.returncode != 0:
            failures.append(f"generate failed: {g.stderr.decode()}")
        else:
            inputs = ["--claims", os.path.join(work, "claims.csv")]
            for ref in ("providers", "listings"):
                inputs += ["--" + ref, os.path.join(work, ref + ".csv")]
            compare("generated 20.000 lines", inputs, [], [], [], None)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # The built-in agreement: the native content hash (the module's is computed when it is built).
    info = json.loads(subprocess.run(runner + ["--info"], capture_output=True, env=NODE_ENV, check=True).stdout)
    native = json.loads(subprocess.run([almen, "agreement", "show", "--json"], capture_output=True, check=True).stdout)
    checked += 1
    native_hash = native.get("content_hash") or native.get("hash") or native.get("agreement", {}).get("content_hash")
    if info["content_hash"] != native_hash:
        failures.append(f"built-in agreement hash: wasm {info['content_hash']}, native {native_hash}")

    if failures:
        print("\n".join(failures))
        print(f"FAIL: {len(failures)} problem(s) in {checked} comparisons")
        return 1
    print(f"ok: the WebAssembly check agrees with the native check on {checked} comparisons "
          f"(golden settlement and bad-input scenarios, a generated set, the agreement hash {info['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
