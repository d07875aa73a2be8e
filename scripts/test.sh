#!/usr/bin/env bash
# Install what the tests need, run the static checks (scripts/checks.sh), then the whole
# suite, on every core. Extra arguments go to pytest. Any non-zero pytest exit fails, including 5 ("no tests collected").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
scripts/ensure-chromium.sh   # Debian's Chromium for the browser tests (Playwright cannot download one here)
scripts/ensure-nginx.sh      # Debian's nginx-light for the reverse-proxy test (tests/deploy/test_nginx.py)
scripts/checks.sh            # layers, lint and types: a broken contract or a lint or type error fails the build
# One pytest worker per core (pytest-xdist), whole files to a worker (--dist loadfile) so that a module's
# fixtures (a trained model, a browser, nginx) are built once. VIKNO_TEST_WORKERS overrides the count
# (1 runs in this process, as a plain `pytest` does); an -n or --dist in the arguments wins over these.
workers="${VIKNO_TEST_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
parallel=()
if [ "$workers" -gt 1 ]; then parallel=(-n "$workers" --dist loadfile); fi
set +e
.venv/bin/python -m pytest "${parallel[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then echo "vikno: pytest collected no tests — that is a failure" >&2; fi
exit "$status"
