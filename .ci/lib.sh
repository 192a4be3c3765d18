# Shared set-up for the .ci/ scripts: a JDK >= 21, a running PostgreSQL, the project's role and databases.
# Source it; every function is idempotent and safe to run on a fresh machine or a warm one.

set -euo pipefail

HSIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HSIP_DB_ROLE="${HSIP_DB_USER:-hsip}"
HSIP_DATABASES=(hsip_dev hsip_test)

# Names end up in SQL as identifiers: accept only plain lower-case names.
valid_name() { [[ "$1" =~ ^[a-z][a-z0-9_]{0,62}$ ]]; }

log() { printf '[hsip] %s\n' "$*" >&2; }

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# Exports JAVA_HOME pointing at the newest JDK >= 21 found (an existing JAVA_HOME >= 21 wins).
select_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
    log "using JAVA_HOME=$JAVA_HOME"
    return
  fi
  local best="" best_major=0 candidate major
  for candidate in /usr/lib/jvm/* /opt/java/* "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")"; do
    [[ -x "$candidate/bin/javac" ]] || continue
    major=$(java_major "$candidate/bin/java")
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 21 && major > best_major )); then
      best="$candidate" best_major=$major
    fi
  done
  if [[ -z "$best" ]]; then
    log "no JDK >= 21 found; installing one from Debian"
    apt_install openjdk-21-jdk-headless || { log "ERROR: install a JDK >= 21 and set JAVA_HOME"; exit 1; }
    select_jdk
    return
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  log "using JDK $best_major at $JAVA_HOME"
}

apt_install() {
  local missing=() pkg
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  (( ${#missing[@]} == 0 )) && return 0
  if [[ $(id -u) -ne 0 ]]; then log "need root to install: ${missing[*]}"; return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Runs the SQL given on stdin as the database superuser (never on the command line, where ps shows it).
psql_admin() {
  # As the postgres OS user this works whatever the TCP authentication method is.
  if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then
    su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -d postgres"
  else
    psql -v ON_ERROR_STOP=1 -qtA -h 127.0.0.1 -U postgres -d postgres
  fi
}

# Starts the local PostgreSQL cluster if it is down (installing it if absent) and waits for it.
ensure_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    log "PostgreSQL is not installed; installing it from Debian"
    apt_install postgresql
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    return
  fi
  local version
  version=$(pg_lsclusters -h | awk '$2 == "main" {print $1; exit}')
  [[ -n "$version" ]] || version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  local i
  for i in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  log "ERROR: PostgreSQL did not come up on 127.0.0.1:5432"
  exit 1
}

# Creates the project's role (login, may create databases) and its databases when missing.
ensure_databases() {
  valid_name "$HSIP_DB_ROLE" || { log "ERROR: HSIP_DB_USER must be a plain lower-case name"; exit 1; }
  if [[ -z "$(echo "SELECT 1 FROM pg_roles WHERE rolname = '$HSIP_DB_ROLE'" | psql_admin)" ]]; then
    log "creating role $HSIP_DB_ROLE"
    echo "CREATE ROLE \"$HSIP_DB_ROLE\" LOGIN" | psql_admin
  fi
  if [[ -n "${HSIP_DB_PASSWORD:-}" ]]; then
    printf "ALTER ROLE \"%s\" PASSWORD '%s'\n" "$HSIP_DB_ROLE" "${HSIP_DB_PASSWORD//\'/\'\'}" | psql_admin
  fi
  local db
  for db in "${HSIP_DATABASES[@]}" "${HSIP_TEST_DB:-hsip_test}"; do
    valid_name "$db" || { log "ERROR: database name '$db' is not a plain lower-case name"; exit 1; }
    if [[ -z "$(echo "SELECT 1 FROM pg_database WHERE datname = '$db'" | psql_admin)" ]]; then
      log "creating database $db"
      echo "CREATE DATABASE \"$db\" OWNER \"$HSIP_DB_ROLE\"" | psql_admin
    fi
  done
}

# Recreates the test database so every test run starts from an empty schema that Flyway builds anew.
reset_test_database() {
  local db="${HSIP_TEST_DB:-hsip_test}"
  # Only a test database may be dropped: never the dev database or anyone else's.
  if [[ ! "$db" =~ ^hsip_test[a-z0-9_]*$ ]]; then
    log "ERROR: HSIP_TEST_DB must be named hsip_test or hsip_test_*; refusing to drop '$db'"
    exit 1
  fi
  log "recreating test database $db"
  printf 'DROP DATABASE IF EXISTS "%s" WITH (FORCE);\nCREATE DATABASE "%s" OWNER "%s";\n' "$db" "$db" "$HSIP_DB_ROLE" \
    | psql_admin
}

prepare_environment() {
  select_jdk
  ensure_postgres
  ensure_databases
  cd "$HSIP_ROOT"
}
