#!/usr/bin/env bash
# `make demo`: the data key once, migrations, the demo scenario, the task worker in the
# background and the web server in the foreground on http://127.0.0.1:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p var/static  # whitenoise warns when the static root is missing

# var/demo.env is made once and never overwritten: the data key must stay with the data it
# encrypted (a new key would make every stored ID number and phone unreadable).
if [[ ! -s var/demo.env ]]; then
    (
        umask 077
        python - >var/demo.env.new <<'PY'
import secrets

from laoyuan.core.pii import generate_key

print("# Made by `make demo` once. Keep it with var/laoyuan.sqlite3: the data key decrypts it.")
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"LAOYUAN_DATA_KEY={generate_key()}")
PY
    )
    mv var/demo.env.new var/demo.env
    echo "== made var/demo.env (SECRET_KEY, LAOYUAN_DATA_KEY)"
fi
set -a
# shellcheck disable=SC1091
. var/demo.env
set +a
# Links in e-mails and the QR codes on printed public notices lead to this server.
export LAOYUAN_SITE_URL="${LAOYUAN_SITE_URL:-http://127.0.0.1:$PORT}"

laoyuan migrate --noinput -v0
laoyuan load-demo

laoyuan worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT

echo
echo "老院 Laoyuan 演示：http://127.0.0.1:$PORT/  （以上任一账号登录；Ctrl-C 停止）"
laoyuan runserver --noreload "127.0.0.1:$PORT"
