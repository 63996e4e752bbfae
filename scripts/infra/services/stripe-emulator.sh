# shellcheck shell=bash disable=SC2034 # sets lib.sh's SVC_* tables and CURRENT_LOG
# The project's own stateful Stripe emulator (emulators/stripe, @instainstru/stripe-emulator):
# TypeScript run by the repository's tsx under the project's Node.js. Sourced by lib.sh.
#
# It needs Node.js 24 and node_modules (tsx, qs). `npm start` and `npm test` provide both before
# they bring the infrastructure up; on a fresh clone `npm run infra:up` alone installs them here
# first (scripts/lib/node.sh, scripts/lib/app.sh), so the order never matters.

SVC_PORTS['stripe-emulator']="$STRIPE_EMULATOR_PORT"
SVC_PROC['stripe-emulator']="$REPO/emulators/stripe/src/index.ts"
SVC_APT['stripe-emulator']="curl"
SVC_TIMEOUT['stripe-emulator']=30

address_stripe_emulator() { echo "$STRIPE_EMULATOR_URL (controls: /_emulator/…)"; }

# stripe_emulator_node: make the project's Node.js the `node` on PATH (quietly when it already is).
stripe_emulator_node() {
  if ! declare -F ensure_node >/dev/null; then
    # shellcheck source=/dev/null
    source "$REPO/scripts/lib/node.sh"
  fi
  ensure_node || die "Node.js $NODE_RELEASE_MAJOR is needed to run the Stripe emulator"
}

install_stripe_emulator() {
  stripe_emulator_node
  if [[ ! -e $REPO/node_modules/tsx/package.json || ! -e $REPO/node_modules/qs/package.json ]]; then
    CURRENT_LOG=$(install_log_of stripe-emulator)
    log "node_modules is missing or incomplete; installing npm dependencies (log: $CURRENT_LOG)"
    # shellcheck source=/dev/null
    declare -F ensure_node_modules >/dev/null || source "$REPO/scripts/lib/app.sh"
    ensure_node_modules >>"$CURRENT_LOG" 2>&1 || die "npm install failed (see $CURRENT_LOG)"
  fi
}

start_stripe_emulator() {
  local node
  stripe_emulator_node
  node=$(command -v node)
  CURRENT_LOG=$(logfile_of stripe-emulator)
  log "starting the Stripe emulator ($node)"
  # From the repository, so `--import tsx` resolves to its node_modules.
  (cd "$REPO" && STRIPE_EMULATOR_PORT=$STRIPE_EMULATOR_PORT STRIPE_EMULATOR_HOST=127.0.0.1 \
    spawn stripe-emulator "$node" --import tsx "$REPO/emulators/stripe/src/index.ts") ||
    die "could not start the Stripe emulator"
}

ready_stripe_emulator() {
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$STRIPE_EMULATOR_PORT/"
}
