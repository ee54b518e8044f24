#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -x /usr/bin/chromium ] && exit 0
if apt_usable; then
    apt_install chromium || warn "could not install chromium; the browser tests will fail"
else
    warn "/usr/bin/chromium is missing and apt-get is not usable; the browser tests will fail"
fi
