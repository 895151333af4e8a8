#!/usr/bin/env bash
# Starts Debian's PostgreSQL for the store's tests (installing it with apt when missing and root)
# and prints the admin URL the tests use (KIOSK_TEST_POSTGRES_URL). Prints nothing, and says why
# on stderr, when PostgreSQL cannot be had here: the PostgreSQL tests are then skipped.
set -uo pipefail
say() { echo "postgres-for-tests: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing postgresql"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 \
      || { say "could not install postgresql"; exit 0; }
  else
    say "PostgreSQL is not installed (apt-get install postgresql); its tests will be skipped"; exit 0
  fi
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
[ -n "$version" ] || { say "no PostgreSQL cluster found"; exit 0; }
cluster() { pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1==v && $2=="main" {print $'"$1"'}'; }
if ! cluster 4 | grep -q online; then
  if [ "$(id -u)" -eq 0 ]; then
    pg_ctlcluster "$version" main start >/dev/null 2>&1 || { say "could not start the cluster"; exit 0; }
  else
    say "the PostgreSQL cluster is not running; its tests will be skipped"; exit 0
  fi
fi
if [ "$(id -u)" -eq 0 ]; then
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='kiosk_test'\"" 2>/dev/null | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE kiosk_test LOGIN CREATEDB PASSWORD 'kiosk_test'\"" >/dev/null 2>&1
fi
port=$(cluster 3)                  # 5432 unless another cluster had it first
echo "postgresql+psycopg://kiosk_test:kiosk_test@127.0.0.1:${port:-5432}/postgres"
