#!/usr/bin/env bash
# Show the state of the local infrastructure.
#
#   scripts/infra/status.sh [service...]      (npm run infra:status)
#
# Exits 0 when every listed service is up, 1 otherwise.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parse_services "$@"
all_up=0
foreign=0
printf '%-16s %-12s %-9s %-8s %s\n' SERVICE PORT STATE PID ADDRESS
for svc in "${SERVICES[@]}"; do
  port=$(svc_port "$svc")
  if pid=$(svc_pid "$svc"); then
    if port_open "$port"; then state=up; else state=starting all_up=1; fi
  else
    pid=-
    all_up=1
    if port_open "$port"; then state=foreign foreign=1; else state=down; fi
  fi
  printf '%-16s %-12s %-9s %-8s %s\n' "$svc" "${SVC_PORTS[$svc]// /,}" "$state" "$pid" \
    "$(svc_call address "$svc")"
done
if ((foreign)); then
  echo
  echo "(state 'foreign': the port is taken by a process not started from $INFRA_HOME)"
fi
exit "$all_up"
