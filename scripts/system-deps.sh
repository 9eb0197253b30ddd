#!/usr/bin/env bash
# Install what the test suite needs from Debian when it is missing: Chromium and CJK fonts for
# the browser tests, the PostgreSQL server for the second run of the suite. Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    need+=(fonts-noto-cjk)
fi
scripts/pg-bindir.sh >/dev/null 2>&1 || need+=(postgresql)
((${#need[@]})) || exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "Missing ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
        exit 1
    }
    sudo=(sudo)
fi
echo "== apt-get install ${need[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
