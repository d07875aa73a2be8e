#!/usr/bin/env bash
# The static checks `make test` runs before the tests (configured in pyproject.toml); any failure
# fails the build: the layers (import-linter), lint (ruff check), formatting (ruff format --check) and
# types (mypy, scripts/typecheck.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "vikno: checking the layers (lint-imports)" >&2
.venv/bin/lint-imports --no-cache --no-logo
echo "vikno: lint (ruff check)" >&2
.venv/bin/ruff check --no-cache .
echo "vikno: formatting (ruff format --check; run .venv/bin/ruff format . to fix)" >&2
.venv/bin/ruff format --check --no-cache .
echo "vikno: types (mypy)" >&2
scripts/typecheck.sh
