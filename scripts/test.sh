#!/usr/bin/env bash
# `make test`: install, make sure chromium and PostgreSQL are there, then run the whole suite on SQLite
# and on PostgreSQL. Fails when either run fails, including when a run collects no tests (pytest exit 5).
# Extra pytest arguments: PYTEST_ARGS="-k scim" make test
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/postgres.sh"

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/ensure-chromium.sh"
cd "$ROOT"
pg_ensure
trap pg_stop_throwaway EXIT

read -r -a extra <<<"${PYTEST_ARGS:-}"
declare -A results=()
for backend in sqlite postgresql; do
    log "pytest on $backend"
    set +e
    ROSTER_TEST_DATABASE="$backend" "$VENV/bin/pytest" -n auto "${extra[@]}"
    rc=$?
    set -e
    case "$rc" in
        0) results[$backend]="passed" ;;
        5) results[$backend]="FAILED (no tests were collected)" ;;
        *) results[$backend]="FAILED (pytest exit code $rc)" ;;
    esac
done

status=0
for backend in sqlite postgresql; do
    log "$backend: ${results[$backend]}"
    [ "${results[$backend]}" = "passed" ] || status=1
done
exit "$status"
