#!/usr/bin/env bash
# Print the directory of the PostgreSQL server binaries (initdb, pg_ctl), newest version first.
# Debian keeps them out of PATH, under /usr/lib/postgresql/<version>/bin.
set -euo pipefail
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
        echo "$dir"
        exit 0
    fi
done
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    exit 0
fi
echo "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql" >&2
exit 1
