#!/usr/bin/env bash
# Compares two checkouts' decide at saturation on one machine state: fresh emulators, each checkout's Release
# DevHost with its own seeded database, then interleaved rounds (ab.mjs). Stops everything it started.
# Usage: bench/load/ab.sh <checkout A> <checkout B> [rounds=4] [duration=10]
#   e.g. git worktree add /tmp/before HEAD~1 && bench/load/ab.sh /tmp/before .
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
A="$(cd "${1:?checkout A}" && pwd)"
B="$(cd "${2:?checkout B}" && pwd)"
STATE="$(mktemp -d)"
PIDS=()
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_NOLOGO=1
cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
  "$ROOT/azurite/stop.sh" --state-dir "$STATE" >/dev/null || true
  rm -rf "$STATE"
}
trap cleanup EXIT

"$ROOT/azurite/start.sh" --state-dir "$STATE" --free-ports >&2
# shellcheck disable=SC1091
source "$STATE/emulators.env"
export DevHost__MasterKey="ab-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export DevHost__FunctionKeys__default="$DevHost__MasterKey-f"
export TRACKING__keys="load1:$(head -c 32 /dev/urandom | base64 -w0)" PRIVACY__keys="load1:$(head -c 32 /dev/urandom | base64 -w0)"
export DevHost__HostJsonPath="$ROOT/host.json" Logging__LogLevel__Default=Warning

declare -A URL PID
for name in A B; do
  checkout="${!name}"
  dotnet build "$checkout/src/Dco.DevHost/Dco.DevHost.csproj" -c Release -nologo -v q -clp:ErrorsOnly -p:UseSharedCompilation=false >&2
  devhost="$checkout/src/Dco.DevHost/bin/Release/net10.0/Dco.DevHost.dll"
  database="dco-$(tr '[:upper:]' '[:lower:]' <<<"$name")"
  COSMOS__databaseName="$database" dotnet "$devhost" seed >&2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  COSMOS__databaseName="$database" dotnet "$devhost" --urls "http://127.0.0.1:$port" >"$STATE/devhost-$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=("$!")
  URL[$name]="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null -X POST "${URL[$name]}/api/decide" -H "x-functions-key: $DevHost__FunctionKeys__default" \
      -H 'content-type: application/json' -d '{"campaignId":"demo","consent":{"advertising":true}}' && break
    kill -0 "${PID[$name]}" || { cat "$STATE/devhost-$name.log" >&2; exit 1; }
    sleep 1
  done
done

(cd "$ROOT/bench/load" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund >&2; })
node "$ROOT/bench/load/ab.mjs" "a=${URL[A]}" "b=${URL[B]}" "pida=${PID[A]}" "pidb=${PID[B]}" \
  "key=$DevHost__FunctionKeys__default" "rounds=${3:-4}" "duration=${4:-10}"
