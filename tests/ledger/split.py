#!/usr/bin/env python3
"""Splits a claims.csv into several files (the ledger's invariant tests).

  split.py CLAIMS OUTDIR MODE [SEED]

MODE: quarter | month | week (by service date) | clinic:N (N files by
provider) | lines:N (N consecutive slices) | random:N (each line to a random
file) | shuffle:N (random files, then the files' order shuffled: the names
say the upload order). Writes OUTDIR/part-001.csv … in upload order and prints
their paths, one per line.
"""
import csv, datetime, os, random, sys


def main():
    claims, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rnd = random.Random(seed)
    with open(claims, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    kind, _, n = mode.partition(":")
    n = int(n) if n else 0
    parts = {}
    for i, r in enumerate(body):
        d = datetime.date.fromisoformat(r[col["service_date"]])
        if kind == "quarter":
            key = (d.year, (d.month - 1) // 3)
        elif kind == "month":
            key = (d.year, d.month)
        elif kind == "week":
            key = tuple(d.isocalendar()[:2])
        elif kind == "clinic":
            key = int(r[col["provider"]]) % n
        elif kind == "lines":
            key = i * n // max(1, len(body))
        elif kind in ("random", "shuffle"):
            key = rnd.randrange(n)
        else:
            sys.exit("unknown mode " + mode)
        parts.setdefault(key, []).append(r)
    keys = sorted(parts)
    if kind == "shuffle":
        rnd.shuffle(keys)
    os.makedirs(out, exist_ok=True)
    for k, key in enumerate(keys, 1):
        path = os.path.join(out, "part-%03d.csv" % k)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(parts[key])
        print(path)


if __name__ == "__main__":
    main()
