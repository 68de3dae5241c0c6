#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL (see ENVIRONMENT.md, "Fresh machine").
# When one does not answer, its host is this machine, the machine is Debian/Ubuntu and we are root, it is
# installed with apt (if needed) and started. Otherwise: a clear message pointing at deploy/compose.yaml.
# Never falls back to an in-memory fake.
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/streamplane}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
WAIT_SECONDS="${SERVICES_WAIT_SECONDS:-60}"
PG_CLUSTER="${PG_CLUSTER:-main}" # the Debian cluster to start when PostgreSQL is down
COMPOSE_HINT="With Docker: docker compose -f deploy/compose.yaml up -d"

log() { printf '[streamplane] %s\n' "$*"; }
die() {
  printf '[streamplane] ERROR: %s\n' "$*" >&2
  exit 1
}

# Splits a URL into URL_USER, URL_PASSWORD, URL_HOST, URL_PORT (default port given as $2).
parse_url() {
  local rest="${1#*://}" authority userinfo=''
  authority="${rest%%/*}"
  authority="${authority%%\?*}"
  if [[ $authority == *@* ]]; then
    userinfo="${authority%@*}"
    authority="${authority##*@}"
  fi
  URL_USER="${userinfo%%:*}"
  URL_PASSWORD=''
  [[ $userinfo == *:* ]] && URL_PASSWORD="${userinfo#*:}"
  if [[ $authority == \[* ]]; then # [::1]:5432
    URL_HOST="${authority%%]*}"
    URL_HOST="${URL_HOST#[}"
    URL_PORT="${authority##*]}"
    URL_PORT="${URL_PORT#:}"
  else
    URL_HOST="${authority%%:*}"
    URL_PORT=''
    [[ $authority == *:* ]] && URL_PORT="${authority##*:}"
  fi
  URL_HOST="${URL_HOST:-127.0.0.1}"
  URL_PORT="${URL_PORT:-$2}"
}

is_local_host() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
can_install() { [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; }
why_not_install() {
  if ! is_local_host "$1"; then
    echo "its host $1 is not this machine"
  elif [[ ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
    echo "this is not a Debian/Ubuntu machine"
  else
    echo "installing and starting it needs root"
  fi
}

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  log "Installing $* with apt-get"
  if ! apt-get install -y --no-install-recommends "$@"; then
    apt-get update
    apt-get install -y --no-install-recommends "$@"
  fi
}

wait_until() { # description, command...
  local description=$1 deadline=$((SECONDS + WAIT_SECONDS))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
  log "$description answers"
}

# --- PostgreSQL ------------------------------------------------------------------------------------
parse_url "$DATABASE_URL" 5432
PG_HOST=$URL_HOST PG_PORT=$URL_PORT PG_USER=${URL_USER:-postgres} PG_PASSWORD=$URL_PASSWORD
# The same server's maintenance database: the app's own may not exist yet (db:migrate creates it).
admin_url() {
  local url=$1 query='' scheme rest
  [[ $url == *\?* ]] && query="?${url#*\?}" && url="${url%%\?*}"
  scheme="${url%%://*}" rest="${url#*://}"
  printf '%s://%s/postgres%s' "$scheme" "${rest%%/*}" "$query"
}
PG_ADMIN_URL=$(admin_url "$DATABASE_URL")

pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}
pg_login_works() {
  command -v psql >/dev/null || return 0 # cannot tell without psql; the app will say
  PGCONNECT_TIMEOUT=3 psql "$PG_ADMIN_URL" -Atqc 'SELECT 1' >/dev/null 2>&1
}
pg_version() { find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n1; }

# A fresh Debian cluster wants a password over TCP (scram-sha-256). The least invasive way to make
# postgresql://postgres@127.0.0.1 work: trust loopback connections only, in lines at the top of pg_hba.conf.
pg_trust_loopback() {
  local version=$1 hba="/etc/postgresql/$1/$PG_CLUSTER/pg_hba.conf"
  grep -q '^# streamplane: trust loopback' "$hba" && return 0
  {
    printf '%s\n' '# streamplane: trust loopback connections for local development (added by scripts/services.sh)' \
      'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'
    cat "$hba"
  } >"$hba.streamplane.tmp"
  cat "$hba.streamplane.tmp" >"$hba" # keeps the file's owner and mode
  rm -f "$hba.streamplane.tmp"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" reload
  log "Added 'host all all 127.0.0.1/32 trust' (and ::1) at the top of $hba and reloaded PostgreSQL"
}

ensure_postgres() {
  local started=0 version
  if ! pg_answers; then
    if ! { is_local_host "$PG_HOST" && can_install; }; then
      die "PostgreSQL does not answer at $PG_HOST:$PG_PORT, and I cannot start it: $(why_not_install "$PG_HOST"). Start it yourself and set DATABASE_URL. $COMPOSE_HINT"
    fi
    if ! command -v pg_ctlcluster >/dev/null || [[ -z $(pg_version) ]]; then
      apt_install postgresql
    fi
    version=$(pg_version)
    local conf="/etc/postgresql/$version/$PG_CLUSTER/postgresql.conf"
    local logfile="/var/log/postgresql/postgresql-$version-$PG_CLUSTER.log"
    [[ -f $conf ]] || die "PostgreSQL $version is installed but has no cluster '$PG_CLUSTER' ($conf). $COMPOSE_HINT"
    local cluster_port
    cluster_port=$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$conf" | tail -n1)
    [[ ${cluster_port:-5432} == "$PG_PORT" ]] ||
      log "Note: cluster $version/$PG_CLUSTER listens on port ${cluster_port:-5432}, but DATABASE_URL says $PG_PORT"
    if ! pg_answers; then # the package's postinst may already have started it
      log "Starting PostgreSQL $version (cluster $PG_CLUSTER)"
      pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start ||
        pg_answers || die "pg_ctlcluster could not start PostgreSQL $version/$PG_CLUSTER; see $logfile"
    fi
    wait_until "PostgreSQL at $PG_HOST:$PG_PORT" pg_answers ||
      die "PostgreSQL did not answer within ${WAIT_SECONDS}s; see $logfile"
    started=1
  else
    log "PostgreSQL answers at $PG_HOST:$PG_PORT"
  fi

  pg_login_works && return 0
  # It runs, but our URL cannot log in. Only touch auth for the documented default (postgres, no password,
  # this machine), and only on a cluster this script manages.
  version=$(pg_version)
  if ((started)) || [[ ${STREAMPLANE_FIX_PG_AUTH:-} == 1 ]]; then
    if [[ $PG_USER == postgres && -z $PG_PASSWORD && -n $version ]] && is_local_host "$PG_HOST" && can_install; then
      pg_trust_loopback "$version"
      wait_until "PostgreSQL login as $PG_USER" pg_login_works && return 0
    fi
  fi
  die "PostgreSQL answers at $PG_HOST:$PG_PORT but user '$PG_USER' cannot log in with DATABASE_URL. Fix the URL's credentials, or allow loopback logins in pg_hba.conf (re-run with STREAMPLANE_FIX_PG_AUTH=1 to let this script add 'host all all 127.0.0.1/32 trust')."
}

# --- Redis -----------------------------------------------------------------------------------------
parse_url "$REDIS_URL" 6379
REDIS_HOST=$URL_HOST REDIS_PORT=$URL_PORT

redis_answers() {
  if command -v redis-cli >/dev/null; then
    [[ $(timeout 3 redis-cli -u "$REDIS_URL" ping 2>/dev/null) == PONG ]]
  else
    # shellcheck disable=SC2016 # expanded by the inner bash, which gets host and port as $1 and $2
    timeout 3 bash -c '
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      printf "PING\r\n" >&3
      IFS= read -r -t 2 reply <&3 || exit 1
      # +PONG, or -NOAUTH from a server that wants a password: either way it answers.
      [[ $reply == +PONG* || $reply == -NOAUTH* ]]
    ' _ "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
  fi
}

ensure_redis() {
  if redis_answers; then
    log "Redis answers at $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if ! { is_local_host "$REDIS_HOST" && can_install; }; then
    die "Redis does not answer at $REDIS_HOST:$REDIS_PORT, and I cannot start it: $(why_not_install "$REDIS_HOST"). Start it yourself and set REDIS_URL. $COMPOSE_HINT"
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  if ! redis_answers; then # the package's postinst may already have started it
    log "Starting redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no --dir "${TMPDIR:-/tmp}" >/dev/null
  fi
  wait_until "Redis at $REDIS_HOST:$REDIS_PORT" redis_answers || die "Redis did not answer within ${WAIT_SECONDS}s"
}

ensure_postgres
ensure_redis
