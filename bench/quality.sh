#!/usr/bin/env bash
# quality: detection quality against the labelled third-party corpora in
# ../shared/eval-dev (see its README), with its scorer. Each corpus's cases/
# is copied into a scratch git repository (heimdall scan takes a repository),
# scanned with `heimdall scan --format sarif`, and scored. One summary line
# per scored part; the scorer's full JSON is kept in OUT_DIR.
#
#   bench/quality.sh [BUILD_DIR] [OUT_DIR]      (EVAL_DIR=../shared/eval-dev)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$(mktemp -d)}
eval_dir=${EVAL_DIR:-../shared/eval-dev}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scan() {  # corpus -> $out/<corpus>.sarif
  local corpus=$1
  mkdir -p "$work/$corpus"
  cp -r "$eval_dir/$corpus/cases" "$work/$corpus/cases"
  git -C "$work/$corpus" init -q -b main
  git -C "$work/$corpus" add -A
  git -C "$work/$corpus" -c user.email=quality@localhost -c user.name=quality commit -qm cases
  local began=$SECONDS
  "$build/heimdall" scan "$work/$corpus" --format sarif --output "$out/$corpus.sarif" --quiet
  echo "# $corpus scanned in $((SECONDS - began)) s" >&2
}

# Prints "<label>: precision=P recall=R f1=F (tp fp fn)" for one score.py run.
score() {
  local label=$1 corpus=$2 group=$3
  shift 3
  python3 "$eval_dir/score.py" "$eval_dir/$corpus" "$out/$corpus.sarif" "$@" \
    --json "$out/$(echo "$label" | tr ' /,.' '____').json" > /dev/null
  python3 - "$out/$(echo "$label" | tr ' /,.' '____').json" "$label" "$group" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
label, group = sys.argv[2], sys.argv[3]
def find(node, key):
    if isinstance(node, dict):
        if key in node and isinstance(node[key], dict) and "tp" in node[key]:
            return node[key]
        for v in node.values():
            r = find(v, key)
            if r: return r
    return None
# "mapped/ALL" names a path; a bare name is searched for.
if "/" in group:
    g = data
    for part in group.split("/"):
        g = g.get(part, {}) if isinstance(g, dict) else {}
    g = g if "tp" in g else None
else:
    g = find(data, group)
if g is None:
    print(f"{label}: group {group} not in the scorer's output")
else:
    print(f"{label}: precision={g['precision']:.2f} recall={g['recall']:.2f} f1={g['f1']:.2f} "
          f"(tp={g['tp']} fp={g['fp']} fn={g['fn']})")
PY
}

for corpus in semgrep-rules owasp-benchmark-python owasp-benchmark-java juliet-c secrets-noseyparker iac-trivy-checks; do
  scan "$corpus"
done

score "semgrep-rules all --cwe" semgrep-rules ALL --cwe
score "semgrep-rules all --cwe --tol 2" semgrep-rules ALL --cwe --tol 2
score "semgrep-rules .py --cwe" semgrep-rules ALL --cwe --only .py
score "semgrep-rules js/ts --cwe" semgrep-rules ALL --cwe --only .js,.jsx,.ts,.tsx
score "semgrep-rules c --cwe" semgrep-rules ALL --cwe --only .c,.cpp,.h
score "semgrep-rules secrets" semgrep-rules ALL --only cases/generic/secrets
# Line mode without --cwe: most of semgrep's Dockerfile rules are best-practice
# checks that carry no CWE, so --cwe could never count them.
score "semgrep-rules dockerfile" semgrep-rules ALL --only cases/dockerfile
score "owasp-benchmark-python" owasp-benchmark-python ALL
score "owasp-benchmark-java" owasp-benchmark-java ALL
score "juliet-c --cwe" juliet-c ALL --cwe
score "secrets-noseyparker secret-category" secrets-noseyparker secret-category
score "iac-trivy-checks any finding" iac-trivy-checks any_finding/ALL
score "iac-trivy-checks dockerfile any finding" iac-trivy-checks any_finding/dockerfile
# Per check: docs/iac-trivy-map.json maps our rule ids to the Trivy checks they
# are about (for scoring only; no rule reads it).
score "iac-trivy-checks per check" iac-trivy-checks mapped/ALL --map docs/iac-trivy-map.json
echo "full scorer output in $out" >&2
