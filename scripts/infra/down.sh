#!/usr/bin/env bash
# Stop the local infrastructure started by scripts/infra/up.sh.
#
#   scripts/infra/down.sh [service...] [--purge]      (npm run infra:down)
#
# --purge also deletes the data in $INFRA_HOME/data (of the named services, or all).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PURGE=0
ARGS=()
for arg; do
  case $arg in
    --purge) PURGE=1 ;;
    -h | --help)
      sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    -*) die "unknown option $arg" ;;
    *) ARGS+=("$arg") ;;
  esac
done

down() {
  local i svc pid port
  # Reverse order: the application-facing services first, the database last.
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    svc=${SERVICES[i]}
    if pid=$(svc_pid "$svc"); then
      log "stopping $svc (pid $pid)"
      stop_service "$svc"
    else
      rm -f "$(pidfile_of "$svc")"
      port=$(svc_port "$svc")
      if port_open "$port"; then
        warn "$svc is not running from $INFRA_HOME, but port $port is in use by $(port_owner "$port")"
      else
        log "$svc is not running"
      fi
    fi
  done
  if ((PURGE)); then
    if ((${#SERVICES[@]} == ${#ALL_SERVICES[@]})); then
      log "deleting $DATA_DIR"
      rm -rf "$DATA_DIR"
    else
      for svc in "${SERVICES[@]}"; do
        log "deleting $DATA_DIR/$svc"
        rm -rf "${DATA_DIR:?}/$svc"
      done
    fi
  fi
}

parse_services "${ARGS[@]}"
hold_lock "$@"
down
