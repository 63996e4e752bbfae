#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests (tests/e2e/gateway-explorer.e2e.ts).
#
#   scripts/infra/chromium.sh
#
# Idempotent: returns at once when /usr/bin/chromium is there, otherwise apt-get installs the
# `chromium` package (a few minutes on a fresh machine; needs root). Concurrent callers wait on
# one lock, so two test workers never run apt-get at the same time. Prints the browser's path.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM=/usr/bin/chromium

if [[ ! -x $CHROMIUM ]]; then
  ensure_dirs
  (
    flock -w 900 9 || die "another install of Chromium has held the lock for 15 minutes"
    [[ -x $CHROMIUM ]] || apt_install chromium >&2
  ) 9>"$RUN_DIR/chromium.lock"
  [[ -x $CHROMIUM ]] || die "apt-get installed chromium but $CHROMIUM is missing"
fi
echo "$CHROMIUM"
