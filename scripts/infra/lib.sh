# shellcheck shell=bash disable=SC2034 # the SVC_* tables and LOG_TAG are used by the sourcing scripts
# Shared helpers for scripts/infra/{up,down,status}.sh. Sourced, never executed.
#
# The local infrastructure runs natively (no Docker):
#   $INFRA_HOME         per-clone state (default <repo>/.infra):
#                         data/<svc>  logs/<svc>.log  logs/<svc>.install.log  run/<svc>.pid
#   $INSTAINSTRU_CACHE  machine-wide binaries and jars shared by every clone
#                       (default ${XDG_CACHE_HOME:-~/.cache}/instainstru):
#                         bin/stripe-mock  bin/minio  kafka/<version>/libs/*.jar
#                       (the Stripe emulator runs from emulators/stripe with the repo's tsx)
#
# Every service lives in services/<svc>.sh. With <fn> = <svc> with '-' -> '_' it
# registers itself in the SVC_* tables below and defines:
#   install_<fn>   make the binaries available (idempotent, fast when done)
#   start_<fn>     start it in the background (only called when it is not running)
#   ready_<fn>     one readiness probe; 0 when it accepts connections
#   address_<fn>   the address to print
#   ensure_<fn>    optional: create the database/bucket etc. (idempotent, cheap)
#   stop_<fn>      optional: stop it (default: SIGTERM, then SIGKILL, via the pidfile)

INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$INFRA_SCRIPTS/../.." && pwd)"

# shellcheck source=env.sh
source "$INFRA_SCRIPTS/env.sh"

