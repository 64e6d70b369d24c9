#!/usr/bin/env python3
"""The content hash of an agreement directory, as Agreement::LoadFiles computes
it (src/agreement/agreement.cc): SHA-256 over each file's name and content,
each followed by a NUL, in name order (names relative to the directory, as
cmake/almen.cmake embeds them). The WebAssembly build (src/wasm/) takes the
builtin agreement's hash from here instead of hashing at run time.

Usage: scripts/agreement-hash.py DIR   -> prints the hex digest
"""
import hashlib
import os
import sys


def main() -> int:
    root = sys.argv[1]
    names = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            names.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))
    h = hashlib.sha256()
    for name in sorted(names, key=lambda n: n.encode()):
        with open(os.path.join(root, name), "rb") as fh:
            content = fh.read()
        h.update(name.encode() + b"\0" + content + b"\0")
    print(h.hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
