#!/usr/bin/env bash
# npm start: install what is missing, start the infrastructure, prepare the database (bootstrap,
# migrations, demo data), start the six services and the gateway, print the GraphQL URL.
# Safe to run again while everything is up: it starts only what is not running.
# The apps run from TypeScript through tsx; `--built` (npm run start:built) builds dist/ and runs
# the JavaScript there instead, as the image does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
source "$REPO/scripts/lib/app.sh"
started=$SECONDS
cd "$REPO"
# The local stack runs in development mode (production is the default; see README, Production).
export NODE_ENV="${NODE_ENV:-development}"
ensure_dirs

ensure_node || exit 1
ensure_node_modules
if [[ ${1:-} == --built ]]; then
  log "building dist/"
  npm run -s build
  export APP_FROM_DIST=1
fi
bash "$REPO/scripts/infra/up.sh"

log "preparing the database"
node --import tsx scripts/db-bootstrap.ts
node --import tsx scripts/migrate.ts
node --import tsx scripts/seed.ts

for app in "${APPS[@]}"; do start_app "${app%%:*}" "${app##*:}"; done
for app in "${APPS[@]}"; do
  name=${app%%:*} port=${app##*:}
  if ! wait_for 90 app_ready "$name" "$port"; then
    tail -n 30 "$(app_logfile "$name")" >&2 || true
    die "$name did not become ready on port $port (log: $(app_logfile "$name"))"
  fi
done

log "publishing demo availability"
node --import tsx scripts/seed-calendar.ts
log "connecting the services to the Stripe emulator"
node --import tsx scripts/stripe-dev.ts

cat <<MSG

InstaInstru is up in $((SECONDS - started))s.
  GraphQL endpoint:  http://localhost:4000/graphql
  Subgraphs:         catalog :4001  instructor :4002  availability :4003  booking :4004  reviews :4005  partners :4006
  A token:           npm run dev-token -- --role student --sub student-1
  Try:               curl -s localhost:4000/graphql -H 'content-type: application/json' \\
                       -d '{"query":"{ categories { name subtitle iconName services { name } } }"}'
  Logs:              $LOG_DIR/app-<name>.log
  Stop:              npm stop   (infrastructure too: npm run infra:down)
MSG