INFRA_HOME="${INFRA_HOME:-$REPO/.infra}"
[[ $INFRA_HOME == /* ]] || INFRA_HOME="$PWD/$INFRA_HOME"
INSTAINSTRU_CACHE="${INSTAINSTRU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/instainstru}"
[[ $INSTAINSTRU_CACHE == /* ]] || INSTAINSTRU_CACHE="$PWD/$INSTAINSTRU_CACHE"
export INFRA_HOME INSTAINSTRU_CACHE

DATA_DIR="$INFRA_HOME/data"
LOG_DIR="$INFRA_HOME/logs"
RUN_DIR="$INFRA_HOME/run"
CACHE_BIN="$INSTAINSTRU_CACHE/bin"

ALL_SERVICES=(postgres redis kafka stripe-mock stripe-emulator s3)
declare -A SVC_PORTS=()    # space-separated ports; the first one is the main port
declare -A SVC_PROC=()     # substring of /proc/<pid>/cmdline that identifies our process
declare -A SVC_APT=()      # Debian packages the service needs
declare -A SVC_TIMEOUT=()  # seconds to wait for readiness after start

LOG_TAG=""       # "[svc] " inside the per-service background jobs of up.sh
RESULT_FILE=""   # where a background job records its outcome (see die)
CURRENT_LOG=""   # the log worth showing when the current step fails ("" = none)

# --- logging -------------------------------------------------------------------

log() { printf '==> %s%s\n' "$LOG_TAG" "$*"; }
warn() { printf '==> %sWARNING: %s\n' "$LOG_TAG" "$*" >&2; }

# die <message>: print the error, record it for up.sh's summary, leave the (sub)shell.
die() {
  printf '==> %sERROR: %s\n' "$LOG_TAG" "$*" >&2
  if [[ -n $RESULT_FILE ]]; then
    printf 'failed\t%s\t%s\n' "${CURRENT_LOG:--}" "$*" >"$RESULT_FILE"
  fi
  exit 1
}

# show_log_tail <file> [lines]
show_log_tail() {
  local file=$1 lines=${2:-40}
  [[ $file != - && -s $file ]] || return 0
  printf -- '---- last %s lines of %s ----\n' "$lines" "$file" >&2
  tail -n "$lines" "$file" >&2
  printf -- '----\n' >&2
}

# --- time ----------------------------------------------------------------------

now_ms() {
  local us=${EPOCHREALTIME//[.,]/}
  echo $((us / 1000))
}

# fmt_ms <milliseconds> -> "12.3s"
fmt_ms() { printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# wait_for <seconds> <command...>: run the command every 0.2 s until it succeeds.
wait_for() {
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.2
  done
}

# --- commands and packages -------------------------------------------------------

# need_cmd <command> <hint>
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed. $2"
}

# apt_missing <package...>: print the packages that are not installed.
apt_missing() {
  (($#)) || return 0
  local pkg status
  local -A installed=()
  while read -r pkg status; do
    [[ $status == installed ]] && installed[$pkg]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null || true)
  for pkg; do
    [[ -n ${installed[$pkg]:-} ]] || echo "$pkg"
  done
}

# apt_install <package...>: one `apt-get update` plus install, only when called.
apt_install() {
  (($#)) || return 0
  local apt_log="$LOG_DIR/apt.log"
  CURRENT_LOG=$apt_log
  [[ $EUID -eq 0 ]] || die "installing Debian packages ($*) needs root"
  log "installing Debian packages: $*"
  local -a apt=(apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >>"$apt_log" 2>&1 ||
    die "apt-get update failed (see $apt_log)"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "$@" \
    >>"$apt_log" 2>&1 || die "apt-get install $* failed (see $apt_log)"
}

# find_go: print the Go toolchain (also found when /usr/local/go/bin is not on PATH).
find_go() {
  if command -v go 2>/dev/null; then
    return 0
  elif [[ -x /usr/local/go/bin/go ]]; then
    echo /usr/local/go/bin/go
  else
    return 1
  fi
}

# go_install <binary> <module> <version> [go install flags...]
# Builds <module>@<version> from the Go module proxy into $CACHE_BIN/<binary>,
# unless the cached binary already is that version. Serialized across clones by
# a lock; the binary is built in a temp dir and renamed so a half-written
# binary is never mistaken for a finished one.
go_install() {
  local name=$1 module=$2 version=$3
  shift 3
  local bin="$CACHE_BIN/$name" go
  if ! go=$(find_go); then
    [[ -x $bin ]] && return 0 # built earlier; cannot check its version without Go
    die "Go >= 1.24 is required to build $name, but 'go' was not found on PATH"
  fi
  [[ $(go_binary_version "$go" "$bin") == "$version" ]] && return 0
  mkdir -p "$CACHE_BIN"
  CURRENT_LOG=$(install_log_of "$name")
  log "building $name $version from the Go module proxy (first run only; log: $CURRENT_LOG)"
  (
    flock 9 || exit 1
    [[ $(go_binary_version "$go" "$bin") == "$version" ]] && exit 0
    rm -rf "$CACHE_BIN/.build-$name".* # left over by an interrupted build
    tmp=$(mktemp -d "$CACHE_BIN/.build-$name.XXXXXX") || exit 1
    GOBIN="$tmp" "$go" install "$@" "$module@$version" >>"$CURRENT_LOG" 2>&1 || exit 1
    mv -f "$tmp/$name" "$bin" && rm -rf "$tmp"
  ) 9>"$INSTAINSTRU_CACHE/.$name.lock" || die "go install $module@$version failed (see $CURRENT_LOG)"
}

# go_binary_version <go> <binary>: the main module version recorded in a Go binary.
go_binary_version() {
  [[ -x $2 ]] || return 0
  "$1" version -m "$2" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

# --- files -----------------------------------------------------------------------

pidfile_of() { echo "$RUN_DIR/$1.pid"; }
logfile_of() { echo "$LOG_DIR/$1.log"; }
install_log_of() { echo "$LOG_DIR/$1.install.log"; }

ensure_dirs() {
  mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$INSTAINSTRU_CACHE"
}

# rotate_log <svc>: keep the previous run's log as <svc>.log.1.
rotate_log() {
  local file
  file=$(logfile_of "$1")
  if [[ -s $file ]]; then mv -f "$file" "$file.1"; fi
  : >"$file"
}

# render_template <template> <output> KEY=VALUE...: replace @KEY@ placeholders.
render_template() {
  local src=$1 dst=$2 text kv
  shift 2
  text=$(<"$src")
  for kv; do
    text=${text//"@${kv%%=*}@"/"${kv#*=}"}
  done
  [[ ! $text =~ @[A-Z_]+@ ]] || die "$src: placeholder ${BASH_REMATCH[0]} has no value"
  printf '%s\n' "$text" >"$dst"
}

# hold_lock "$@": re-run the calling script while holding an exclusive lock on
# $RUN_DIR/up.lock, so up/down runs on the same INFRA_HOME never overlap (e.g.
# start.sh and test.sh calling up.sh at once: the second waits, then finds all
# running). `flock -o` keeps the lock in the flock process itself: daemons
# started by the script must not inherit the lock's file descriptor.
hold_lock() {
  [[ -z ${INFRA_LOCK_HELD:-} ]] || return 0
  ensure_dirs
  local rc=0
  INFRA_LOCK_HELD=1 flock -o -w 900 -E 75 "$RUN_DIR/up.lock" bash "$0" "$@" || rc=$?
  ((rc != 75)) || die "another scripts/infra command has held $RUN_DIR/up.lock for 15 minutes"
  exit "$rc"
}

# --- processes and ports ---------------------------------------------------------

# port_open <port>: something accepts TCP connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# port_owner <port>: describe the process listening on <port>, if we can tell.
port_owner() {
  local owner=""
  if command -v ss >/dev/null 2>&1; then
    owner=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n1)
  fi
  echo "${owner:-unknown process}"
}

# svc_fn <svc>: the suffix of the service's functions.
svc_fn() { echo "${1//-/_}"; }

# svc_port <svc>: its main port.
svc_port() {
  local ports=${SVC_PORTS[$1]}
  echo "${ports%% *}"
}

# svc_pid <svc>: print the pid from the pidfile if that process is alive and is
# really this service (guards against stale pidfiles and recycled pids).
svc_pid() {
  local file pid
  local -a argv=()
  file=$(pidfile_of "$1")
  [[ -r $file ]] || return 1
  read -r pid <"$file" || [[ -n ${pid:-} ]] || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  { mapfile -d '' argv <"/proc/$pid/cmdline"; } 2>/dev/null || return 1
  [[ "${argv[*]}" == *"${SVC_PROC[$1]}"* ]] || return 1
  echo "$pid"
}

# svc_running <svc>: our process is alive and its main port accepts connections.
svc_running() {
  svc_pid "$1" >/dev/null && port_open "$(svc_port "$1")"
}

# svc_call <action> <svc> [args...]: run <action>_<fn> if the service defines it.
svc_call() {
  local fn
  fn="$1_$(svc_fn "$2")"
  declare -F "$fn" >/dev/null || return 0
  "$fn" "${@:3}"
}

# spawn <svc> <command...>: run the command detached in its own session with
# stdin closed and output appended to the service log. The pid is written to the
# pidfile by the process itself right before exec, so it is exact.
spawn() {
  local svc=$1 pidfile
  shift
  pidfile=$(pidfile_of "$svc")
  rm -f "$pidfile"
  rotate_log "$svc"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo "$$" >"$0" && exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$(logfile_of "$svc")" 2>&1 &
  wait_for 10 test -s "$pidfile" || die "could not start $svc"
}

# wait_ready <svc>: poll ready_<fn> until it succeeds; fail early if the process dies.
wait_ready() {
  local svc=$1 timeout=${SVC_TIMEOUT[$1]} deadline
  deadline=$(($(now_ms) + timeout * 1000))
  until svc_call ready "$svc"; do
    svc_pid "$svc" >/dev/null || die "$svc exited during startup (see $(logfile_of "$svc"))"
    (($(now_ms) < deadline)) || die "$svc was not ready after ${timeout}s (see $(logfile_of "$svc"))"
    sleep 0.2
  done
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_by_pid <svc> [timeout]: SIGTERM, wait, then SIGKILL.
stop_by_pid() {
  local svc=$1 timeout=${2:-30} pid
  if pid=$(svc_pid "$svc"); then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for "$timeout" pid_gone "$pid"; then
      warn "$svc (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_for 10 pid_gone "$pid" || die "could not kill $svc (pid $pid)"
    fi
  fi
  rm -f "$(pidfile_of "$svc")"
}

# stop_service <svc>: stop_<fn> if the service defines one, else stop_by_pid.
stop_service() {
  local fn
  fn="stop_$(svc_fn "$1")"
  if declare -F "$fn" >/dev/null; then "$fn"; else stop_by_pid "$1"; fi
}

# kill_tree <pid>: terminate a process and all its descendants.
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    kill_tree "$child"
  done
  kill -TERM "$1" 2>/dev/null || true
}

# --- arguments -----------------------------------------------------------------

# parse_services [name...]: set SERVICES to the named services (a few aliases
# accepted) in canonical order; all of them when none is named.
parse_services() {
  local name
  local -A wanted=()
  (($#)) || set -- "${ALL_SERVICES[@]}"
  for name; do
    case $name in
      postgres | postgresql | pg) wanted[postgres]=1 ;;
      redis) wanted[redis]=1 ;;
      kafka) wanted[kafka]=1 ;;
      stripe-mock | stripe) wanted[stripe-mock]=1 ;;
      stripe-emulator | emulator) wanted[stripe-emulator]=1 ;;
      s3 | minio) wanted[s3]=1 ;;
      *) die "unknown service '$name' (known: ${ALL_SERVICES[*]})" ;;
    esac
  done
  SERVICES=()
  for name in "${ALL_SERVICES[@]}"; do
    [[ -z ${wanted[$name]:-} ]] || SERVICES+=("$name")
  done
}

for _svc in "${ALL_SERVICES[@]}"; do
  # shellcheck source=/dev/null
  source "$INFRA_SCRIPTS/services/$_svc.sh"
done
unset _svc
