# shellcheck shell=bash disable=SC2034 # sets lib.sh's SVC_* tables and CURRENT_LOG
# Redis from the Debian package, run directly (no systemd) with a generated
# config and no persistence. Sourced by lib.sh.

SVC_PORTS['redis']="$REDIS_PORT"
SVC_PROC['redis']="redis-server"
SVC_APT['redis']="redis-server redis-tools"
SVC_TIMEOUT['redis']=15

address_redis() { echo "redis://127.0.0.1:$REDIS_PORT"; }

# redis_quote <value>: a double-quoted redis.conf string.
redis_quote() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

install_redis() {
  need_cmd redis-server "Install the Debian package redis-server."
  need_cmd redis-cli "Install the Debian package redis-tools."
}

start_redis() {
  local conf="$RUN_DIR/redis.conf"
  CURRENT_LOG=$(logfile_of redis)
  mkdir -p "$DATA_DIR/redis"
  # Not `daemonize yes`: spawn() detaches it the same way (own session, pidfile)
  # but records the pid before exec, so a crash during startup is noticed at once.
  cat >"$conf" <<EOF
# Written by scripts/infra/services/redis.sh on every start; edits are lost.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
pidfile $(redis_quote "$(pidfile_of redis)")
dir $(redis_quote "$DATA_DIR/redis")
loglevel notice
# No persistence: this is a cache/queue for development and tests.
save ""
appendonly no
EOF
  log "starting Redis"
  spawn redis redis-server "$conf"
}

ready_redis() {
  [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}
