/*
** bench_pg.c -- libcrm on PostgreSQL against raw libpq, measured in the same run.
**
**   bench_pg URL [-n CREATES] [-g GETS] [--refs]
**
** URL is a postgresql:// URL of a server where the user may CREATE SCHEMA.
** (a) account.create through crm_exec, N records in one crm_begin/crm_commit
**     transaction: records/s;
** (b) account.get by id through crm_exec over random ids: median (p90, p99) us,
**     one clock_gettime pair per call;
** (c) the baseline: the same rows with libpq (a PQprepare'd INSERT, one
**     transaction) into an equivalent accounts table, and a PQexecPrepared
**     SELECT by id reading every column;
** then the ratios libcrm/raw. There is no target: the figures depend on the
** server and its durability settings (fsync, synchronous_commit), which the
** run prints.
** Each run makes two fresh schemas, crm_bench_<pid>_<time> (libcrm opens the
** URL with options=-csearch_path%3D<schema>, its migrations create the
** tables) and raw_bench_<pid>_<time>, and drops both at the end, also when
** it fails. --refs sends each create with the host's key (source "ledger",
** external_ref "C00042"); the raw table always keeps a
** UNIQUE(source, external_ref) index, as in bench.c.
** Benchmarks only: link with -lpq (the library itself loads libpq at run time).
*/
#define _XOPEN_SOURCE 700
#include <crm.h>
#include <libpq-fe.h>
#include "benchkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static PGconn *admin;     /* schema setup, the raw baseline, cleanup */
static crm_db *db;        /* libcrm's handle, closed before the schemas go */
static char crm_schema[64], raw_schema[64];
static int schemas_made;

static void cleanup(void)
{
    char sql[256];
    PGresult *r;
    if (db) {
        crm_close(db);
        db = NULL;
    }
    if (admin && schemas_made) {
        if (PQtransactionStatus(admin) != PQTRANS_IDLE) {
            r = PQexec(admin, "ROLLBACK");
            PQclear(r);
        }
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; DROP SCHEMA IF EXISTS %s CASCADE", crm_schema,
                 raw_schema);
        r = PQexec(admin, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            fprintf(stderr, "bench_pg: dropping the schemas: %s", PQerrorMessage(admin));
        PQclear(r);
        schemas_made = 0;
    }
    if (admin) {
        PQfinish(admin);
        admin = NULL;
    }
}

static void die_crm(int rc, const char *what)
{
    fprintf(stderr, "bench_pg: %s: %s (%d): %s\n", what, crm_errstr(rc), rc, db ? crm_errmsg(db) : "");
    exit(2);
}

static void die_pq(const char *what)
{
    fprintf(stderr, "bench_pg: libpq %s: %s", what, PQerrorMessage(admin));
    exit(2);
}

static void command(const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        die_pq(sql);
    }
    PQclear(r);
}

