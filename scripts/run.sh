#!/usr/bin/env bash
# The main job: install, build, and run the server on embedded defaults
# (127.0.0.1:8080, data under ./data). Extra arguments go to `heimdall serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
exec build/heimdall serve --data ./data "$@"
