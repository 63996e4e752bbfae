# shellcheck shell=bash
# Helpers for the application processes (gateway + the services) started by scripts/start.sh.
# Sourced after scripts/infra/lib.sh (which provides INFRA_HOME, log, port_open, wait_for).
# Sources scripts/lib/node.sh: every script that uses these calls ensure_node first.

# shellcheck source=node.sh
source "$REPO/scripts/lib/node.sh"

APPS=(catalog:4001 instructor:4002 availability:4003 booking:4004 reviews:4005 partners:4006 gateway:4000)

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

# ensure_node_modules: install npm dependencies when node_modules is missing or the manifests
# changed since the last install. (`npm install` honours package-lock.json; `npm ci` is not used
# because some npm 11 releases refuse lock files that omit other platforms' optional packages.)
# Addons compiled by node-gyp (ssh2's, cpu-features) only load in the Node.js ABI they were built
# for, so a node_modules installed under another runtime is rebuilt once (N-API binaries such as
# @swc/core's and esbuild's executable do not depend on it).
ensure_node_modules() {
  local stamp="$REPO/node_modules/.installed-manifests-hash" abi_stamp="$REPO/node_modules/.installed-node-abi"
  local abi fresh=""
  abi=$(node -p process.versions.modules)
  [[ -d $REPO/node_modules ]] || fresh=1
  if [[ ! -f $stamp || $(<"$stamp") != "$(manifests_hash)" ]]; then
    log "installing npm dependencies"
    (cd "$REPO" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
    manifests_hash >"$stamp"
  fi
  if [[ -z $fresh && $(cat "$abi_stamp" 2>/dev/null) != "$abi" ]]; then
    log "rebuilding native addons for Node.js $(node --version)"
    (cd "$REPO" && npm rebuild --no-audit --no-fund --loglevel=error) || die "npm rebuild failed"
  fi
  echo "$abi" >"$abi_stamp"
}

manifests_hash() {
  (cd "$REPO" && cat package.json package-lock.json ./*/package.json ./*/*/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)
}

# start_app <name> <port>: start it in the background unless it is already running. It runs from
# TypeScript through tsx, or with APP_FROM_DIST=1 (npm run start:built) from the JavaScript that
# `npm run build` put in dist/, as the image runs it.
start_app() {
  local name=$1 port=$2 pid entry
  if pid=$(app_pid "$name") && port_open "$port"; then
    log "$name already running (pid $pid, port $port)"
    return 0
  fi
  if port_open "$port"; then die "port $port is taken by another process; stop it or set PORT for $name"; fi
  entry=$(app_entry "$name")
  local -a command=(node --import tsx "$REPO/$entry")
  [[ -z ${APP_FROM_DIST:-} ]] || command=(node "$REPO/dist/${entry%.ts}.js")
  # The process is backgrounded directly (no wrapper shell) with every stream redirected, so it
  # holds nothing of the caller's terminal or pipe and `npm start | …` finishes.
  PORT=$port nohup "${command[@]}" </dev/null >>"$(app_logfile "$name")" 2>&1 &
  echo $! >"$(app_pidfile "$name")"
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