static const char *setting(const char *name, char *buf, size_t cap)
{
    char sql[128];
    PGresult *r;
    snprintf(sql, sizeof sql, "SELECT current_setting('%s')", name);
    r = PQexec(admin, sql);
    snprintf(buf, cap, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    return buf;
}

int main(int argc, char **argv)
{
    int n = 10000, g = 10000, i, rc;
    const char *url = NULL;
    char crm_url[2048], json[1024], sql[1024], version[64], fsync_s[16], sync_s[16];
    long long *crm_ids, *raw_ids;
    int *pick;
    double *us, t0, t1, crm_create_s, raw_create_s, crm_rate, raw_rate;
    stats crm_get, raw_get;
    customer c;
    PGresult *r;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-g") && i + 1 < argc)
            g = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--refs"))
            with_refs = 1;
        else if (!url && (!strncmp(argv[i], "postgresql://", 13) || !strncmp(argv[i], "postgres://", 11)))
            url = argv[i];
        else {
            fprintf(stderr, "usage: %s postgresql://URL [-n CREATES] [-g GETS] [--refs]\n", argv[0]);
            return 2;
        }
    }
    if (!url) {
        fprintf(stderr, "usage: %s postgresql://URL [-n CREATES] [-g GETS] [--refs]\n", argv[0]);
        return 2;
    }
    if (n < 1 || g < 1) {
        fprintf(stderr, "bench_pg: -n and -g must be positive\n");
        return 2;
    }
    atexit(cleanup);
    admin = PQconnectdb(url);
    if (PQstatus(admin) != CONNECTION_OK)
        die_pq("connect");
    r = PQexec(admin, "SET client_min_messages = warning");
    PQclear(r);
    snprintf(crm_schema, sizeof crm_schema, "crm_bench_%ld_%ld", (long)getpid(), (long)time(NULL));
    snprintf(raw_schema, sizeof raw_schema, "raw_bench_%ld_%ld", (long)getpid(), (long)time(NULL));
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s; CREATE SCHEMA %s", crm_schema, raw_schema);
    command(sql);
    schemas_made = 1;
    snprintf(crm_url, sizeof crm_url, "%s%coptions=-csearch_path%%3D%s", url, strchr(url, '?') ? '&' : '?', crm_schema);

    crm_ids = malloc(sizeof *crm_ids * (size_t)n);
    raw_ids = malloc(sizeof *raw_ids * (size_t)n);
    pick = malloc(sizeof *pick * (size_t)g);
    us = malloc(sizeof *us * (size_t)g);
    if (!crm_ids || !raw_ids || !pick || !us)
        return 2;
    for (i = 0; i < g; i++)
        pick[i] = (int)(next_rand() % (unsigned long long)n);

    printf("libcrm %s vs libpq %d, server %s (fsync %s, synchronous_commit %s); %d creates%s, %d gets;"
           " schemas %s, %s\n",
           crm_version(), PQlibVersion(), setting("server_version", version, sizeof version),
           setting("fsync", fsync_s, sizeof fsync_s), setting("synchronous_commit", sync_s, sizeof sync_s), n,
           with_refs ? " with source+external_ref" : "", g, crm_schema, raw_schema);

    /* ---- (a) libcrm: account.create in one transaction ------------------ */
    rc = crm_open(crm_url, 0, &db);
    if (rc != CRM_OK)
        die_crm(rc, "crm_open");
    t0 = now();
    rc = crm_begin(db);
    if (rc != CRM_OK)
        die_crm(rc, "crm_begin");
    for (i = 0; i < n; i++) {
        char *res = NULL;
        make_customer(&c, i);
        account_json(json, sizeof json, &c, i);
        rc = crm_exec(db, "account.create", json, &res);
        if (rc != CRM_OK)
            die_crm(rc, "account.create");
        crm_ids[i] = id_of(res);
        crm_free(res);
    }
    rc = crm_commit(db);
    if (rc != CRM_OK)
        die_crm(rc, "crm_commit");
    t1 = now();
    crm_create_s = t1 - t0;
    crm_rate = n / crm_create_s;

    /* ---- (b) libcrm: account.get by id ----------------------------------- */
    for (i = 0; i < 1000 && i < g; i++) { /* warm-up */
        char *res = NULL;
        snprintf(json, sizeof json, "{\"id\":%lld}", crm_ids[pick[i]]);
        rc = crm_exec(db, "account.get", json, &res);
        if (rc != CRM_OK)
            die_crm(rc, "account.get");
        crm_free(res);
    }
    for (i = 0; i < g; i++) {
        char *res = NULL;
        int k = pick[i];
        snprintf(json, sizeof json, "{\"id\":%lld}", crm_ids[k]);
        t0 = now();
        rc = crm_exec(db, "account.get", json, &res);
        t1 = now();
        if (rc != CRM_OK)
            die_crm(rc, "account.get");
        if (i < 100) { /* spot-check the content */
            make_customer(&c, k);
            if (!res || !strstr(res, c.name)) {
                fprintf(stderr, "bench_pg: account.get %lld returned the wrong record\n", crm_ids[k]);
                return 2;
            }
        }
        crm_free(res);
        us[i] = (t1 - t0) * 1e6;
    }
    crm_get = summarize(us, g);
    crm_close(db);
    db = NULL;

    /* ---- (c) raw libpq: the same rows, the same reads --------------------- */
    snprintf(sql, sizeof sql,
             "CREATE TABLE %s.accounts ("
             " id BIGINT PRIMARY KEY,"
             " name TEXT NOT NULL, kind TEXT NOT NULL, currency TEXT NOT NULL,"
             " payment_terms_days INTEGER NOT NULL, credit_limit_minor BIGINT,"
             " email TEXT, phone TEXT, tags TEXT NOT NULL, addresses TEXT NOT NULL,"
             " status TEXT NOT NULL, version BIGINT NOT NULL,"
             " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
             " source TEXT, external_ref TEXT);"
             "CREATE UNIQUE INDEX accounts_ref ON %s.accounts(source, external_ref)",
             raw_schema, raw_schema);
    command(sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO %s.accounts(id, name, kind, currency, payment_terms_days, credit_limit_minor,"
             " email, phone, tags, addresses, status, version, created_at, updated_at, source, external_ref)"
             " VALUES ($1, $2, $3, 'ZAR', $4, $5, $6, $7, $8, $9, 'prospect', 1, $10, $11, $12, $13)",
             raw_schema);
    r = PQprepare(admin, "ins", sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die_pq("prepare insert");
    PQclear(r);
    t0 = now();
    command("BEGIN");
    for (i = 0; i < n; i++) {
        char id[24], terms[16], limit[24], addr[256], ts[32], ref[16];
        const char *values[13];
        time_t tt = time(NULL);
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        make_customer(&c, i);
        snprintf(id, sizeof id, "%d", i + 1);
        snprintf(terms, sizeof terms, "%d", c.terms);
        snprintf(limit, sizeof limit, "%lld", c.limit);
        snprintf(addr, sizeof addr,
                 "[{\"kind\":\"billing\",\"line1\":\"%s\",\"city\":\"%s\",\"postal_code\":\"%s\",\"country\":\"ZA\"}]",
                 c.line1, c.city, c.postal);
        snprintf(ref, sizeof ref, "C%05d", i);
        values[0] = id;
        values[1] = c.name;
        values[2] = c.kind;
        values[3] = terms;
        values[4] = limit;
        values[5] = c.email;
        values[6] = c.phone;
        values[7] = c.tags;
        values[8] = addr;
        values[9] = ts;
        values[10] = ts;
        values[11] = with_refs ? "ledger" : NULL;
        values[12] = with_refs ? ref : NULL;
        r = PQexecPrepared(admin, "ins", 13, values, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die_pq("insert");
        PQclear(r);
        raw_ids[i] = i + 1;
    }
    command("COMMIT");
    t1 = now();
    raw_create_s = t1 - t0;
    raw_rate = n / raw_create_s;

    snprintf(sql, sizeof sql,
             "SELECT id, name, kind, currency, payment_terms_days, credit_limit_minor, email, phone,"
             " tags, addresses, status, version, created_at, updated_at FROM %s.accounts WHERE id = $1",
             raw_schema);
    r = PQprepare(admin, "sel", sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die_pq("prepare select");
    PQclear(r);
    for (i = 0; i < g + 1000; i++) { /* the first 1000 warm up, as for libcrm */
        int col, k = pick[i % g];
        char id[24];
        const char *values[1];
        volatile size_t sink = 0;
        snprintf(id, sizeof id, "%lld", raw_ids[k]);
        values[0] = id;
        t0 = now();
        r = PQexecPrepared(admin, "sel", 1, values, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
            die_pq("select");
        for (col = 0; col < 14; col++)
            sink += PQgetisnull(r, 0, col) ? 0 : (size_t)PQgetlength(r, 0, col) + (PQgetvalue(r, 0, col)[0] != 0);
        PQclear(r);
        t1 = now();
        (void)sink;
        if (i >= 1000)
            us[i - 1000] = (t1 - t0) * 1e6;
    }
    raw_get = summarize(us, g);

    /* ---- report ------------------------------------------------------------ */
    printf("\n%-34s %14s %14s %10s\n", "", "libcrm", "raw libpq", "ratio");
    printf("%-34s %14.0f %14.0f %9.2fx\n", "account.create, 1 txn (records/s)", crm_rate, raw_rate, crm_rate / raw_rate);
    printf("%-34s %14.3f %14.3f %9.2fx\n", "  total time (s)", crm_create_s, raw_create_s, crm_create_s / raw_create_s);
    printf("%-34s %14.2f %14.2f %9.2fx\n", "account.get by id, median (us)", crm_get.median, raw_get.median,
           crm_get.median / raw_get.median);
    printf("%-34s %14.2f %14.2f %9.2fx\n", "  p90 (us)", crm_get.p90, raw_get.p90, crm_get.p90 / raw_get.p90);
    printf("%-34s %14.2f %14.2f %9.2fx\n", "  p99 (us)", crm_get.p99, raw_get.p99, crm_get.p99 / raw_get.p99);
    printf("(libcrm/raw: creates/s as a rate ratio, lower is slower; times as a time ratio, higher is slower)\n");

    free(crm_ids);
    free(raw_ids);
    free(pick);
    free(us);
    return 0; /* cleanup() drops the schemas */
}
