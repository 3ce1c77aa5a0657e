#!/usr/bin/env bash
# Installs every Debian package Heimdall needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  librocksdb-dev        # event log
  libsimdjson-dev       # JSON parsing
  libboost1.81-dev      # Beast (HTTP/SSE)
  libre2-dev            # rule matching
  libyaml-dev           # YAML configuration files (Kubernetes, compose, CI, CloudFormation)
  libtree-sitter-dev    # parsing source: the fallback runtime when scripts/fetch-grammars.sh did not fetch ours
  libgit2-dev           # repositories (ingest)
  libcaf-dev            # actors (CAF 0.17)
  libssl-dev            # SHA-256 of detected secrets (libcrypto)
  libsodium-dev         # password hashes (Argon2id), API keys encrypted at rest
  libjemalloc-dev       # the allocator of heimdall and scan_bench
  catch2                # tests (Catch2 v2, header-only)
  python3-jsonschema    # schema validation of the events the tests produce
  python3-yaml          # tests/check_openapi.py reads schemas/openapi.yaml
  git                   # check_openapi.py builds its sample repository with it
  bandit flawfinder     # peers scan_bench measures against
  wrk curl              # load generator and client of bench/http_bench.sh
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
