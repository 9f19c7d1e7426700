#!/usr/bin/env bash
# cluster.sh -- a throw-away PostgreSQL 15 cluster for the tests.
#
#   cluster.sh start DIR   initdb a new cluster into DIR (a missing or empty
#                          directory; DIR itself is made), start it on
#                          127.0.0.1 only, on a free port from 54329 up, and
#                          print its URL: postgresql://crm@127.0.0.1:PORT/crm
#                          On a DIR whose cluster already runs it only prints
#                          the URL; on one that was stopped it starts it again.
#   cluster.sh stop DIR    stop the server (pg_ctl stop -m fast) and remove DIR.
#                          A DIR that does not exist is fine (nothing to do); a
#                          DIR that this script did not make is never removed.
#   cluster.sh url DIR     print the URL of the cluster in DIR (status 1 when
#                          it is not running).
#
# What the cluster holds: the role `crm` (LOGIN CREATEDB, trust auth from
# 127.0.0.1) owning the database `crm`; and the role `crm_password` with the
# password `crm-test-password` (scram-sha-256 from 127.0.0.1), for tests of
# password handling: postgresql://crm_password:crm-test-password@127.0.0.1:PORT/crm
# The database is UTF8 with the C locale, so text sorts byte-wise as in SQLite.
# It is not durable (fsync off): a test server, never a place for data.
#
# Run as root, the server runs as the unprivileged user $PG_OS_USER (default
# `postgres`, which Debian's postgresql package creates) and DIR is chowned to
# it; run as anyone else, it runs as that user. Messages go to stderr, the URL
# alone to stdout, so  url=$(cluster.sh start DIR)  works.
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_OS_USER,
# PG_PORT (the first port to try, default 54329), PG_START_TIMEOUT (seconds, 60).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_OS_USER=${PG_OS_USER:-postgres}
PG_PORT=${PG_PORT:-54329}
PG_START_TIMEOUT=${PG_START_TIMEOUT:-60}
PORT_ATTEMPTS=20
MARKER=.crm-test-cluster

# Connection settings a developer's shell may carry must not steer this
# script's own pg_ctl, psql and pg_isready.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^PG' | grep -Ev '^(PG_BIN|PG_OS_USER|PG_PORT|PG_START_TIMEOUT)$' || true)

say()  { printf 'cluster.sh: %s\n' "$*" >&2; }
die()  { say "$*"; exit 1; }
usage() { echo "usage: $0 start|stop|url DIR" >&2; exit 64; }

# Runs a command as the server's user, from a directory that user can read.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

# The port is free when nothing accepts a connection on it.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {   # DIR
    [ -f "$1/data/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" status -D "$1/data" >/dev/null 2>&1
}

url_of() {    # DIR
    local port
    port=$(cat "$1/port")
    echo "postgresql://crm@127.0.0.1:$port/crm"
}

# Starts the server in DIR on port $1; status 0 once it accepts connections.
start_server() {   # DIR PORT
    local dir=$1 port=$2
    # -o: the port for this start only (postgresql.conf keeps no port, so a
    # restart of a stopped cluster may pick another free one).
    if ! as_owner "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t "$PG_START_TIMEOUT" \
            -o "-p $port" >/dev/null 2>&1; then
        return 1
    fi
    local waited=0
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d crm -U crm -t 1; do
        waited=$((waited + 1))
        [ "$waited" -lt "$PG_START_TIMEOUT" ] || return 1
        sleep 1
    done
    echo "$port" > "$dir/port"
}

# Tries ports from PG_PORT up until the server starts on one.
start_on_free_port() {   # DIR
    local dir=$1 port=$PG_PORT attempt
    for attempt in $(seq "$PORT_ATTEMPTS"); do
        if port_free "$port"; then
            if start_server "$dir" "$port"; then return 0; fi
            # Another process may have taken the port between the check and the
            # bind: try the next one; any other failure is final.
            if ! grep -q 'could not bind\|could not create any TCP/IP sockets\|Address already in use' \
                    "$dir/server.log" 2>/dev/null; then
                return 1
            fi
            as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
        fi
        port=$((port + 1))
    done
    say "no free port in $PG_PORT..$((PG_PORT + PORT_ATTEMPTS - 1))"
    return 1
}

