#!/usr/bin/env bash
# npm stop: drain and stop the gateway and the five services (the infrastructure keeps running).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
source "$REPO/scripts/lib/app.sh"
for ((i = ${#APPS[@]} - 1; i >= 0; i--)); do stop_app "${APPS[i]%%:*}"; done
