#!/usr/bin/env python3
"""Seed inputs for the harnesses in fuzz/, from labelled code and fixtures.

    fuzz/make_seeds.py OUT_DIR [EVAL_DIR]     (EVAL_DIR: ../shared/eval-dev)

Writes OUT_DIR/<harness>/N: for scan_file_fuzzer and front_end_fuzzer and
config_fuzzer, a corpus file prefixed with the byte that makes the harness
read it as its own kind (the index into the harness's kNames or kLanguages
table, kept in step by hand below); the manifest and OSV fixtures of
tests/analysis/fixtures as they are. Files over 20 KB are left out: the
fuzzer mutates small inputs faster, and finds the large shapes by repetition.
"""
import os
import pathlib
import random
import sys

# scan_file_fuzzer.cpp kNames: index by extension (18 is Dockerfile).
SCAN_FILE = {".py": 0, ".js": 1, ".ts": 2, ".tsx": 3, ".java": 4, ".go": 5, ".php": 6, ".rb": 7, ".erb": 9,
             ".c": 10, ".cpp": 11, ".h": 12, ".html": 13, ".ejs": 14, ".pug": 15, ".hbs": 16, ".tf": 17,
             ".yml": 19, ".yaml": 20, ".json": 24, ".properties": 26, ".xml": 27, ".sh": 28, ".kt": 29}
# front_end_fuzzer.cpp kLanguages.
FRONT_END = {".py": 0, ".js": 1, ".ts": 2, ".java": 3, ".go": 4, ".php": 5, ".rb": 6}
# config_fuzzer.cpp kNames: main.tf, Dockerfile, docker-compose.yml, k8s/deploy.yaml, ..., stack.template.json.
CONFIG = {".tf": 0, "dockerfile": 1, ".yml": 2, ".yaml": 3, ".json": 7}


def main():
    out = pathlib.Path(sys.argv[1])
    eval_dir = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/eval-dev")
    fixtures = pathlib.Path(__file__).resolve().parent.parent / "tests" / "analysis" / "fixtures"
    for d in ("scan_file_fuzzer", "front_end_fuzzer", "config_fuzzer", "manifest_fuzzer", "osv_fuzzer"):
        (out / d).mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in eval_dir.glob("*/cases/**/*") if p.is_file() and p.stat().st_size <= 20000)
    random.Random(1).shuffle(files)
    counts = {"scan_file_fuzzer": 0, "front_end_fuzzer": 0, "config_fuzzer": 0}

    def put(harness, prefix, data, cap):
        if counts[harness] < cap:
            (out / harness / str(counts[harness])).write_bytes(bytes([prefix]) + data)
            counts[harness] += 1

    for p in files:
        ext = "dockerfile" if "dockerfile" in p.name.lower() else p.suffix
        data = p.read_bytes()
        if ext == "dockerfile":
            put("scan_file_fuzzer", 18, data, 1500)
        elif ext in SCAN_FILE:
            put("scan_file_fuzzer", SCAN_FILE[ext], data, 1500)
        if ext in FRONT_END:
            put("front_end_fuzzer", FRONT_END[ext], data, 1500)
        if ext in CONFIG:
            put("config_fuzzer", CONFIG[ext], data, 800)
    for harness, folder in (("manifest_fuzzer", "deps"), ("osv_fuzzer", "osv")):
        for i, p in enumerate(sorted(q for q in (fixtures / folder).rglob("*") if q.is_file())):
            (out / harness / f"{i}-{p.name}").write_bytes(p.read_bytes())
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
