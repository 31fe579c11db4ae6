#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store's tests: `start DIR` prints the URL to use, `stop DIR` ends it.
# Uses Debian's postgresql (installed here if missing); the cluster lives in DIR, listens only on a Unix
# socket there, and is owned by the `postgres` user when run as root (initdb refuses root).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ -z "$(bindir)" ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql >/dev/null; } >&2 || true
  fi
  bin=$(bindir)
  if [ -z "$bin" ]; then
    echo "PostgreSQL kunde inte installeras" >&2
    exit 1
  fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses='' -k $dir -p 54329 -c fsync=off" start >/dev/null
  as_owner "$bin/createdb" -h "$dir" -p 54329 -U postgres finsam_test
  echo "postgresql+psycopg://postgres@/finsam_test?host=$dir&port=54329"
  ;;
stop)
  bin=$(bindir)
  [ -n "$bin" ] && [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  ;;
esac
