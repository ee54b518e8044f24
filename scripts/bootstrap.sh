#!/usr/bin/env bash
# Create .venv with Python 3.11 when missing and install Roster with its dev extras.
# Fast when nothing changed: pip runs only when pyproject.toml differs from the last install.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    python="$(find_python)" || {
        apt_usable && apt_install python3.11 python3.11-venv
        python="$(find_python)" || die "Python 3.11 is required (set PYTHON=/path/to/python3.11)"
    }
    log "creating .venv with $python"
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
        # Debian ships venv's ensurepip separately.
        rm -rf "$VENV"
        apt_usable || die "'$python -m venv' failed; install python3.11-venv"
        apt_install python3.11-venv
        "$python" -m venv "$VENV"
    fi
fi

stamp="$VENV/.roster-installed"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] || [ ! -x "$VENV/bin/roster" ]; then
    log "pip install -e '.[dev]'"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
    echo "$wanted" >"$stamp"
fi
