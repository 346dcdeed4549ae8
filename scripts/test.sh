#!/usr/bin/env bash
# The whole suite on SQLite, then on PostgreSQL (a throw-away database on the local server).
# Under CI=true a PostgreSQL that cannot be reached is a failure, not a skip.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0

echo "== lint"
.venv/bin/ruff check src tests bench zoom-emulator || status=1
.venv/bin/mypy || status=1
.venv/bin/lint-imports --no-cache || status=1

echo "== tests on SQLite"
env -u DATABASE_URL SESSIONDESK_HOME="$(mktemp -d)" $PY -m pytest "$@" || status=1

echo "== tests on PostgreSQL"
if scripts/ensure-postgres.sh; then
  # pytest-django creates test_<name> and drops it afterwards.
  DATABASE_URL="postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/sessiondesk_$$" \
    SESSIONDESK_HOME="$(mktemp -d)" $PY -m pytest "$@" || status=1
  # A connection a test left open can stop pytest-django from dropping its database: drop it here.
  psql -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U postgres \
    -c "DROP DATABASE IF EXISTS test_sessiondesk_$$ WITH (FORCE)" 2>/dev/null || true
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at ${PGHOST:-127.0.0.1}:${PGPORT:-5432}; under CI this is a failure." >&2
  status=1
else
  echo "PostgreSQL is not reachable: skipped the PostgreSQL run (it is required under CI=true)." >&2
fi
exit $status
