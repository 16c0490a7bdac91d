#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, on 127.0.0.1 and a free port, its data and socket
# in DIR. Installs nothing (scripts/install-deps.sh installs postgresql).
#
#   URL=$(scripts/pg-test-cluster.sh start DIR)   # prints postgresql://postgres@127.0.0.1:PORT/postgres
#   trap 'scripts/pg-test-cluster.sh stop DIR' EXIT
#   scripts/pg-test-cluster.sh stop DIR           # stops it and removes DIR; fine to call twice
#
# PG_TEST_FSYNC=off starts it without fsync (scripts/run-tests.sh: the tests kill tongban, never
# PostgreSQL or the machine, so PostgreSQL's flush to disk is not what they test, and CREATE
# DATABASE per test costs a fraction); the default, on, is for benchmarks.
#
# Quiet on success: start prints the URL only. initdb refuses to run as root, so as root the
# cluster runs as the postgres user (runuser); otherwise as the calling user.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin

usage() {
  echo "usage: $0 start DIR | stop DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
command=$1
dir=$2
[ -n "$dir" ] && [ "$dir" != / ] || usage
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

# Runs a command as the cluster's owner, from a directory that owner can read.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" stop -D "$dir/data" -m fast -s >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

start() {
  if [ ! -x "$bin/initdb" ]; then
    echo "$0: $bin/initdb is missing: apt-get install postgresql (scripts/install-deps.sh does)" >&2
    exit 1
  fi
  if [ -e "$dir/data" ]; then
    echo "$0: $dir already holds a cluster: stop it first ($0 stop $dir)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  # A failed start leaves nothing behind.
  trap 'stop' ERR

  # C collation: text sorts by code point, as on SQLite (ids are compared and ordered as text).
  if ! as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    false
  fi

  # A free port, found by trying: a port another process takes between the check and the start
  # makes pg_ctl fail, and the next candidate is tried.
  local port started=""
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if as_owner "$bin/pg_ctl" start -D "$dir/data" -w -t 60 -s -l "$dir/data/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=${PG_TEST_FSYNC:-on} -c max_connections=200" \
        >/dev/null 2>&1; then
      started=yes
      break
    fi
  done
  if [ -z "$started" ]; then
    echo "$0: PostgreSQL did not start; its log:" >&2
    cat "$dir/data/server.log" >&2 2>/dev/null || true
    false
  fi
  trap - ERR
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
