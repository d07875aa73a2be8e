#!/usr/bin/env bash
# Type-check the package with mypy (configured in pyproject.toml). mypy cannot follow the editable
# install's import hook, so it reads the package through links: .typecheck/vikno/<layer> -> <layer>.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .typecheck/vikno
touch .typecheck/vikno/__init__.py
for layer in bots flows nlu handoff storage; do ln -sfn "../../$layer" ".typecheck/vikno/$layer"; done
exec .venv/bin/mypy "$@"
