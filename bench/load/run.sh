#!/usr/bin/env bash
# Load test: emulators + seeded demo campaign + the DevHost (Release) on loopback, then
# loadtest.mjs (autocannon) compares decide with /api/ping on the same host and holds 1,000 req/s.
# Stops everything it started. Usage: bench/load/run.sh [duration=20] [connections=32] [rate=1000]
# LOAD_SCRIPT=saturate.mjs bench/load/run.sh [duration] [connections] [rounds] [mode]: instead, rounds of
# saturation with each process's CPU per request (see saturate.mjs), on the same fresh set-up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=devhost.sh
source "$ROOT/bench/load/devhost.sh"
load_setup
start_devhost "$ROOT"
if [[ "${LOAD_SCRIPT:-loadtest.mjs}" == saturate.mjs ]]; then
  node "$ROOT/bench/load/saturate.mjs" "base=$HOST_URL" "key=$DevHost__FunctionKeys__default" \
    "duration=${1:-20}" "connections=${2:-32}" "rounds=${3:-2}" "mode=${4:-decide}" \
    "pids=host:$HOST_PID,azurite:$(cat "$STATE/azurite.pid"),cosmos:$(cat "$STATE/cosmos.pid")"
else
  node "$ROOT/bench/load/loadtest.mjs" "base=$HOST_URL" "key=$DevHost__FunctionKeys__default" \
    "duration=${1:-20}" "connections=${2:-32}" "rate=${3:-1000}"
fi
