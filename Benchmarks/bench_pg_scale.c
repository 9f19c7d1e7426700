/*
** bench_pg_scale.c -- read latency of libcrm on a large PostgreSQL schema.
**
**   bench_pg_scale URL --migrate        open URL once (libcrm's migrations make the schema)
**   bench_pg_scale URL [-c CALLS] [-t SECONDS]
**                                       measure, CALLS timed calls per command (default 1000),
**                                       fewer when a command takes more than SECONDS (60)
**
** URL carries the schema in its search_path (options=-csearch_path%3D<schema>);
** scale_pg.sh makes the schema, loads it and runs this. Measured through
** crm_exec, each over random accounts (ids 1..max(id)), after 100 untimed
** calls: account.get; account.search by e-mail and by phone (each account's own,
** read first with libpq); interaction.list of one account (limit 50); a page of
** account.list (limit 50) from a cursor at a random id. Prints p50 and p99 (us)
** and the mean number of items per answer, one line per command:
**   scale <accounts> <command> p50 <us> p99 <us> items <n>
*/
#define _XOPEN_SOURCE 700
#include <crm.h>
#include <libpq-fe.h>
#include "benchkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP 100

/* Records in an answer: each has one "created_at". */
static int count_items(const char *json)
{
    int n = 0;
    const char *p = json;
    while (p && (p = strstr(p, "\"created_at\"")) != NULL) {
        n++;
        p += 12;
    }
    return n;
}

typedef struct {
    long long id;
    char email[128], phone[40];
} sample;

static crm_db *db;
static sample *samples;
static int nsamples;
static double *us;

typedef int (*make_args)(char *buf, size_t cap, const sample *s, long long max_id);

static int args_get(char *b, size_t cap, const sample *s, long long m)
{
    (void)m;
    return snprintf(b, cap, "{\"id\":%lld}", s->id);
}
static int args_email(char *b, size_t cap, const sample *s, long long m)
{
    (void)m;
    return snprintf(b, cap, "{\"query\":\"%s\",\"limit\":20}", s->email);
}
static int args_phone(char *b, size_t cap, const sample *s, long long m)
{
    (void)m;
    return snprintf(b, cap, "{\"query\":\"%s\",\"limit\":20}", s->phone);
}
static int args_interactions(char *b, size_t cap, const sample *s, long long m)
{
    (void)m;
    return snprintf(b, cap, "{\"account_id\":%lld,\"limit\":50}", s->id);
}
static int args_list(char *b, size_t cap, const sample *s, long long m)
{
    long long after = s->id < m - 60 ? s->id : m / 2; /* a cursor with a full page after it */
    return snprintf(b, cap, "{\"limit\":50,\"cursor\":\"%lld\"}", after);
}

static double budget = 60; /* seconds per command: a query that scans stops early */

