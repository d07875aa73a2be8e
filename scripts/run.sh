#!/usr/bin/env bash
# Install what is needed and run the platform (embedded SQLite store unless
# MONGODB_URI is set). Extra arguments go to `vikno serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/vikno serve "$@"
