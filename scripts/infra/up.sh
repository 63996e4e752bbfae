#!/usr/bin/env bash
# Install what is missing and start the local infrastructure natively (no Docker).
#
#   scripts/infra/up.sh [service...]      (npm run infra:up)
#
# Services: postgres redis kafka stripe-mock stripe-emulator s3 (default: all). Running services
# are left alone; the others are installed and started in parallel. Exits 0 only
# when every requested service accepts connections. Ports and credentials: see
# scripts/infra/env.sh; state in $INFRA_HOME, binaries in $INSTAINSTRU_CACHE.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# bring_up <svc>: install, start, wait until ready, create its database/bucket.
# Runs as a background job and records its outcome in $RUN_DIR/<svc>.result:
#   ok <install ms> <start ms> | running | failed <log> <message>
# shellcheck disable=SC2034 # LOG_TAG, RESULT_FILE and CURRENT_LOG are read by lib.sh
bring_up() {
  local svc=$1 t0 t1 port
  LOG_TAG="[$svc] "
  RESULT_FILE="$RUN_DIR/$svc.result"
  CURRENT_LOG=$(logfile_of "$svc")
  if svc_running "$svc"; then
    svc_call ensure "$svc"
    echo running >"$RESULT_FILE"
    return
  fi
  t0=$(now_ms)
  svc_call install "$svc"
  t1=$(now_ms)
  CURRENT_LOG=$(logfile_of "$svc")
  if svc_pid "$svc" >/dev/null; then
    log "its process is alive but not accepting connections yet; waiting"
  else
    for port in ${SVC_PORTS[$svc]}; do
      if port_open "$port"; then
        CURRENT_LOG=""
        die "port $port is already in use by $(port_owner "$port"); stop that process or change the port (see scripts/infra/env.sh)"
      fi
    done
    svc_call start "$svc"
  fi
  wait_ready "$svc"
  svc_call ensure "$svc"
  printf 'ok\t%s\t%s\n' "$((t1 - t0))" "$(($(now_ms) - t1))" >"$RESULT_FILE"
}

declare -A JOBS=()

launch() {
  rm -f "$RUN_DIR/$1.result"
  bring_up "$1" &
  JOBS[$1]=$!
}

on_interrupt() {
  trap - INT TERM
  warn "interrupted; stopping the installs and starts in progress"
  local pid
  for pid in "${JOBS[@]}"; do kill_tree "$pid"; done
  exit 130
}

# print_summary: one line per service; returns 1 if any failed.
print_summary() {
  local svc result state detail failed=0
  local -a f
  echo
  for svc in "${SERVICES[@]}"; do
    result=$(cat "$RUN_DIR/$svc.result" 2>/dev/null) ||
      result=$(printf 'failed\t%s\t%s' "$(logfile_of "$svc")" "unexpected error")
    IFS=$'\t' read -r -a f <<<"$result"
    case ${f[0]} in
      running) state=up detail="already running" ;;
      ok) state=up detail="started (install $(fmt_ms "${f[1]}"), start $(fmt_ms "${f[2]}"))" ;;
      *) state=FAILED detail=${f[2]:-} failed=1 ;;
    esac
    printf '  %-16s %-7s %-62s %s\n' "$svc" "$state" "$(svc_call address "$svc")" "$detail"
  done
  echo
  ((failed == 0)) && return 0
  for svc in "${SERVICES[@]}"; do
    IFS=$'\t' read -r -a f <<<"$(cat "$RUN_DIR/$svc.result" 2>/dev/null || echo failed)"
    [[ ${f[0]} == failed ]] || continue
    printf '==> %s failed: %s\n' "$svc" "${f[2]:-unexpected error}" >&2
    show_log_tail "${f[1]:-$(logfile_of "$svc")}" 30
  done
  return 1
}

up() {
  local start svc rc=0
  local -a later=() missing=() miss
  start=$(now_ms)
  trap on_interrupt INT TERM

  # Services whose Debian packages are present start at once, in parallel (the
  # Go builds and the Maven download are the slow part of a first run); the
  # others wait for a single apt-get run.
  for svc in "${SERVICES[@]}"; do
    miss=()
    # shellcheck disable=SC2086 # a space-separated package list
    svc_running "$svc" || mapfile -t miss < <(apt_missing ${SVC_APT[$svc]})
    if ((${#miss[@]})); then
      later+=("$svc")
      missing+=("${miss[@]}")
    else
      launch "$svc"
    fi
  done
  if ((${#later[@]})); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
    if (apt_install "${missing[@]}"); then
      for svc in "${later[@]}"; do launch "$svc"; done
    else
      for svc in "${later[@]}"; do
        printf 'failed\t%s\t%s\n' "$LOG_DIR/apt.log" "installing Debian packages failed" \
          >"$RUN_DIR/$svc.result"
      done
    fi
  fi

  for svc in "${!JOBS[@]}"; do wait "${JOBS[$svc]}" || true; done
  trap - INT TERM
  print_summary || rc=$?
  for svc in "${SERVICES[@]}"; do rm -f "$RUN_DIR/$svc.result"; done
  if ((rc == 0)); then
    log "infrastructure ready in $(fmt_ms $(($(now_ms) - start))) (state: $INFRA_HOME)"
  else
    log "infrastructure NOT ready; logs are in $LOG_DIR" >&2
  fi
  return "$rc"
}

parse_services "$@"
hold_lock "$@"
up
