#!/usr/bin/env bash
# Compares two checkouts' decide at saturation on one machine state: fresh emulators, each checkout's Release
# DevHost with its own seeded database, then interleaved rounds (ab.mjs). Stops everything it started.
# Usage: bench/load/ab.sh <checkout A> <checkout B> [rounds=4] [duration=10]
#   e.g. git worktree add /tmp/before HEAD~1 && bench/load/ab.sh /tmp/before .
# AB_ENV_A and AB_ENV_B (space-separated NAME=value pairs) set environment for one host only, to compare
# settings on one checkout: AB_ENV_B="DOTNET_GCgen0size=0x4000000" bench/load/ab.sh . .
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
A="$(cd "${1:?checkout A}" && pwd)"
B="$(cd "${2:?checkout B}" && pwd)"
# shellcheck source=devhost.sh
source "$ROOT/bench/load/devhost.sh"
load_setup
# shellcheck disable=SC2086 # the pairs are meant to split
start_devhost "$A" dco-a ${AB_ENV_A:-}
URL_A=$HOST_URL PID_A=$HOST_PID
# shellcheck disable=SC2086
start_devhost "$B" dco-b ${AB_ENV_B:-}
node "$ROOT/bench/load/ab.mjs" "a=$URL_A" "b=$HOST_URL" "pida=$PID_A" "pidb=$HOST_PID" \
  "key=$DevHost__FunctionKeys__default" "rounds=${3:-4}" "duration=${4:-10}"
