#!/usr/bin/env bash
# Create .venv with Python >= 3.13 and install vikno into it (editable).
# Usage: scripts/bootstrap.sh [extras]   e.g. "test". Re-runs are quick: it
# reinstalls only when pyproject.toml or the extras changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
venv=.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; then
    python="$(scripts/find-python.sh)"
    echo "vikno: creating $venv with $python" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
spec="."
[ -n "$extras" ] && spec=".[$extras]"
stamp="$venv/.vikno-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
    echo "vikno: installing $spec into $venv" >&2
    # setuptools announces every editable install with a notice that needs no action; hide it
    # (the other build warnings were fixed in pyproject.toml, so a new one still shows)
    PYTHONWARNINGS="ignore:Editable installation" \
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
    echo "$want" >> "$stamp"
fi
