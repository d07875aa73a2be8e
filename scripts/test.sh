#!/usr/bin/env bash
# Install what the tests need, run the static checks (scripts/checks.sh), then the whole
# suite. Extra arguments go to pytest. Any non-zero pytest exit fails, including 5 ("no tests collected").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
scripts/ensure-chromium.sh   # Debian's Chromium for the browser tests (Playwright cannot download one here)
scripts/ensure-nginx.sh      # Debian's nginx-light for the reverse-proxy test (tests/deploy/test_nginx.py)
scripts/checks.sh            # layers, lint and types: a broken contract or a lint or type error fails the build
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then echo "vikno: pytest collected no tests — that is a failure" >&2; fi
exit "$status"
