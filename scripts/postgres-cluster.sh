#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for tests and trials (Debian's postgresql-15 + postgis).
#   bash scripts/postgres-cluster.sh start DIR [PORT]   initdb in DIR (must not exist or be empty), start on 127.0.0.1:PORT
#                                                        (default: a free port); prints the connection string on stdout
#   bash scripts/postgres-cluster.sh stop DIR            stop it and remove DIR
# Runs the server as the "postgres" user when called as root (PostgreSQL refuses to run as root), else as the caller.
# Trust authentication on 127.0.0.1 only, no TCP on other addresses: a cluster for this machine's tests, never a server.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (install postgresql-15: bash scripts/install-test-deps.sh)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

case "${1:-}" in
  start)
    dir="${2:?usage: start DIR [PORT]}"; port="${3:-$(free_port)}"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    dir="${2:?usage: stop DIR}"
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
