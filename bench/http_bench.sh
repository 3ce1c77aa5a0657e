#!/usr/bin/env bash
# http_bench: GET /api/scans/{id} through heimdall serve against a bare Beast
# server that returns the same bytes (bench/bare_http_server.cpp), in the
# same run, with the same wrk load: 2 threads, 64 keep-alive connections.
# The two are run alternately, twice each, and the figures averaged, since
# this machine is shared and noisy.
#
#   bench/http_bench.sh [BUILD_DIR]        (DURATION=seconds per run, default 10)
#
# Last line: ratio=<ours/bare> rps=<ours> p99_ms=<ours>
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
connections=64
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A scanned repository, so the route answers with a real scan record.
mkdir -p "$work/repos/app"
printf 'import os\nfrom flask import request\n\n@app.route("/x")\ndef x():\n    os.system(request.args["c"])\n' \
  > "$work/repos/app/app.py"
git -C "$work/repos/app" init -q -b main
git -C "$work/repos/app" add .
git -C "$work/repos/app" -c user.email=bench@localhost -c user.name=bench commit -qm bench

"$build/heimdall" serve --data "$work/data" --listen 127.0.0.1:0 --repo-root "$work/repos" \
  > "$work/serve.out" 2> "$work/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q "serving on" "$work/serve.err" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*serving on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.err")
token=$(sed -n 2p "$work/serve.out")
[ -n "$port" ] && [ -n "$token" ] || { echo "http_bench: heimdall serve did not start" >&2; cat "$work/serve.err" >&2; exit 2; }
auth="Authorization: Bearer $token"
base="http://127.0.0.1:$port"
repo=$(curl -sf -X POST "$base/api/repos" -H "$auth" \
  -d "{\"name\":\"bench\",\"source_url\":\"$work/repos/app\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')
scan=$(curl -sf -X POST "$base/api/repos/$repo/scan" -H "$auth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')
for _ in $(seq 300); do
  curl -sf "$base/api/scans/$scan" -H "$auth" | grep -q '"status":"completed"' && break
  sleep 0.1
done
curl -sf "$base/api/scans/$scan" -H "$auth" > "$work/body.json"
grep -q '"status":"completed"' "$work/body.json" || { echo "http_bench: the scan did not complete" >&2; exit 2; }

"$build/bench/bare_http_server" "$work/body.json" "$work/bare.port" 2 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/bare.port" ] && break; sleep 0.1; done
bare="http://127.0.0.1:$(cat "$work/bare.port")"

# Prints "<requests/s> <p99 ms>" of one wrk run.
measure() {
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" | python3 -c '
import re, sys
text = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([0-9.]+)(us|ms|s)\s*$", text, re.M).groups()
scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit("wrk saw %s non-2xx responses" % errors.group(1))
print(rps, float(value) * scale)'
}

cmp -s <(curl -s "$bare/api/scans/$scan") <(curl -s "$base/api/scans/$scan" -H "$auth") \
  || { echo "http_bench: the bare server's body differs from heimdall's" >&2; exit 2; }
ours=() theirs=()
for round in 1 2; do
  read -r r p < <(measure "$bare/api/scans/$scan")
  echo "round $round bare:     rps=$r p99_ms=$p"
  theirs+=("$r $p")
  read -r r p < <(measure -H "$auth" "$base/api/scans/$scan")
  echo "round $round heimdall: rps=$r p99_ms=$p"
  ours+=("$r $p")
done
python3 - "${ours[@]}" -- "${theirs[@]}" <<'PY'
import sys
args = sys.argv[1:]
cut = args.index("--")
ours = [tuple(map(float, a.split())) for a in args[:cut]]
bare = [tuple(map(float, a.split())) for a in args[cut + 1:]]
rps = sum(r for r, _ in ours) / len(ours)
bare_rps = sum(r for r, _ in bare) / len(bare)
p99 = sum(p for _, p in ours) / len(ours)
print("bare: rps=%.0f p99_ms=%.2f" % (bare_rps, sum(p for _, p in bare) / len(bare)))
print("ratio=%.2f rps=%.0f p99_ms=%.2f" % (rps / bare_rps, rps, p99))
PY
