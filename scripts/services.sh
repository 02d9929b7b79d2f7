# shellcheck shell=bash
# Services the test suite needs, sourced by scripts/test.sh before pytest:
#   * PostgreSQL + PostGIS on loopback, with a role and a database for the tests;
#   * Debian's Chromium at /usr/bin/chromium for the browser test.
# Installs with apt-get only what is missing, starts what is not running, and exports
#   NATURKAPITAL_TEST_PG_URL=postgresql://naturkapital:naturkapital@127.0.0.1:PORT/naturkapital_test
# Idempotent: sourcing it again when everything runs only re-exports the URL.
# Sourced, so it never calls `exit` and leaves the caller's shell options alone: every
# failure prints a line on stderr and makes the sourcing return non-zero.

_nk_services() {
  local sudo="" pkgs=() ver cluster port status
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive

  # 1. Packages: install only when something is missing.
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || pkgs+=(postgresql postgresql-contrib)
  if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    pkgs+=(postgis)
    ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)
    pkgs+=("postgresql-${ver:-15}-postgis-3")
  fi
  [ -x /usr/bin/chromium ] || pkgs+=(chromium)
  if [ "${#pkgs[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "services.sh: missing ${pkgs[*]} and no apt-get to install them" >&2
      return 1
    fi
    echo "services.sh: installing ${pkgs[*]}" >&2
    $sudo apt-get update -qq >/dev/null || { echo "services.sh: apt-get update failed" >&2; return 1; }
    $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null \
      || { echo "services.sh: apt-get install ${pkgs[*]} failed" >&2; return 1; }
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "services.sh: /usr/bin/chromium is missing after install" >&2
    return 1
  fi

  # 2. A cluster: the newest installed PostgreSQL, created when the package made none.
  ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  if ! ls "/usr/share/postgresql/${ver}/extension/postgis.control" >/dev/null 2>&1; then
    $sudo apt-get install -y -qq --no-install-recommends "postgresql-${ver}-postgis-3" >/dev/null \
      || { echo "services.sh: PostGIS for PostgreSQL ${ver} failed to install" >&2; return 1; }
  fi
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$ver" '$1 == v {print $2; exit}')
  if [ -z "$cluster" ]; then
    cluster=main
    $sudo pg_createcluster "$ver" "$cluster" >/dev/null \
      || { echo "services.sh: pg_createcluster $ver $cluster failed" >&2; return 1; }
  fi
  status=$(pg_lsclusters --no-header | awk -v v="$ver" -v c="$cluster" \
    '$1 == v && $2 == c {print $4}')
  if [ "$status" != "online" ]; then
    $sudo pg_ctlcluster "$ver" "$cluster" start \
      || { echo "services.sh: PostgreSQL $ver/$cluster did not start" >&2; return 1; }
  fi
  port=$(pg_lsclusters --no-header | awk -v v="$ver" -v c="$cluster" \
    '$1 == v && $2 == c {print $3}')

  # 3. Role, test database and PostGIS (in template1 too, so the tests' fresh
  #    databases have it without superuser rights).
  local psql=(env PGOPTIONS=--client-min-messages=warning psql -X -q -v ON_ERROR_STOP=1 -p "$port")
  local as_pg=(runuser -u postgres --)
  [ "$(id -u)" -eq 0 ] || as_pg=(sudo -u postgres)
  local i
  for i in $(seq 1 30); do
    "${as_pg[@]}" "${psql[@]}" -d postgres -c "select 1" >/dev/null 2>&1 && break
    sleep 1
  done
  "${as_pg[@]}" "${psql[@]}" -d postgres >/dev/null <<'SQL' \
    || { echo "services.sh: could not create the naturkapital role/database" >&2; return 1; }
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'naturkapital') THEN
    CREATE ROLE naturkapital LOGIN PASSWORD 'naturkapital' CREATEDB;
  END IF;
END $$;
SELECT 'CREATE DATABASE naturkapital_test OWNER naturkapital'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'naturkapital_test')\gexec
SQL
  for db in template1 naturkapital_test; do
    "${as_pg[@]}" "${psql[@]}" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null \
      || { echo "services.sh: CREATE EXTENSION postgis failed in $db" >&2; return 1; }
  done
  export NATURKAPITAL_TEST_PG_URL="postgresql://naturkapital:naturkapital@127.0.0.1:${port}/naturkapital_test"
  echo "services.sh: PostgreSQL ${ver} + PostGIS on 127.0.0.1:${port}, chromium at /usr/bin/chromium" >&2
  return 0
}

_nk_services
_nk_rc=$?
unset -f _nk_services
[ "$_nk_rc" -eq 0 ]
