# shellcheck shell=bash disable=SC2034 # sets lib.sh's SVC_* tables and CURRENT_LOG
# stripe-mock (Stripe's official API mock), built from the Go module proxy.
# Sourced by lib.sh.

STRIPE_MOCK_VERSION=v0.203.0

SVC_PORTS['stripe-mock']="$STRIPE_MOCK_PORT $STRIPE_MOCK_HTTPS_PORT"
SVC_PROC['stripe-mock']="$CACHE_BIN/stripe-mock"
SVC_APT['stripe-mock']="curl"
SVC_TIMEOUT['stripe-mock']=30

address_stripe_mock() { echo "http://127.0.0.1:$STRIPE_MOCK_PORT (https :$STRIPE_MOCK_HTTPS_PORT)"; }

install_stripe_mock() {
  go_install stripe-mock github.com/stripe/stripe-mock "$STRIPE_MOCK_VERSION"
}

start_stripe_mock() {
  CURRENT_LOG=$(logfile_of stripe-mock)
  log "starting stripe-mock $STRIPE_MOCK_VERSION"
  spawn stripe-mock "$CACHE_BIN/stripe-mock" \
    -http-addr "127.0.0.1:$STRIPE_MOCK_PORT" -https-addr "127.0.0.1:$STRIPE_MOCK_HTTPS_PORT"
}

ready_stripe_mock() {
  port_open "$STRIPE_MOCK_HTTPS_PORT" &&
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$STRIPE_MOCK_PORT/"
}
