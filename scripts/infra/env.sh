# shellcheck shell=bash
# Default connection settings for the local infrastructure started by
# scripts/infra/up.sh. Source it (`. scripts/infra/env.sh`); every variable is
# exported only when it is not already set, so an explicit value always wins.
#
# Ports of the local services (also read by scripts/infra/*.sh).
: "${PGPORT:=5432}"
: "${REDIS_PORT:=6379}"
: "${KAFKA_PORT:=9092}"
: "${KAFKA_CONTROLLER_PORT:=9093}"
: "${STRIPE_MOCK_PORT:=12111}"
: "${STRIPE_MOCK_HTTPS_PORT:=12112}"
: "${STRIPE_EMULATOR_PORT:=12120}"
: "${S3_PORT:=9000}"
: "${S3_CONSOLE_PORT:=9001}"

# What the application reads.
: "${PGHOST:=127.0.0.1}"
: "${PGDATABASE:=instainstru}"
: "${PG_SUPERUSER_PASSWORD:=postgres}"
: "${REDIS_URL:=redis://127.0.0.1:${REDIS_PORT}}"
: "${KAFKA_BROKERS:=127.0.0.1:${KAFKA_PORT}}"
: "${STRIPE_MOCK_URL:=http://127.0.0.1:${STRIPE_MOCK_PORT}}"
# The project's own stateful Stripe emulator (emulators/stripe): what the services call locally.
# stripe-mock only checks request shapes (the contract test sends every shape to both).
: "${STRIPE_EMULATOR_URL:=http://127.0.0.1:${STRIPE_EMULATOR_PORT}}"
: "${STRIPE_API_BASE:=${STRIPE_EMULATOR_URL}}"
: "${STRIPE_SECRET_KEY:=sk_test_instainstru}"
: "${S3_ENDPOINT:=http://127.0.0.1:${S3_PORT}}"
: "${S3_REGION:=us-east-1}"
: "${S3_ACCESS_KEY_ID:=instainstru}"
: "${S3_SECRET_ACCESS_KEY:=instainstru-dev-secret}"
: "${S3_BUCKET:=instainstru-documents}"

export PGPORT REDIS_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT STRIPE_MOCK_PORT \
  STRIPE_MOCK_HTTPS_PORT STRIPE_EMULATOR_PORT S3_PORT S3_CONSOLE_PORT \
  PGHOST PGDATABASE PG_SUPERUSER_PASSWORD REDIS_URL KAFKA_BROKERS \
  STRIPE_API_BASE STRIPE_SECRET_KEY STRIPE_MOCK_URL STRIPE_EMULATOR_URL \
  S3_ENDPOINT S3_REGION S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_BUCKET
