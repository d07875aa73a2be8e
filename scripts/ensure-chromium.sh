#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the web chat browser
# tests (Playwright drives it; `playwright install` needs the internet, apt
# only needs the package mirror). Runs as root in CI; quiet; exit 0 when
# Chromium is there. Without root it says what to run and exits 0, so a
# developer's run skips the browser tests with that reason instead of failing.
set -euo pipefail
CHROMIUM="${VIKNO_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "vikno: no Chromium at $CHROMIUM; install it with: sudo apt-get install -y --no-install-recommends chromium" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "vikno: no Chromium at $CHROMIUM and no apt-get here; install Chromium and set VIKNO_CHROMIUM" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >/tmp/vikno-chromium-install.log 2>&1; then
    # The browser tests then skip, each saying why; everything else still runs.
    echo "vikno: WARNING: installing Chromium failed, the browser tests will be skipped; see /tmp/vikno-chromium-install.log" >&2
    tail -n 20 /tmp/vikno-chromium-install.log >&2
    exit 0
fi
[ -x "$CHROMIUM" ] || echo "vikno: WARNING: apt installed chromium but $CHROMIUM is missing; browser tests will be skipped" >&2
