#!/usr/bin/env bash
# Compares two checkouts' decide at saturation on one machine state: fresh emulators, each checkout's Release
# DevHost with its own seeded database, then interleaved rounds (ab.mjs). Stops everything it started.
# Usage: bench/load/ab.sh <checkout A> <checkout B> [rounds=4] [duration=10]
#   e.g. git worktree add /tmp/before HEAD~1 && bench/load/ab.sh /tmp/before .
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
A="$(cd "${1:?checkout A}" && pwd)"
B="$(cd "${2:?checkout B}" && pwd)"
# shellcheck source=devhost.sh
source "$ROOT/bench/load/devhost.sh"
load_setup
start_devhost "$A" dco-a
URL_A=$HOST_URL PID_A=$HOST_PID
start_devhost "$B" dco-b
node "$ROOT/bench/load/ab.mjs" "a=$URL_A" "b=$HOST_URL" "pida=$PID_A" "pidb=$HOST_PID" \
  "key=$DevHost__FunctionKeys__default" "rounds=${3:-4}" "duration=${4:-10}"
