# shellcheck shell=bash disable=SC2034 # sets lib.sh's SVC_* tables and CURRENT_LOG
# S3-compatible object storage: MinIO, built from the Go module proxy, with the
# application's bucket created on start. Sourced by lib.sh.

# MinIO publishes no semver tags, so the module proxy only knows pseudo-versions.
# This one (master of 2026-02-12) is known to build with Go 1.24+ and to serve S3.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
S3_DATA="$DATA_DIR/s3"

# Only the S3 port: with MINIO_BROWSER=off the console address is not bound.
SVC_PORTS['s3']="$S3_PORT"
SVC_PROC['s3']="$CACHE_BIN/minio server $S3_DATA"
SVC_APT['s3']="curl"
SVC_TIMEOUT['s3']=60

address_s3() { echo "http://127.0.0.1:$S3_PORT (bucket $S3_BUCKET)"; }

install_s3() {
  # -s -w: no symbol table/DWARF; a smaller binary and a faster link.
  go_install minio github.com/minio/minio "$MINIO_VERSION" -trimpath -ldflags=-s\ -w
}

start_s3() {
  CURRENT_LOG=$(logfile_of s3)
  mkdir -p "$S3_DATA"
  log "starting MinIO"
  spawn s3 env MINIO_ROOT_USER="$S3_ACCESS_KEY_ID" MINIO_ROOT_PASSWORD="$S3_SECRET_ACCESS_KEY" \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    "$CACHE_BIN/minio" server "$S3_DATA" \
    --address "127.0.0.1:$S3_PORT" --console-address "127.0.0.1:$S3_CONSOLE_PORT"
}

ready_s3() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$S3_PORT/minio/health/ready"; }

# s3_request <path> [curl args...]: a SigV4-signed request; prints the HTTP status.
s3_request() {
  local path=$1
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY" \
    "$@" "http://127.0.0.1:$S3_PORT/$path"
}

ensure_s3() {
  local status tries=0
  # MinIO reports itself ready before its S3 API is: for a few seconds after a fresh start the API
  # answers 503 (server not initialized), so wait that out rather than fail the whole start.
  while status=$(s3_request "$S3_BUCKET" --head) && [[ $status == 503 || $status == 000 ]] && ((tries < 60)); do
    tries=$((tries + 1))
    sleep 0.5
  done
  [[ $status == 200 ]] && return 0
  [[ $status == 404 ]] ||
    die "checking bucket $S3_BUCKET failed (HTTP $status; wrong S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY?)"
  status=$(s3_request "$S3_BUCKET" -X PUT)
  # 409 = BucketAlreadyOwnedByYou: created concurrently.
  [[ $status == 200 || $status == 409 ]] || die "creating bucket $S3_BUCKET failed (HTTP $status)"
  log "created bucket $S3_BUCKET"
}
