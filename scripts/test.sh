#!/usr/bin/env bash
# npm test: the whole suite (pure specs, integration against real Postgres/Redis/Kafka/S3/
# stripe-mock, end to end through the gateway, contracts and typecheck) in one Jest run.
# The harness starts the infrastructure when it is not running (testcontainers when a Docker
# engine answers, else scripts/infra). Ends with one line: "N passed, N failed".
# Runs on the Node.js that scripts/lib/node.sh picks (.nvmrc's when the machine's is older), Jest's
# workers and every process they start included.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
source "$REPO/scripts/lib/app.sh"
cd "$REPO"
# The local stack runs in development mode (production is the default; see README, Production).
export NODE_ENV="${NODE_ENV:-development}"
ensure_dirs

summary() { echo "$1 passed, $2 failed"; }

if ! ensure_node || ! (ensure_node_modules); then
  summary 0 1
  exit 1
fi

results="$INFRA_HOME/jest-results.json"
rm -f "$results"
npx jest --ci --json --outputFile="$results" "$@"
status=$?

if [[ ! -s $results ]]; then
  echo "Jest wrote no results (exit $status)" >&2
  summary 0 1
  exit 1
fi
node -e '
  const r = require(process.argv[1]);
  // A suite that failed to run (setup error, syntax error) counts as a failure too.
  const broken = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed`);
' "$results"
exit $status
