# Sourced by run.sh and ab.sh (not run): fresh emulators, load-test keys and settings, and Release DevHosts
# started on free ports, all stopped on exit. Callers set ROOT (this repository) and `set -euo pipefail`.
# After `load_setup`: the emulators run and their settings are exported (STATE holds their pids and logs).
# `start_devhost <checkout> [database] [NAME=value ...]` builds, seeds and starts that checkout's DevHost, waits
# until decide answers, and sets HOST_URL and HOST_PID; a database name gives it a seeded Cosmos database of its
# own, and NAME=value pairs are set in the host's environment only (e.g. a runtime setting to compare).
STATE="$(mktemp -d)"
HOST_PIDS=()
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_NOLOGO=1

load_cleanup() {
  for pid in "${HOST_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
  "$ROOT/azurite/stop.sh" --state-dir "$STATE" >/dev/null || true
  rm -rf "$STATE"
}

load_setup() {
  trap load_cleanup EXIT
  "$ROOT/azurite/start.sh" --state-dir "$STATE" --free-ports >&2
  # shellcheck disable=SC1091
  source "$STATE/emulators.env"
  export DevHost__MasterKey="load-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  export DevHost__FunctionKeys__default="$DevHost__MasterKey-f"
  export TRACKING__keys="load1:$(head -c 32 /dev/urandom | base64 -w0)" PRIVACY__keys="load1:$(head -c 32 /dev/urandom | base64 -w0)"
  export DevHost__HostJsonPath="$ROOT/host.json" Logging__LogLevel__Default=Warning
  (cd "$ROOT/bench/load" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund >&2; })
}

start_devhost() {
  local checkout="$1" database="${2:-$COSMOS__databaseName}" devhost port log
  dotnet build "$checkout/src/Dco.DevHost/Dco.DevHost.csproj" -c Release -nologo -v q -clp:ErrorsOnly -p:UseSharedCompilation=false >&2
  devhost="$checkout/src/Dco.DevHost/bin/Release/net10.0/Dco.DevHost.dll"
  COSMOS__databaseName="$database" dotnet "$devhost" seed >&2
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  log="$STATE/devhost-$port.log"
  env COSMOS__databaseName="$database" "${@:3}" dotnet "$devhost" --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
  HOST_PID=$!
  HOST_PIDS+=("$HOST_PID")
  HOST_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null -X POST "$HOST_URL/api/decide" -H "x-functions-key: $DevHost__FunctionKeys__default" \
      -H 'content-type: application/json' -d '{"campaignId":"demo","consent":{"advertising":true}}' && return 0
    kill -0 "$HOST_PID" || { cat "$log" >&2; exit 1; }
    sleep 1
  done
}
