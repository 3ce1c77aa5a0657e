#!/usr/bin/env python3
"""`heimdall scan` on a disk that fills up mid-scan, then gets space again.

The log lives on a 4 MiB tmpfs mounted in a private mount namespace
(`unshare -m`, so nothing outside this test sees it), and the scanned
repository gives far more events than fit. Checks, the way a store is
trusted:

  1. the scan ends, within a minute, with exit 2 and the reason on stderr
     ("no space left on device"), instead of waiting for an end that cannot
     be written (its own message, not only RocksDB's log lines);
  2. the full log is consistent (`heimdall log verify`);
  3. once the file system has room again (remounted larger), the log opens,
     the stopped scan is resumed and completes, and every event that was in
     its stream before is still there, unchanged: nothing acknowledged is
     lost.

Exit 0 when all hold, 1 (with the reason) when one does not, 77 (CTest's
skip) when this machine does not let the test mount a tmpfs."""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

# Runs inside the namespace: mounts, scans (full disk), verifies, keeps the
# stopped scan's stream, remounts larger, scans again, verifies, exports.
STEPS = r"""
set -u
mnt=$1 bin=$2 repo=$3 out=$4
mount -t tmpfs -o size=4m heimdall-disk-full "$mnt" || exit 77
timeout 60 "$bin" scan "$repo" --data "$mnt/log" --format json --output "$out/first.json" --quiet 2> "$out/first.err"
echo $? > "$out/first.rc"
"$bin" log verify --data "$mnt/log" > "$out/verify1.out" 2>&1; echo $? > "$out/verify1.rc"
"$bin" log streams --data "$mnt/log" > "$out/streams1.out" 2>&1
for s in $(awk 'NR > 1 && $1 ~ /^scan-/ {print $1}' "$out/streams1.out"); do
  "$bin" log export --stream "$s" --data "$mnt/log" > "$out/before-$s.ndjson" 2> /dev/null
done
mount -o remount,size=512m "$mnt"
timeout 120 "$bin" scan "$repo" --data "$mnt/log" --format json --output "$out/second.json" --quiet 2> "$out/second.err"
echo $? > "$out/second.rc"
"$bin" log verify --data "$mnt/log" > "$out/verify2.out" 2>&1; echo $? > "$out/verify2.rc"
for f in "$out"/before-*.ndjson; do
  s=${f#"$out/before-"}; s=${s%.ndjson}
  "$bin" log export --stream "$s" --data "$mnt/log" > "$out/after-$s.ndjson" 2> /dev/null
done
exit 0
"""


def make_repo(path):
    """Ten files of request data into shell and eval: ~2,000 findings, a
    log several times the tmpfs."""
    path.mkdir()
    for i in range(10):
        lines = ["from flask import request", "import os", ""]
        for j in range(100):
            lines += [f"def handler_{j}():", f"    os.system('ls ' + request.args['a{j}'])",
                      f"    return eval(request.args['b{j}'])", ""]
        (path / f"app{i}.py").write_text("\n".join(lines))
    git = ["git", "-C", str(path), "-c", "user.email=test@localhost", "-c", "user.name=test"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git[:3] + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "cases"], check=True)


def read(path):
    return path.read_text() if path.exists() else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heimdall", required=True)
    args = ap.parse_args()
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        print("skipped: cannot make a mount namespace here (unshare -m)")
        return 77
    with tempfile.TemporaryDirectory(prefix="heimdall-disk-full-") as tmp:
        tmp = pathlib.Path(tmp)
        repo, out, mnt = tmp / "repo", tmp / "out", tmp / "mnt"
        out.mkdir()
        mnt.mkdir()
        make_repo(repo)
        run = subprocess.run(["unshare", "-m", "sh", "-c", STEPS, "steps", str(mnt), args.heimdall, str(repo), str(out)],
                             capture_output=True, text=True, timeout=300)
        if run.returncode == 77:
            print("skipped: cannot mount a tmpfs here")
            return 77
        problems = []
        first_rc, first_err = read(out / "first.rc").strip(), read(out / "first.err")
        if first_rc != "2":
            problems.append(f"full disk: exit {first_rc or '?'} (want 2; 124 is a hang)")
        own = [l for l in first_err.splitlines() if l.startswith("heimdall scan:")]
        if not any("no space left on device" in l.lower() for l in own):
            problems.append(f"full disk: heimdall gives no reason on stderr: {own!r}")
        if read(out / "verify1.rc").strip() != "0":
            problems.append("full disk: log verify failed: " + read(out / "verify1.out")[-400:])
        befores = sorted(out.glob("before-*.ndjson"))
        if not befores or not any(read(f).strip() for f in befores):
            problems.append("full disk: no scan stream was kept at all")
        if read(out / "second.rc").strip() != "0":
            problems.append(f"with space again: exit {read(out / 'second.rc').strip() or '?'}: "
                            + read(out / "second.err")[-400:])
        if read(out / "verify2.rc").strip() != "0":
            problems.append("with space again: log verify failed: " + read(out / "verify2.out")[-400:])
        for before in befores:
            stream = before.name[len("before-"):-len(".ndjson")]
            old = read(before).splitlines()
            new = read(out / f"after-{stream}.ndjson").splitlines()
            if new[:len(old)] != old:
                problems.append(f"{stream}: the events from before the disk filled are not all there unchanged")
            types = [json.loads(line).get("type") for line in new if line.strip()]
            if "scan.completed" not in types:
                problems.append(f"{stream}: the stopped scan was not resumed to completion (last: {types[-1:]})")
        for p in problems:
            print(p, file=sys.stderr)
        if not problems:
            print(f"ok: full disk stopped the scan with the reason; {len(befores)} stopped scan(s) resumed, "
                  f"{sum(len(read(f).splitlines()) for f in befores)} earlier events kept")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
