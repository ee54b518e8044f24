# Shared helpers for scripts/*.sh (sourced, not run). Keeps the Makefile to one line per target.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# apt-get is usable when present and we are root (or have password-less sudo).
apt_usable() {
    command -v apt-get >/dev/null 2>&1 || return 1
    [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

# apt_install PKG...: install, refreshing the package lists only when the first attempt fails
# (a fresh machine has none; a warm one should not pay for `apt-get update`).
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    log "apt-get install $*"
    as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 && return 0
    as_root apt-get update -q >/dev/null
    as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null
}
