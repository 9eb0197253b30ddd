#!/usr/bin/env bash
# Run a command against a PostgreSQL server of its own:
#
#   scripts/with-postgres.sh [--data DIR] [--] COMMAND [ARG...]
#
# Starts a cluster on a free localhost port, creates the database `laoyuan`, runs COMMAND with
# DATABASE_URL pointing at it, and stops the server afterwards, also when COMMAND fails or is
# interrupted; exits with COMMAND's status. Without --data the cluster lives in a temporary
# directory that is removed at the end (a throwaway for the test suite); with --data DIR it is
# kept in DIR between runs (the benchmark's data). PostgreSQL refuses to run as root, so as root
# the server runs as the `postgres` system user. Durability is off (fsync, synchronous commit):
# these clusters hold test data only.
set -euo pipefail
cd "$(dirname "$0")/.."

data=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) data="$2"; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [--data DIR] [--] COMMAND [ARG...]" >&2; exit 2; }

bindir=$(scripts/pg-bindir.sh)
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 ||
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
    as_pg=(runuser -u postgres --)
fi

if [[ -n $data ]]; then
    mkdir -p "$data"
    data=$(cd "$data" && pwd)
    log="$data.log"  # beside the cluster: initdb wants an empty directory
    keep=1
else
    base=$(mktemp -d "${TMPDIR:-/tmp}/laoyuan-pg.XXXXXX")
    data="$base/data"
    log="$base/postgres.log"
    mkdir "$data"
    keep=0
fi

stop() {
    if [[ -f $data/postmaster.pid ]]; then
        "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w stop >>"$log" 2>&1 || true
    fi
    if [[ $keep -eq 0 ]]; then
        rm -rf "$base"
    fi
}
trap stop EXIT
trap 'exit 130' INT TERM

chmod 700 "$data"
: >>"$log"  # written by this script and by the server
if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$data" "$log"
    [[ $keep -eq 1 ]] || chown postgres: "$base"
fi
if ! "${as_pg[@]}" test -w "$data"; then
    echo "The postgres user cannot write to $data (a parent directory is closed to it)." >&2
    exit 1
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

if [[ ! -f $data/PG_VERSION ]]; then
    "${as_pg[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$log" 2>&1 || {
        cat "$log" >&2
        exit 1
    }
fi
"${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o \
    "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >>"$log" 2>&1 || {
    cat "$log" >&2
    exit 1
}
"$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname = 'laoyuan'" | grep -q 1 ||
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres laoyuan

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/laoyuan"
set +e
"$@"
status=$?
set -e
exit $status
