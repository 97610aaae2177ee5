#!/usr/bin/env bash
# Stops the emulators that azurite/start.sh started from one state dir: exactly the processes
# named in its pid files (each the leader of its own process group, so anything it spawned goes
# with it), waits for them to exit and removes the pid files. Never stops anything by name.
#
#   azurite/stop.sh --state-dir DIR [--only azurite|cosmos]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly here
readonly grace_seconds="${DCO_EMULATOR_STOP_SECONDS:-15}"

usage() {
  echo "usage: $0 --state-dir DIR [--only azurite|cosmos]" >&2
  exit 2
}

state_dir=""
names=(azurite cosmos)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --state-dir)
      [[ $# -ge 2 && -n "$2" ]] || usage
      state_dir="$2"
      shift 2
      ;;
    --only)
      [[ $# -ge 2 && ("$2" == azurite || "$2" == cosmos) ]] || usage
      names=("$2")
      shift 2
      ;;
    -h | --help) usage ;;
    *)
      echo "stop.sh: unknown argument '$1'" >&2
      usage
      ;;
  esac
done
[[ -n "$state_dir" ]] || usage
if [[ ! -d "$state_dir" ]]; then
  echo "stop.sh: no state dir $state_dir: nothing to stop"
  exit 0
fi

# The process is ours only if it is still the node process start.sh launched from this checkout
# (a pid can be reused by an unrelated process after ours exited).
is_ours() {
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$here/node_modules/"
}

group_alive() {
  kill -0 -- "-$1" 2>/dev/null
}

stop_one() {
  local name="$1"
  local pid_file="$state_dir/$name.pid"
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid="$(cat "$pid_file")"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    echo "stop.sh: $pid_file does not hold a pid ('$pid'); removed it" >&2
    rm -f "$pid_file"
    return 0
  fi
  if ! kill -0 "$pid" 2>/dev/null && ! group_alive "$pid"; then
    echo "$name (pid $pid) was not running"
    rm -f "$pid_file"
    return 0
  fi
  if kill -0 "$pid" 2>/dev/null && ! is_ours "$pid"; then
    echo "stop.sh: pid $pid from $pid_file is not our $name any more; left it alone" >&2
    rm -f "$pid_file"
    return 0
  fi
  # start.sh runs each emulator as a session leader, so its pid is also its process group id.
  local target="$pid"
  if [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
    target="-$pid"
  fi
  kill -TERM -- "$target" 2>/dev/null || true
  local deadline=$((SECONDS + grace_seconds))
  while kill -0 -- "$target" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "stop.sh: $name (pid $pid) ignored SIGTERM for ${grace_seconds}s; sending SIGKILL" >&2
      kill -KILL -- "$target" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
  done
  rm -f "$pid_file"
  echo "$name (pid $pid) stopped"
}

for name in "${names[@]}"; do
  stop_one "$name"
done
