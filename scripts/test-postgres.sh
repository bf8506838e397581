#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: its own data directory and port,
# trust authentication on loopback only. Usage: test-postgres.sh start|stop [PORT]
set -euo pipefail
action=${1:-start}
port=${2:-55432}
data=/tmp/opora-pg-$port
bindir=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")

# PostgreSQL refuses to run as root; run it as the "postgres" user when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $action in
  start)
    if as_owner "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then exit 0; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$data"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
      as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >/dev/null
    fi
    as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
    as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'opora'" | grep -q 1 \
      || as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres opora
    echo "PostgreSQL для тестов: 127.0.0.1:$port"
    ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null || true
    ;;
esac
