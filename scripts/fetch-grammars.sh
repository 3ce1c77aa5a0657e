#!/usr/bin/env bash
# Fetches the tree-sitter grammars analysis/ parses source with, as listed and
# pinned in third_party/grammars.txt: each is an npm package that ships its
# generated C parser (parser.c, maybe a scanner); and the tree-sitter runtime
# of third_party/tree-sitter.txt (the C library inside its node binding's
# package; without it the build uses Debian's older one). Unpacked into
# third_party/grammars/ (not in git); CMake builds what is there. Idempotent: a grammar already
# unpacked is kept. A grammar that cannot be fetched is reported and skipped:
# the build goes on without it, and its languages fall back to the pattern
# rules (a scan says so).
set -uo pipefail
cd "$(dirname "$0")/.."

# Each package once (typescript's holds two grammars).
mapfile -t grammars < <(grep -v '^#' third_party/grammars.txt | awk 'NF { print $2 }' | sort -u)
runtime=$(grep -v '^#' third_party/tree-sitter.txt | awk 'NF { print $1 }')

dest=third_party/grammars
mkdir -p "$dest"
if ! command -v npm >/dev/null; then
  echo "fetch-grammars: npm not found: building without tree-sitter grammars" >&2
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for spec in "${grammars[@]}" $runtime; do
  name=${spec%@*}
  [ -f "$dest/$spec/package.json" ] && continue
  if ! (cd "$scratch" && npm pack "$spec" --silent >/dev/null 2>"$scratch/err"); then
    echo "fetch-grammars: could not fetch $spec: $(tail -1 "$scratch/err")" >&2
    continue
  fi
  mkdir -p "$dest/$spec.partial"
  tar -xzf "$scratch/$name-${spec#*@}.tgz" -C "$dest/$spec.partial" --strip-components=1 \
    package/package.json --wildcards 'package/src/*' 'package/*/src/*' 'package/common/*' \
    'package/vendor/tree-sitter/lib/*' 2>/dev/null
  rm -rf "$dest/$spec" && mv "$dest/$spec.partial" "$dest/$spec"
done
exit 0
