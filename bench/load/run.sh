#!/usr/bin/env bash
# Load test: emulators + seeded demo campaign + the DevHost (Release) on loopback, then
# loadtest.mjs (autocannon) compares decide with /api/ping on the same host and holds 1,000 req/s.
# Stops everything it started. Usage: bench/load/run.sh [duration=20] [connections=32] [rate=1000]
# LOAD_SCRIPT=saturate.mjs bench/load/run.sh [duration] [connections] [rounds] [mode]: instead, rounds of
# saturation with each process's CPU per request (see saturate.mjs), on the same fresh set-up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$(mktemp -d)"
HOST_PID=""
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_NOLOGO=1
cleanup() {
  if [[ -n "$HOST_PID" ]] && kill -0 "$HOST_PID" 2>/dev/null; then kill -TERM "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true; fi
  "$ROOT/azurite/stop.sh" --state-dir "$STATE" >/dev/null || true
  rm -rf "$STATE"
}
trap cleanup EXIT

"$ROOT/azurite/start.sh" --state-dir "$STATE" --free-ports >&2
# shellcheck disable=SC1091
source "$STATE/emulators.env"
export DevHost__MasterKey="load-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export DevHost__FunctionKeys__default="$DevHost__MasterKey-f"
export TRACKING__keys="load1:$(head -c 32 /dev/urandom | base64 -w0)" PRIVACY__keys="load1:$(head -c 32 /dev/urandom | base64 -w0)"
export DevHost__HostJsonPath="$ROOT/host.json" Logging__LogLevel__Default=Warning
dotnet build "$ROOT/src/Dco.DevHost/Dco.DevHost.csproj" -c Release -nologo -v q -clp:ErrorsOnly -p:UseSharedCompilation=false >&2
DEVHOST="$ROOT/src/Dco.DevHost/bin/Release/net10.0/Dco.DevHost.dll"
dotnet "$DEVHOST" seed >&2
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$DEVHOST" --urls "http://127.0.0.1:$PORT" >"$STATE/devhost.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 1 120); do
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$PORT/api/decide" -H "x-functions-key: $DevHost__FunctionKeys__default" \
    -H 'content-type: application/json' -d '{"campaignId":"demo","consent":{"advertising":true}}' && break
  kill -0 "$HOST_PID" || { cat "$STATE/devhost.log" >&2; exit 1; }
  sleep 1
done
(cd "$ROOT/bench/load" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund >&2; })
if [[ "${LOAD_SCRIPT:-loadtest.mjs}" == saturate.mjs ]]; then
  node "$ROOT/bench/load/saturate.mjs" "base=http://127.0.0.1:$PORT" "key=$DevHost__FunctionKeys__default" \
    "duration=${1:-20}" "connections=${2:-32}" "rounds=${3:-2}" "mode=${4:-decide}" \
    "pids=host:$HOST_PID,azurite:$(cat "$STATE/azurite.pid"),cosmos:$(cat "$STATE/cosmos.pid")"
else
  node "$ROOT/bench/load/loadtest.mjs" "base=http://127.0.0.1:$PORT" "key=$DevHost__FunctionKeys__default" \
    "duration=${1:-20}" "connections=${2:-32}" "rate=${3:-1000}"
fi
