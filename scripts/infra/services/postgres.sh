# shellcheck shell=bash disable=SC2034 # sets lib.sh's SVC_* tables and CURRENT_LOG
# PostgreSQL with PostGIS and contrib (btree_gist, pg_trgm), from Debian packages.
# The cluster lives in $INFRA_HOME/data/postgres and runs as OS user postgres
# (the server refuses to run as root). Sourced by lib.sh.

PG_DATA="$DATA_DIR/postgres"

# The major version: $PG_MAJOR, else the one the existing cluster was created
# with, else the newest installed, else 15 (Debian 12's version).
pg_detect_major() {
  local dir major best=""
  if [[ -n ${PG_MAJOR:-} ]]; then
    echo "$PG_MAJOR"
    return
  fi
  if [[ -r $PG_DATA/PG_VERSION ]]; then
    echo "$(<"$PG_DATA/PG_VERSION")"
    return
  fi
  for dir in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x $dir ]] || continue
    major=${dir#/usr/lib/postgresql/}
    major=${major%%/*}
    if [[ -z $best ]] || ((major > best)); then best=$major; fi
  done
  echo "${best:-15}"
}
PG_MAJOR=$(pg_detect_major)
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"

SVC_PORTS['postgres']="$PGPORT"
SVC_PROC['postgres']="$PG_BIN/postgres -D $PG_DATA"
SVC_APT['postgres']="postgresql-$PG_MAJOR postgresql-$PG_MAJOR-postgis-3 postgresql-client-$PG_MAJOR"
SVC_TIMEOUT['postgres']=60

address_postgres() { echo "postgresql://postgres@127.0.0.1:$PGPORT/$PGDATABASE"; }

# pg_quote <value>: a single-quoted postgresql.conf string.
pg_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# pg_psql [psql args...]: superuser psql over the unix socket (trust auth).
pg_psql() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$PGPORT" -U postgres "$@"
}

as_postgres() { runuser -u postgres -- "$@"; }

install_postgres() {
  local ext_dir="/usr/share/postgresql/$PG_MAJOR/extension" ext
  [[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL $PG_MAJOR binaries not found in $PG_BIN"
  for ext in postgis btree_gist pg_trgm; do
    [[ -f $ext_dir/$ext.control ]] || die "PostgreSQL extension $ext is missing ($ext_dir/$ext.control)"
  done
  id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist (it comes with the postgresql-common package)"
}

# pg_prepare_dirs: the data dir and the socket dir ($RUN_DIR, which also holds the
# pidfile) must belong to / be writable by user postgres.
pg_prepare_dirs() {
  local socket="$RUN_DIR/.s.PGSQL.$PGPORT"
  ((${#socket} < 108)) || die "unix socket path $socket is too long (max 107 bytes); set INFRA_HOME to a shorter path"
  mkdir -p "$PG_DATA"
  chown postgres:postgres "$PG_DATA" "$RUN_DIR"
  chmod 700 "$PG_DATA"
  as_postgres test -w "$PG_DATA" -a -w "$RUN_DIR" ||
    die "user postgres cannot reach $INFRA_HOME (a parent directory is not traversable for it, e.g. a home directory with mode 700).
    Set INFRA_HOME to a directory it can reach, e.g.: export INFRA_HOME=/var/tmp/instainstru-infra"
}

pg_initdb() {
  local pwfile
  log "initializing a PostgreSQL $PG_MAJOR cluster in $PG_DATA"
  pwfile=$(mktemp "$RUN_DIR/.pgpass.XXXXXX")
  printf '%s\n' "$PG_SUPERUSER_PASSWORD" >"$pwfile"
  chown postgres "$pwfile"
  # Local socket: trust (dev box); TCP on 127.0.0.1/::1: scram-sha-256.
  if ! as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
    >>"$CURRENT_LOG" 2>&1; then
    rm -f "$pwfile"
    die "initdb failed (see $CURRENT_LOG)"
  fi
  rm -f "$pwfile"
  printf "\ninclude = 'instainstru.conf'\n" >>"$PG_DATA/postgresql.conf"
}

# pg_write_settings: regenerated on every start so port/path changes apply.
pg_write_settings() {
  cat >"$PG_DATA/instainstru.conf" <<EOF
# Written by scripts/infra/services/postgres.sh on every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = $(pg_quote "$RUN_DIR")
external_pid_file = $(pg_quote "$(pidfile_of postgres)")
password_encryption = 'scram-sha-256'
max_connections = 300
shared_buffers = 256MB
# Development/test settings: durability is traded for speed (the test suite
# creates and drops many databases). A crash of the machine can corrupt this
# cluster; never use these settings for data you care about.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  chown postgres:postgres "$PG_DATA/instainstru.conf"
}

start_postgres() {
  local log
  log=$(logfile_of postgres)
  CURRENT_LOG=$log
  pg_prepare_dirs
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    pg_initdb
  elif [[ $(<"$PG_DATA/PG_VERSION") != "$PG_MAJOR" ]]; then
    die "$PG_DATA holds a PostgreSQL $(<"$PG_DATA/PG_VERSION") cluster but PG_MAJOR=$PG_MAJOR; use 'scripts/infra/down.sh postgres --purge' to recreate it"
  fi
  pg_write_settings
  rotate_log postgres
  chown postgres:postgres "$log"
  log "starting PostgreSQL $PG_MAJOR"
  # shellcheck disable=SC2094 # pg_ctl and the server both only append to the log
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$log" -w -t "${SVC_TIMEOUT[postgres]}" start \
    >>"$log" 2>&1 || die "PostgreSQL did not start (see $log)"
  # Apply PG_SUPERUSER_PASSWORD also to a cluster created with another one.
  pg_psql -d postgres -v pw="$PG_SUPERUSER_PASSWORD" <<<"ALTER ROLE postgres PASSWORD :'pw'" \
    >/dev/null 2>>"$log" || die "could not set the postgres password (see $log)"
}

ready_postgres() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -d postgres; }

ensure_postgres() {
  pg_psql -d postgres -v db="$PGDATABASE" >/dev/null <<'SQL' || die "could not create database $PGDATABASE"
SELECT format('CREATE DATABASE %I', :'db')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
SQL
}

stop_postgres() {
  if [[ -f $PG_DATA/postmaster.pid ]] &&
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 60 >/dev/null 2>&1; then
    rm -f "$(pidfile_of postgres)"
  else
    stop_by_pid postgres
  fi
}