cmd_start() {
    local dir=$1
    [ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb: install PostgreSQL 15 (Debian: apt-get install postgresql-15)"
    if [ "$(id -u)" = 0 ]; then
        id -u "$PG_OS_USER" >/dev/null 2>&1 \
            || die "no user $PG_OS_USER to run the server as (PostgreSQL refuses root): set PG_OS_USER"
    fi

    # An existing cluster of ours: running, print its URL; stopped, start it.
    if [ -f "$dir/$MARKER" ] && [ -f "$dir/data/PG_VERSION" ]; then
        if running "$dir" && [ -f "$dir/port" ]; then
            url_of "$dir"
            return 0
        fi
        say "starting the stopped cluster in $dir"
        start_on_free_port "$dir" || { tail -n 20 "$dir/server.log" >&2 2>/dev/null || true; die "could not start the cluster in $dir"; }
        url_of "$dir"
        return 0
    fi

    if [ -e "$dir" ]; then
        [ -d "$dir" ] || die "$dir exists and is not a directory"
        [ -z "$(ls -A "$dir")" ] || die "$dir is not empty and holds no cluster of this script: refusing to use it"
    fi

    # From here on a failure stops whatever started and removes what was made.
    made_dir=0
    [ -e "$dir" ] || made_dir=1
    cleanup_failed_start() {
        local status=$?
        if [ "$status" -ne 0 ]; then
            say "start failed; cleaning up $dir"
            [ -f "$dir/server.log" ] && tail -n 20 "$dir/server.log" >&2 || true
            as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
            if [ "$made_dir" = 1 ]; then rm -rf "$dir"; else rm -rf "${dir:?}/"* "$dir/$MARKER"; fi
        fi
    }
    trap cleanup_failed_start EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    mkdir -p "$dir"
    touch "$dir/$MARKER"
    if [ "$(id -u)" = 0 ]; then
        chown "$PG_OS_USER": "$dir" "$dir/$MARKER"
        chmod 0700 "$dir"
        as_owner test -w "$dir" \
            || die "$PG_OS_USER cannot write $dir (a parent directory closed to it?): pick a DIR under /tmp"
    fi

    local started=$SECONDS
    as_owner "$PG_BIN/initdb" -D "$dir/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C --no-instructions >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # Loopback only, no Unix socket (its default directory may not exist or
    # may belong to the system's own cluster), no durability.
    as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<'EOF'

# cluster.sh: a throw-away test server
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
log_min_messages = warning
EOF
    as_owner tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
# cluster.sh: TCP from 127.0.0.1 only; crm_password proves its password.
# TYPE  DATABASE  USER          ADDRESS        METHOD
host    all       crm_password  127.0.0.1/32   scram-sha-256
host    all       all           127.0.0.1/32   trust
EOF

    start_on_free_port "$dir" || die "could not start the server"
    local port
    port=$(cat "$dir/port")
    as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$port/postgres" >/dev/null <<'EOF' \
        || die "could not create the role and database crm"
CREATE ROLE crm LOGIN CREATEDB;
CREATE DATABASE crm OWNER crm;
SET password_encryption = 'scram-sha-256';
CREATE ROLE crm_password LOGIN PASSWORD 'crm-test-password';
GRANT ALL ON DATABASE crm TO crm_password;
EOF
    local url
    url=$(url_of "$dir")
    "$PG_BIN/psql" -X -q -t -A -c 'SELECT 1' "$url" | grep -qx 1 || die "$url does not answer SELECT 1"
    trap - EXIT INT TERM
    say "PostgreSQL $(cat "$dir/data/PG_VERSION") in $dir on 127.0.0.1:$port, ready in $((SECONDS - started)) s"
    echo "$url"
}

cmd_stop() {
    local dir=$1
    [ -e "$dir" ] || return 0
    [ -f "$dir/$MARKER" ] || die "$dir holds no cluster of this script: not touching it"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m fast -w -t "$PG_START_TIMEOUT" >/dev/null 2>&1 \
            || as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 \
            || say "could not stop the server in $dir (removing it anyway)"
    fi
    rm -rf "$dir"
}

cmd_url() {
    local dir=$1
    [ -f "$dir/$MARKER" ] || die "$dir holds no cluster of this script"
    running "$dir" && [ -f "$dir/port" ] || die "the cluster in $dir is not running"
    url_of "$dir"
}

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
dir=$2
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}
case "$1" in
    start) cmd_start "$dir" ;;
    stop)  cmd_stop "$dir" ;;
    url)   cmd_url "$dir" ;;
    *)     usage ;;
esac
