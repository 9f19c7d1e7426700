#!/usr/bin/env bash
# scale_pg.sh -- libcrm's reads on PostgreSQL at 10,000 and at 1,000,000 accounts.
#
#   scale_pg.sh URL [BUILD_DIR]      (make bench-pg-scale BENCH_PG_URL=URL)
#
# Makes a fresh schema crm_scale_<pid> on the server of URL, lets libcrm make
# its tables (crm_open, migrations), bulk-loads 10,000 accounts with 20,000
# contacts and 50,000 interactions in plain SQL (scale_pg_load.sql), measures,
# grows the same schema to 1,000,000 accounts, 2,000,000 contacts and
# 5,000,000 interactions, measures again, and drops the schema (SCALE_KEEP=1
# keeps it). Each step prints its load time, the p50/p99 lines of
# bench_pg_scale and EXPLAIN ANALYZE of the statements behind the commands
# (SCALE_EXPLAIN=0 leaves them out). SCALE_CALLS (1000) timed calls per
# command, fewer when a command takes more than SCALE_BUDGET seconds (60);
# SCALE_SIZES ("10000 1000000") the account counts of the steps.
set -euo pipefail
url=${1:?usage: scale_pg.sh postgresql://URL [BUILD_DIR]}
build=${2:-build}
here=$(cd "$(dirname "$0")" && pwd)
calls=${SCALE_CALLS:-1000}
sizes=${SCALE_SIZES:-10000 1000000}
schema=crm_scale_$$
case $url in *\?*) sep='&' ;; *) sep='?' ;; esac
crm_url="$url${sep}options=-csearch_path%3D$schema"

psql_admin() { psql "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_crm() { psql "$crm_url" -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
    if [ "${SCALE_KEEP:-0}" = 1 ]; then
        echo "kept schema $schema: $crm_url"
    else
        psql_admin -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" || true
    fi
}

psql_admin -c "CREATE SCHEMA $schema"
trap cleanup EXIT
echo "schema $schema on $(psql_admin -Atc "SELECT 'PostgreSQL ' || current_setting('server_version') || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers')"); $(nproc) cores"
"$build/bench_pg_scale" "$crm_url" --migrate

explain() {
    # The statements of the commands as libcrm sends them (AccountQueries,
    # AccountSearch, InteractionQueries), with one account's values.
    local id=$1 email phone email_key phone_key name_key
    IFS='|' read -r email phone < <(psql_crm -Atc "SELECT email, phone FROM accounts WHERE id = $id")
    email_key=$(printf '%s' "$email" | tr 'A-Z' 'a-z')
    phone_key=$(printf '%s' "$phone" | tr -cd '0-9' | tail -c 9)
    name_key=$(printf '%s' "$email" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\{1,\}/ /g; s/ co / /g; s/ co$//')
    echo "-- account $id: e-mail '$email', phone '$phone'"
    psql_crm -P pager=off <<SQL
\echo '== account.get: the row'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM accounts WHERE id = $id;
\echo '== account.get, account.list (per item): external references'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT source, external_ref FROM crm_external_refs WHERE record_type = 'account' AND record_id = $id ORDER BY source, external_ref;
\echo '== account.search by e-mail: the e-mail key'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT id FROM accounts WHERE email_key = '$email_key' AND archived_at IS NULL AND merged_into_id IS NULL ORDER BY id;
\echo '== account.search by phone: the phone key'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT id FROM accounts WHERE phone_key = '$phone_key' AND archived_at IS NULL AND merged_into_id IS NULL ORDER BY id;
\echo '== account.search (every query): the name, LIKE %name_key% of the query'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT id FROM accounts WHERE name_key LIKE '%$name_key%' ESCAPE '\\' AND archived_at IS NULL AND merged_into_id IS NULL ORDER BY name_key, id LIMIT 21;
\echo '== interaction.list of one account'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM interactions
    WHERE (occurred_at > '' OR (occurred_at = '' AND id > 0)) AND account_id = $id ORDER BY occurred_at, id LIMIT 51;
\echo '== interaction.list (per item): links'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT record_type, record_id FROM interaction_links WHERE interaction_id = $id ORDER BY position;
\echo '== account.list from a cursor'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM accounts a WHERE a.id > $id AND (a.archived_at IS NULL) ORDER BY a.id LIMIT 51;
SQL
}

lo=1
for hi in $sizes; do
    echo
    echo "== load accounts $lo..$hi (contacts, interactions in proportion)"
    start=$(date +%s.%N)
    psql_crm -v lo="$lo" -v hi="$hi" -f "$here/scale_pg_load.sql" | sed 's/^/   /'
    end=$(date +%s.%N)
    printf 'loaded %d accounts, %d contacts, %d interactions in %.1f s; schema now %s\n' \
        $((hi - lo + 1)) $((2 * (hi - lo + 1))) $((5 * (hi - lo + 1))) "$(echo "$end - $start" | bc)" \
        "$(psql_admin -Atc "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind = 'r'")"
    "$build/bench_pg_scale" "$crm_url" -c "$calls" -t "${SCALE_BUDGET:-60}"
    if [ "${SCALE_EXPLAIN:-1}" = 1 ]; then
        explain $(( (hi * 7) / 10 ))
    fi
    lo=$((hi + 1))
done
