# Sourced by test.sh: make ROSTER_TEST_PG_URL point at a PostgreSQL that answers.
#
# 1. The URL already set (default postgresql+asyncpg://postgres@127.0.0.1:5432/test) answers: use it.
# 2. Otherwise start a throwaway cluster (trust auth, fsync off) on 127.0.0.1:$ROSTER_TEST_PG_PORT
#    (default 55432) with its data in .pgdata (or /tmp when the postgres user cannot reach the repo),
#    installing Debian's postgresql first if needed. initdb refuses root, so as root it runs as `postgres`.
# pg_stop_throwaway stops what pg_ensure started; the data directory stays, so the next start takes ~1 s.

PG_THROWAWAY_DIR=""

_pg_probe() { "$VENV/bin/python" "$ROOT/scripts/pg_probe.py" "$1" 2>/dev/null; }

_pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# Run a PostgreSQL server binary as a user allowed to: `postgres` when we are root.
_pg_run() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_data_dir() {
    local dir="$ROOT/.pgdata"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$dir" && chmod 700 "$dir"
        if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
            dir="/tmp/roster-pgdata"
            mkdir -p "$dir" && chown postgres:postgres "$dir" && chmod 700 "$dir"
        fi
    fi
    echo "$dir"
}

pg_ensure() {
    local url="${ROSTER_TEST_PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"
    if _pg_probe "$url"; then
        export ROSTER_TEST_PG_URL="$url"
        log "PostgreSQL answers at ${url#*@}"
        return 0
    fi
    local port="${ROSTER_TEST_PG_PORT:-55432}"
    local throwaway="postgresql+asyncpg://postgres@127.0.0.1:$port/test"
    if _pg_probe "$throwaway"; then  # left running by an interrupted run
        export ROSTER_TEST_PG_URL="$throwaway"
        log "PostgreSQL answers at ${throwaway#*@}"
        return 0
    fi
    local bin
    bin="$(_pg_bin)" || {
        apt_usable || die "no PostgreSQL at ${url#*@} and apt-get is not usable to install one"
        apt_install postgresql
        bin="$(_pg_bin)" || die "postgresql installed but no initdb under /usr/lib/postgresql"
        # Debian's package may have started its own cluster on 5432: use it if it answers.
        if _pg_probe "$url"; then
            export ROSTER_TEST_PG_URL="$url"
            log "PostgreSQL answers at ${url#*@}"
            return 0
        fi
    }
    local data
    data="$(_pg_data_dir)"
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initdb $data"
        _pg_run "$bin/initdb" -D "$data" --auth=trust -U postgres --no-sync -E UTF8 --no-locale >/dev/null
    fi
    log "starting a throwaway PostgreSQL on 127.0.0.1:$port"
    _pg_run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || die "PostgreSQL did not start; see $data/server.log"
    PG_THROWAWAY_DIR="$data"
    _pg_probe "$throwaway" || die "the throwaway PostgreSQL on port $port does not answer"
    export ROSTER_TEST_PG_URL="$throwaway"
}

pg_stop_throwaway() {
    [ -n "$PG_THROWAWAY_DIR" ] || return 0
    local bin
    bin="$(_pg_bin)" || return 0
    _pg_run "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR" -m fast -w stop >/dev/null 2>&1 || true
    PG_THROWAWAY_DIR=""
}
