#!/usr/bin/env bash
# Installs the Debian packages Heimdall needs, then configures and builds
# everything (binary, tests, benchmarks) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/fetch-grammars.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
# Two jobs: the machines have two cores, and the heavy translation units
# (Catch2, Beast) each want a gigabyte or more.
cmake --build build -j2
