#!/usr/bin/env bash
# Print the path of a Python >= 3.13, or say in one line what to install.
# Order: $PYTHON, then python3.13+/python3 on PATH (only if they really run:
# a pyenv shim without PYENV_VERSION fails), then pyenv's installed versions.
set -u

ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
    if ok "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
    echo "vikno: PYTHON=$PYTHON is not a working Python 3.13 or newer" >&2; exit 1
fi
for name in python3.13 python3.14 python3.15 python3; do
    if command -v "$name" >/dev/null 2>&1 && ok "$name"; then
        "$name" -c 'import sys; print(sys.executable)'; exit 0
    fi
done
roots=()
if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root 2>/dev/null)"); fi
roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
for root in "${roots[@]}"; do
    [ -d "$root/versions" ] || continue
    for candidate in $(ls -d "$root"/versions/3.* 2>/dev/null | sort -V -r); do
        for exe in "$candidate"/bin/python3.1[3-9] "$candidate"/bin/python3; do
            if [ -x "$exe" ] && ok "$exe"; then echo "$exe"; exit 0; fi
        done
    done
done
echo "vikno needs Python 3.13 or newer: install it (apt install python3.13, or pyenv install 3.13) or set PYTHON=/path/to/python3.13" >&2
exit 1
