#!/usr/bin/env bash
# Make sure nginx is installed for the reverse-proxy test (tests/deploy/test_nginx.py
# runs deploy/nginx/vikno.conf in front of `vikno serve`). Installs Debian's
# nginx-light when it runs as root with apt-get; never starts nginx as a
# service (the test starts its own on loopback). Exit 0 always: without nginx
# the test is skipped, saying why.
set -euo pipefail
NGINX="${VIKNO_NGINX:-/usr/sbin/nginx}"
if [ -x "$NGINX" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "vikno: no nginx at $NGINX; install it with: sudo apt-get install -y --no-install-recommends nginx-light" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "vikno: no nginx at $NGINX and no apt-get here; install nginx and set VIKNO_NGINX" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# no service may start on port 80 while the package installs (containers without systemd run init scripts)
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made_policy=1
fi
status=0
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx-light; } >/tmp/vikno-nginx-install.log 2>&1 || status=$?
[ -n "$made_policy" ] && rm -f "$policy"
if [ "$status" -ne 0 ]; then
    echo "vikno: WARNING: installing nginx-light failed, the reverse-proxy test will be skipped; see /tmp/vikno-nginx-install.log" >&2
    tail -n 20 /tmp/vikno-nginx-install.log >&2
    exit 0
fi
[ -x "$NGINX" ] || echo "vikno: WARNING: apt installed nginx-light but $NGINX is missing; the reverse-proxy test will be skipped" >&2
