#!/usr/bin/env bash
# Create or update .venv exactly as requirements.lock pins it (hashes checked), with uv, and
# install laoyuan itself (editable, no dependencies) so the `laoyuan` command exists.
# uv is installed with pip first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9

find_uv() {
    if command -v uv >/dev/null 2>&1; then
        echo uv
    elif python3 -m uv --version >/dev/null 2>&1; then
        echo "python3 -m uv"
    fi
}

uv=$(find_uv)
if [[ -z $uv ]]; then
    echo "== installing uv $UV_VERSION"
    # Debian's own python3 refuses pip installs (PEP 668) and may not ship pip at all.
    if ! python3 -m pip --version >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip
    fi
    python3 -m pip install --quiet "uv==$UV_VERSION" ||
        python3 -m pip install --quiet --break-system-packages "uv==$UV_VERSION"
    uv=$(find_uv)
    [[ -n $uv ]] || { echo "uv could not be installed" >&2; exit 1; }
fi

if [[ ! -x .venv/bin/python ]]; then
    $uv venv --quiet --python 3.11 .venv
fi
$uv pip sync --quiet --python .venv/bin/python --require-hashes requirements.lock
$uv pip install --quiet --python .venv/bin/python --no-deps -e .
