# shellcheck shell=bash
# Helpers for the application processes (gateway + five services) started by scripts/start.sh.
# Sourced after scripts/infra/lib.sh (which provides INFRA_HOME, log, port_open, wait_for).

APPS=(catalog:4001 instructor:4002 availability:4003 booking:4004 reviews:4005 gateway:4000)

app_entry() { [[ $1 == gateway ]] && echo "gateway/src/index.ts" || echo "services/$1/src/index.ts"; }
app_pidfile() { echo "$RUN_DIR/app-$1.pid"; }
app_logfile() { echo "$LOG_DIR/app-$1.log"; }

app_pid() {
  local pidfile pid
  pidfile=$(app_pidfile "$1")
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# ensure_node_modules: npm ci when node_modules is missing or package-lock.json changed since.
ensure_node_modules() {
  local stamp="$REPO/node_modules/.installed-lock-hash" hash
  hash=$(sha256sum "$REPO/package-lock.json" | cut -d' ' -f1)
  if [[ -f $stamp && $(<"$stamp") == "$hash" ]]; then return 0; fi
  log "installing npm dependencies (npm ci)"
  (cd "$REPO" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  echo "$hash" >"$stamp"
}

# start_app <name> <port>: start it in the background unless it is already running.
start_app() {
  local name=$1 port=$2 pid
  if pid=$(app_pid "$name") && port_open "$port"; then
    log "$name already running (pid $pid, port $port)"
    return 0
  fi
  if port_open "$port"; then die "port $port is taken by another process; stop it or set PORT for $name"; fi
  (cd "$REPO" && PORT=$port nohup node --import tsx "$(app_entry "$name")" >>"$(app_logfile "$name")" 2>&1 &
    echo $! >"$(app_pidfile "$name")")
}

# app_ready <name> <port>: the service answers /readyz (the gateway: /healthz) with 200.
app_ready() {
  local path=/readyz
  [[ $1 == gateway ]] && path=/healthz
  curl -sf -o /dev/null "http://127.0.0.1:$2$path"
}

stop_app() {
  local name=$1 pid i
  pid=$(app_pid "$name") || { rm -f "$(app_pidfile "$name")"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$(app_pidfile "$name")"
  log "stopped $name"
}
