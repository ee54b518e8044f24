#!/usr/bin/env bash
# `make run`: install, seed (or reopen) the demo workspace, print where to click, serve.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"
# Links and SCIM URLs must point where the server listens unless the operator says otherwise.
export ROSTER_PUBLIC_URL="${ROSTER_PUBLIC_URL:-http://$host:$port}"

"$VENV/bin/roster" demo --members "${DEMO_MEMBERS:-60}"
log "serving on http://$host:$port (Ctrl-C to stop)"
exec "$VENV/bin/roster" serve --host "$host" --port "$port"
