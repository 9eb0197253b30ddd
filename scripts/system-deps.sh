#!/usr/bin/env bash
# Install what Laoyuan needs from Debian when it is missing. Needs root (or sudo).
#
#   scripts/system-deps.sh            everything `make test` needs
#   scripts/system-deps.sh --runtime  only what the site itself needs (`make demo`)
#
# The site: Pango (WeasyPrint lays out the printable PDFs with it) and CJK fonts (the PDFs are
# Chinese). The tests also: Chromium for the browser tests, the PostgreSQL server for the second
# run of the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_only=0
[[ ${1:-} == --runtime ]] && runtime_only=1

installed() { command -v dpkg >/dev/null 2>&1 && dpkg -s "$1" >/dev/null 2>&1; }

need=()
if command -v dpkg >/dev/null 2>&1; then
    for pkg in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0; do
        installed "$pkg" || need+=("$pkg")
    done
fi
if ((!runtime_only)); then
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    scripts/pg-bindir.sh >/dev/null 2>&1 || need+=(postgresql)
fi
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
