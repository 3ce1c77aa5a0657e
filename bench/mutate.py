#!/usr/bin/env python3
"""mutate: a tree of damaged copies of real files, to scan as a fuzzing pass.

    bench/mutate.py --seed N --out DIR SOURCE_DIR [SOURCE_DIR ...]

Picks 400 files (under 200 KB) from the source directories and writes three
mutants of each into DIR/d0..d39, each made by one of: truncation, a slice
repeated 50-5,000 times, random byte flips (which make invalid UTF-8), 30
inserted quotes/brackets/operators, a cut-and-join, or shuffled lines. The
same seed gives the same tree. Then commit it and scan it; every scan must
end (exit 0), in bounded memory and time, with output that parses:

    (cd DIR && git init -q && git add -A && git commit -qm mutants)
    /usr/bin/time -f '%e s %M KB' build/heimdall scan DIR --format json --output out.json --quiet
"""
import argparse
import os
import random

OPERATORS = b"\"'`{}[]()#/*\\$<>%\n:-=|&!?"


def mutate(data: bytes, rng: random.Random) -> bytes:
    m = bytearray(data)
    op = rng.randrange(6)
    if op == 0:
        m = m[: rng.randrange(len(m))]
    elif op == 1:
        i = rng.randrange(len(m))
        j = min(len(m), i + rng.randrange(1, 60))
        m = m[:i] + m[i:j] * rng.choice([50, 500, 5000]) + m[j:]
    elif op == 2:
        for _ in range(max(1, len(m) // 40)):
            m[rng.randrange(len(m))] = rng.randrange(256)
    elif op == 3:
        for _ in range(30):
            m.insert(rng.randrange(len(m) + 1), rng.choice(OPERATORS))
    elif op == 4:
        i, j = rng.randrange(len(m)), rng.randrange(len(m))
        m = m[:i] + m[j:]
    else:
        lines = m.split(b"\n")
        rng.shuffle(lines)
        m = bytearray(b"\n".join(lines))
    return bytes(m[:3_000_000])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = []
    for root in args.sources:
        for d, dirs, names in os.walk(root):
            dirs[:] = sorted(x for x in dirs if x != ".git")
            for n in sorted(names):
                p = os.path.join(d, n)
                if os.path.isfile(p) and 0 < os.path.getsize(p) < 200_000:
                    files.append(p)
    count = 0
    for path in rng.sample(files, min(400, len(files))):
        data = open(path, "rb").read()
        for k in range(3):
            d = os.path.join(args.out, f"d{count % 40}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{k}_{count}_{os.path.basename(path)}"), "wb") as f:
                f.write(mutate(data, rng))
            count += 1
    print(f"{count} files in {args.out}")


if __name__ == "__main__":
    main()
