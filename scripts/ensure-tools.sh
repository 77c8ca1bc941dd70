#!/usr/bin/env bash
# Builds the servers the test suite will start itself (scripts/tools.sh; a first build takes
# minutes, after that the cache answers at once) before mocha runs, so that no test's hook spends its
# timeout on a go build. Servers given by TEMPORAL_ADDRESS / MONGODB_URI, or a mongod on PATH, need none.
set -euo pipefail
cd "$(dirname "$0")"
[ -n "${TEMPORAL_ADDRESS:-}" ] || bash tools.sh temporal >/dev/null
[ -n "${MONGODB_URI:-}" ] || command -v mongod >/dev/null 2>&1 || bash tools.sh ferretdb >/dev/null
