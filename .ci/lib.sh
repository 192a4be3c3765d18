# Shared set-up for the .ci/ scripts: a JDK >= 21, a running PostgreSQL, the project's roles and databases.
# Source it; every function is idempotent and safe to run on a fresh machine or a warm one.

set -euo pipefail

HSIP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Two roles (docs/operations.md, "Database roles"): the owner owns every object and runs the migrations only;
# the runtime role is what the gateway connects as, with the grants of the migrations and nothing more.
HSIP_DB_ROLE="${HSIP_DB_USER:-hsip}"
HSIP_DB_OWNER_ROLE="${HSIP_DB_OWNER:-hsip_owner}"
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

# Debian's Chromium, which the console's browser tests drive headless (Playwright, never a downloaded browser).
ensure_chromium() {
  if [[ -n "${HSIP_CHROMIUM:-}" && -x "$HSIP_CHROMIUM" ]] || [[ -x /usr/bin/chromium ]]; then return 0; fi
  log "installing Debian's chromium for the browser tests"
  apt_install chromium
}

# Runs the SQL given on stdin as the database superuser (never on the command line, where ps shows it), in
# database $1 (default postgres).
psql_admin() {
  local db="${1:-postgres}"
  valid_name "$db" || { log "ERROR: database name '$db' is not a plain lower-case name"; exit 1; }
  # As the postgres OS user this works whatever the TCP authentication method is.
  if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then
    su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -d $db"
  else
    psql -v ON_ERROR_STOP=1 -qtA -h 127.0.0.1 -U postgres -d "$db"
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

# Sets role $1's password to $2 when $2 is not empty (SQL on stdin, never on a command line).
set_password() {
  [[ -n "$2" ]] || return 0
  printf "ALTER ROLE \"%s\" PASSWORD '%s'\n" "$1" "${2//\'/\'\'}" | psql_admin
}

# Creates the owner and the runtime role when missing. Both log in; neither is a superuser or may create
# databases or roles, and the runtime role is no member of the owner (it would inherit ownership).
ensure_roles() {
  valid_name "$HSIP_DB_ROLE" || { log "ERROR: HSIP_DB_USER must be a plain lower-case name"; exit 1; }
  valid_name "$HSIP_DB_OWNER_ROLE" || { log "ERROR: HSIP_DB_OWNER must be a plain lower-case name"; exit 1; }
  if [[ "$HSIP_DB_ROLE" == "$HSIP_DB_OWNER_ROLE" ]]; then
    log "ERROR: HSIP_DB_USER and HSIP_DB_OWNER must be two different roles"
    exit 1
  fi
  local role
  for role in "$HSIP_DB_OWNER_ROLE" "$HSIP_DB_ROLE"; do
    if [[ -z "$(echo "SELECT 1 FROM pg_roles WHERE rolname = '$role'" | psql_admin)" ]]; then
      log "creating role $role"
      echo "CREATE ROLE \"$role\" LOGIN" | psql_admin
    fi
  done
  echo "REVOKE \"$HSIP_DB_OWNER_ROLE\" FROM \"$HSIP_DB_ROLE\"" | psql_admin 2>/dev/null || true
  set_password "$HSIP_DB_OWNER_ROLE" "${HSIP_DB_OWNER_PASSWORD:-}"
  set_password "$HSIP_DB_ROLE" "${HSIP_DB_PASSWORD:-}"
}

# Creates database $1 owned by the owner role, or hands an existing one over to it; the runtime role may
# connect. Its tables and grants come from the migrations.
ensure_database() {
  local db="$1"
  valid_name "$db" || { log "ERROR: database name '$db' is not a plain lower-case name"; exit 1; }
  if [[ -z "$(echo "SELECT 1 FROM pg_database WHERE datname = '$db'" | psql_admin)" ]]; then
    log "creating database $db"
    echo "CREATE DATABASE \"$db\" OWNER \"$HSIP_DB_OWNER_ROLE\"" | psql_admin
  else
    hand_over_database "$db"
  fi
  echo "GRANT CONNECT ON DATABASE \"$db\" TO \"$HSIP_DB_ROLE\"" | psql_admin
}

# An existing database in which the runtime role still owns objects (from before the two roles) passes to
# the owner role: the database, and every schema, table, sequence and function the runtime role owns in it
# (sequences of identity and serial columns follow their tables). The next migration (V24) then grants the
# runtime role what it needs. Operators do the same in production (docs/operations.md). Unlike REASSIGN
# OWNED, this touches no other database the runtime role may own.
hand_over_database() {
  local db="$1"
  local owner
  owner=$(echo "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$db'" | psql_admin)
  if [[ "$owner" != "$HSIP_DB_OWNER_ROLE" ]]; then
    log "handing database $db over to $HSIP_DB_OWNER_ROLE"
    echo "ALTER DATABASE \"$db\" OWNER TO \"$HSIP_DB_OWNER_ROLE\"" | psql_admin
  fi
  psql_admin "$db" <<SQL
DO \$\$
DECLARE
  from_role oid := '"$HSIP_DB_ROLE"'::regrole;
  to_role text := '$HSIP_DB_OWNER_ROLE';
  o record;
BEGIN
  FOR o IN SELECT nspname FROM pg_namespace WHERE nspowner = from_role LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', o.nspname, to_role);
  END LOOP;
  FOR o IN
    SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relowner = from_role AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
  LOOP
    EXECUTE format(CASE o.relkind WHEN 'S' THEN 'ALTER SEQUENCE %I.%I OWNER TO %I'
                                  WHEN 'v' THEN 'ALTER VIEW %I.%I OWNER TO %I'
                                  WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %I.%I OWNER TO %I'
                                  WHEN 'f' THEN 'ALTER FOREIGN TABLE %I.%I OWNER TO %I'
                                  ELSE 'ALTER TABLE %I.%I OWNER TO %I' END,
                   o.nspname, o.relname, to_role);
  END LOOP;
  FOR o IN SELECT p.oid::regprocedure AS fn FROM pg_proc p WHERE p.proowner = from_role LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.fn, to_role);
  END LOOP;
END
\$\$;
SQL
}

# Creates both roles and the project's databases when missing, and hands existing ones over to the owner.
ensure_databases() {
  ensure_roles
  local db
  for db in "${HSIP_DATABASES[@]}" "${HSIP_TEST_DB:-hsip_test}"; do
    ensure_database "$db"
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
  ensure_roles
  log "recreating test database $db"
  printf 'DROP DATABASE IF EXISTS "%s" WITH (FORCE);\n' "$db" | psql_admin
  ensure_database "$db"
}

prepare_environment() {
  select_jdk
  ensure_postgres
  ensure_databases
  cd "$HSIP_ROOT"
}