static void measure(long long accounts, const char *label, const char *command, make_args make, int calls, int need)
{
    char json[512], idtext[40];
    int i, done = 0, k = 0, rc, warmup = WARMUP;
    long items = 0;
    double started = now();
    for (i = 0; done < calls + warmup; i++, k = (k + 1) % nsamples) {
        if (done >= warmup + 10 && now() - started > budget) {
            calls = done - warmup;
            break;
        }
        if (done == 10 && now() - started > budget / 10)
            warmup = 10; /* slow calls: a short warm-up */
        const sample *s = &samples[k];
        char *res = NULL;
        double t0, t1;
        if ((need == 1 && !s->email[0]) || (need == 2 && !s->phone[0]))
            continue;
        make(json, sizeof json, s, accounts);
        t0 = now();
        rc = crm_exec(db, command, json, &res);
        t1 = now();
        if (rc != CRM_OK) {
            fprintf(stderr, "bench_pg_scale: %s %s: %s: %s\n", command, json, crm_errstr(rc), crm_errmsg(db));
            exit(2);
        }
        if (need && done < 50) { /* a search must find its own account */
            snprintf(idtext, sizeof idtext, "\"id\":%lld,", s->id);
            if (!res || !strstr(res, idtext)) {
                fprintf(stderr, "bench_pg_scale: %s %s did not find account %lld: %.300s\n", command, json, s->id,
                        res ? res : "(null)");
                exit(2);
            }
        }
        if (done >= warmup) {
            us[done - warmup] = (t1 - t0) * 1e6;
            items += count_items(res);
        }
        crm_free(res);
        done++;
    }
    qsort(us, (size_t)calls, sizeof us[0], cmp_double);
    printf("scale %lld %-26s p50 %9.1f p99 %9.1f items %5.1f  calls %d%s\n", accounts, label, us[calls / 2],
           us[(int)((double)calls * 0.99)], (double)items / calls, calls,
           calls < nsamples - WARMUP ? " (stopped by the time budget)" : "");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *url = NULL;
    int calls = 1000, migrate = 0, i, rc;
    long long accounts;
    PGconn *pq;
    PGresult *r;
    char sql[256], *ids;
    size_t cap, len = 0;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc)
            calls = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            budget = atof(argv[++i]);
        else if (!strcmp(argv[i], "--migrate"))
            migrate = 1;
        else if (!url)
            url = argv[i];
        else
            url = NULL, i = argc;
    }
    if (!url || calls < 10) {
        fprintf(stderr, "usage: %s URL [--migrate] [-c CALLS]\n", argv[0]);
        return 2;
    }
    rc = crm_open(url, 0, &db);
    if (rc != CRM_OK) {
        fprintf(stderr, "bench_pg_scale: crm_open: %s: %s\n", crm_errstr(rc), db ? crm_errmsg(db) : "");
        return 2;
    }
    if (migrate) {
        crm_close(db);
        return 0;
    }
    pq = PQconnectdb(url);
    if (PQstatus(pq) != CONNECTION_OK) {
        fprintf(stderr, "bench_pg_scale: %s", PQerrorMessage(pq));
        return 2;
    }
    r = PQexec(pq, "SELECT max(id) FROM accounts");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQgetisnull(r, 0, 0)) {
        fprintf(stderr, "bench_pg_scale: no accounts: %s", PQerrorMessage(pq));
        return 2;
    }
    accounts = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);

    /* The sample: random ids, with each account's own e-mail and phone. */
    nsamples = calls + WARMUP;
    cap = (size_t)nsamples * 24 + 64;
    ids = malloc(cap);
    samples = calloc((size_t)nsamples, sizeof *samples);
    us = malloc(sizeof *us * (size_t)calls);
    if (!ids || !samples || !us)
        return 2;
    len = (size_t)snprintf(ids, cap, "{");
    for (i = 0; i < nsamples; i++)
        len += (size_t)snprintf(ids + len, cap - len, "%s%lld", i ? "," : "",
                                1 + (long long)(next_rand() % (unsigned long long)accounts));
    snprintf(ids + len, cap - len, "}");
    {
        const char *values[1] = {ids};
        r = PQexecParams(pq, "SELECT s.id, coalesce(a.email, ''), coalesce(a.phone, '')"
                             " FROM unnest(CAST($1 AS bigint[])) WITH ORDINALITY AS s(id, o) JOIN accounts a ON a.id = s.id"
                             " ORDER BY s.o",
                         1, NULL, values, NULL, NULL, 0);
    }
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != nsamples) {
        fprintf(stderr, "bench_pg_scale: sampling accounts: %s", PQerrorMessage(pq));
        return 2;
    }
    for (i = 0; i < nsamples; i++) {
        samples[i].id = atoll(PQgetvalue(r, i, 0));
        snprintf(samples[i].email, sizeof samples[i].email, "%s", PQgetvalue(r, i, 1));
        snprintf(samples[i].phone, sizeof samples[i].phone, "%s", PQgetvalue(r, i, 2));
    }
    PQclear(r);
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM interactions)");
    r = PQexec(pq, sql);
    printf("libcrm %s on PostgreSQL %d: %lld accounts, %s contacts, %s interactions; %d calls each\n", crm_version(),
           PQserverVersion(pq), accounts, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), calls);
    PQclear(r);
    PQfinish(pq);

    measure(accounts, "account.get", "account.get", args_get, calls, 0);
    measure(accounts, "account.search (e-mail)", "account.search", args_email, calls, 1);
    measure(accounts, "account.search (phone)", "account.search", args_phone, calls, 2);
    measure(accounts, "interaction.list (50)", "interaction.list", args_interactions, calls, 0);
    measure(accounts, "account.list (50, cursor)", "account.list", args_list, calls, 0);
    crm_close(db);
    free(ids);
    free(samples);
    free(us);
    return 0;
}
