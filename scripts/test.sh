#!/usr/bin/env bash
# The test command: install, build, then run the whole suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
ctest -j2 --output-on-failure
