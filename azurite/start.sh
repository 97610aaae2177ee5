#!/usr/bin/env bash
# Starts the local emulators: Azurite (blob, queue, table) and the patched Cosmos DB stand-in
# (@vercel/cosmosdb-server, see docs/decisions/0001-local-emulators.md), each in the background
# in its own process group, and writes what a client needs to STATE_DIR/emulators.env.
#
#   azurite/start.sh --state-dir DIR [--free-ports]
#
# Ports: AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT, COSMOS_PORT (defaults 10000,
# 10001, 10002, 8081), or with --free-ports, ports that are free now. An emulator already
# running from the same state dir (its pid file names a live process) is reused.
# Stop with azurite/stop.sh --state-dir DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly here
readonly wait_seconds="${DCO_EMULATOR_WAIT_SECONDS:-60}"
# Well-known, public development keys (Azurite's devstoreaccount1 and the Cosmos DB emulator's).
readonly azurite_account="devstoreaccount1"
readonly azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
readonly cosmos_key="C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="

usage() {
  echo "usage: $0 --state-dir DIR [--free-ports]" >&2
  exit 2
}

# Pid files of emulators this run started: a failed start stops them again, leaving nothing behind.
started=()

fail() {
  echo "start.sh: $*" >&2
  local pid_file
  for pid_file in "${started[@]}"; do
    "$here/stop.sh" --state-dir "$(dirname "$pid_file")" --only "$(basename "$pid_file" .pid)" >&2 || true
  done
  exit 1
}

state_dir=""
free_ports=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --state-dir)
      [[ $# -ge 2 && -n "$2" ]] || usage
      state_dir="$2"
      shift 2
      ;;
    --free-ports)
      free_ports=true
      shift
      ;;
    -h | --help) usage ;;
    *)
      echo "start.sh: unknown argument '$1'" >&2
      usage
      ;;
  esac
done
[[ -n "$state_dir" ]] || usage
mkdir -p "$state_dir"
state_dir="$(cd "$state_dir" && pwd)"

command -v node >/dev/null || fail "node is not on PATH (Node 20 or newer is needed)"
command -v curl >/dev/null || fail "curl is not on PATH (used to wait until the emulators answer)"

# npm ci when node_modules is missing or was installed from another package-lock.json or patch set.
install_stamp() {
  cat "$here/package-lock.json" "$here"/patches/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1
}
ensure_installed() {
  local stamp_file="$here/node_modules/.dco-install-stamp"
  local wanted
  wanted="$(install_stamp)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$wanted" ]]; then
    return
  fi
  echo "start.sh: installing emulator packages (npm ci)" >&2
  (cd "$here" && npm ci --no-audit --no-fund >"$state_dir/npm-ci.log" 2>&1) ||
    fail "npm ci failed in $here; last lines of $state_dir/npm-ci.log:
$(tail -n 20 "$state_dir/npm-ci.log")"
  echo "$wanted" >"$stamp_file"
}

pid_alive() {
  local pid_file="$1"
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

valid_port() {
  [[ "$1" =~ ^[0-9]{1,5}$ ]] && (("$1" >= 1 && "$1" <= 65535))
}

port_in_use() {
  # ss prints a header line plus one line per listening socket on that port.
  [[ "$(ss -Hltn "sport = :$1" 2>/dev/null | wc -l)" -gt 0 ]]
}

# Asks the kernel for free ports by binding port 0 (all at once, so they are distinct).
pick_free_ports() {
  node -e '
    const net = require("net");
    const servers = [];
    const n = Number(process.argv[1]);
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        if (++ready === n) {
          console.log(servers.map(x => x.address().port).join(" "));
          servers.forEach(x => x.close());
        }
      });
      servers.push(s);
    }' "$1"
}

# Reads one value from a previous emulators.env (used when reusing a running emulator).
previous_value() {
  local file="$state_dir/emulators.env"
  [[ -f "$file" ]] || return 1
  sed -n "s/^export $1=\(.*\)$/\1/p" "$file" | tail -n 1 | tr -d "'\""
}

log_tail() {
  tail -n 20 "$1" 2>/dev/null || echo "(no log at $1)"
}

# Waits until every URL answers HTTP (any status), or the process dies, or the time runs out.
wait_until_answers() {
  local name="$1" pid_file="$2" log="$3"
  shift 3
  local deadline=$((SECONDS + wait_seconds))
  local url
  for url in "$@"; do
    while true; do
      local code
      code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)"
      if [[ "$code" != "000" && -n "$code" ]]; then
        break
      fi
      if ! pid_alive "$pid_file"; then
        fail "$name exited before answering at $url; last lines of $log:
$(log_tail "$log")"
      fi
      if ((SECONDS >= deadline)); then
        fail "$name did not answer at $url within ${wait_seconds}s (pid $(cat "$pid_file")); last lines of $log:
$(log_tail "$log")"
      fi
      sleep 0.25
    done
  done
}

# Starts a command detached in a new session (its own process group, pgid = pid), so stop.sh can
# stop exactly it and anything it spawns. `node` is started directly: the pid is node's own.
start_detached() {
  local pid_file="$1" log="$2"
  shift 2
  setsid "$@" >"$log" 2>&1 </dev/null &
  echo "$!" >"$pid_file"
  started+=("$pid_file")
}

ensure_installed

azurite_pid_file="$state_dir/azurite.pid"
cosmos_pid_file="$state_dir/cosmos.pid"
azurite_log="$state_dir/azurite.log"
cosmos_log="$state_dir/cosmos.log"

reuse_azurite=false
reuse_cosmos=false
if pid_alive "$azurite_pid_file" && previous_value AZURITE_BLOB_PORT >/dev/null; then
  reuse_azurite=true
  blob_port="$(previous_value AZURITE_BLOB_PORT)"
  queue_port="$(previous_value AZURITE_QUEUE_PORT)"
  table_port="$(previous_value AZURITE_TABLE_PORT)"
fi
if pid_alive "$cosmos_pid_file" && previous_value COSMOS_PORT >/dev/null; then
  reuse_cosmos=true
  cosmos_port="$(previous_value COSMOS_PORT)"
fi

if [[ "$free_ports" == true ]]; then
  read -r free_blob free_queue free_table free_cosmos <<<"$(pick_free_ports 4)"
else
  free_blob="${AZURITE_BLOB_PORT:-10000}"
  free_queue="${AZURITE_QUEUE_PORT:-10001}"
  free_table="${AZURITE_TABLE_PORT:-10002}"
  free_cosmos="${COSMOS_PORT:-8081}"
fi

# Check every port before starting anything, so a clash leaves nothing half-started.
if [[ "$reuse_azurite" == false ]]; then
  blob_port="$free_blob"
  queue_port="$free_queue"
  table_port="$free_table"
  for port in "$blob_port" "$queue_port" "$table_port"; do
    valid_port "$port" || fail "Azurite port '$port' is not a port number (1-65535)"
    ! port_in_use "$port" || fail "port $port (Azurite) is already in use; use --free-ports or set AZURITE_BLOB_PORT/AZURITE_QUEUE_PORT/AZURITE_TABLE_PORT"
  done
fi
if [[ "$reuse_cosmos" == false ]]; then
  cosmos_port="$free_cosmos"
  valid_port "$cosmos_port" || fail "Cosmos port '$cosmos_port' is not a port number (1-65535)"
  ! port_in_use "$cosmos_port" || fail "port $cosmos_port (Cosmos stand-in) is already in use; use --free-ports or set COSMOS_PORT"
fi

if [[ "$reuse_azurite" == false ]]; then
  rm -f "$azurite_pid_file"
  mkdir -p "$state_dir/azurite"
  azurite_args=(
    --blobHost 127.0.0.1 --blobPort "$blob_port"
    --queueHost 127.0.0.1 --queuePort "$queue_port"
    --tableHost 127.0.0.1 --tablePort "$table_port"
    --location "$state_dir/azurite"
    --disableTelemetry --skipApiVersionCheck --loose
  )
  # Azurite logs every request; keep the log readable unless asked for the access log.
  [[ "${DCO_AZURITE_ACCESS_LOG:-0}" == 1 ]] || azurite_args+=(--silent)
  start_detached "$azurite_pid_file" "$azurite_log" \
    node "$here/node_modules/azurite/dist/src/azurite.js" "${azurite_args[@]}"
fi

if [[ "$reuse_cosmos" == false ]]; then
  rm -f "$cosmos_pid_file"
  # HTTP: the .NET SDK in Gateway mode speaks HTTP to a loopback endpoint, which saves TLS per request.
  start_detached "$cosmos_pid_file" "$cosmos_log" \
    node "$here/node_modules/@vercel/cosmosdb-server/lib/cli.js" --host 127.0.0.1 --port "$cosmos_port" --no-ssl --keep-alive
fi

wait_until_answers "Azurite" "$azurite_pid_file" "$azurite_log" \
  "http://127.0.0.1:$blob_port/$azurite_account?comp=list" \
  "http://127.0.0.1:$queue_port/$azurite_account?comp=list" \
  "http://127.0.0.1:$table_port/$azurite_account/Tables"
wait_until_answers "Cosmos stand-in" "$cosmos_pid_file" "$cosmos_log" "http://127.0.0.1:$cosmos_port/"

storage="DefaultEndpointsProtocol=http;AccountName=$azurite_account;AccountKey=$azurite_key;BlobEndpoint=http://127.0.0.1:$blob_port/$azurite_account;QueueEndpoint=http://127.0.0.1:$queue_port/$azurite_account;TableEndpoint=http://127.0.0.1:$table_port/$azurite_account;"
env_file="$state_dir/emulators.env"
cat >"$env_file.tmp" <<EOF
# Written by azurite/start.sh: source it to point the platform and its tests at these emulators.
export AZURITE_BLOB_PORT=$blob_port
export AZURITE_QUEUE_PORT=$queue_port
export AZURITE_TABLE_PORT=$table_port
export COSMOS_PORT=$cosmos_port
export AzureWebJobsStorage='$storage'
export COSMOS__accountEndpoint='http://127.0.0.1:$cosmos_port/'
export COSMOS__accountKey='$cosmos_key'
export COSMOS__databaseName=dco
export COSMOS__allowInsecureLoopback=true
export AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX=true
EOF
mv "$env_file.tmp" "$env_file"

describe() {
  if [[ "$2" == true ]]; then echo "reused"; else echo "started"; fi
}
echo "Azurite $(describe azurite "$reuse_azurite") (pid $(cat "$azurite_pid_file")): blob $blob_port, queue $queue_port, table $table_port"
echo "Cosmos stand-in $(describe cosmos "$reuse_cosmos") (pid $(cat "$cosmos_pid_file")): http://127.0.0.1:$cosmos_port/"
echo "Settings: source $env_file"
