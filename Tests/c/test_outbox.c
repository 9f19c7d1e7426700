/* test_outbox.c -- the outbox order under writers in two processes, and a
** client killed mid-transaction. Both run on either engine: on SQLite the
** processes share one file, on PostgreSQL one schema of the server. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTBOX_PER_WRITER 150
#define OUTBOX_DEADLINE_S 240.0

/* --- writers ------------------------------------------------------------- */
typedef struct {
    const char *path;
    char tag[16];
    int n;                 /* accounts to commit */
    int committed, rolled, busy, errors;
    char first_error[512];
} owriter_t;

/* how many of this process's writers have finished */
static pthread_mutex_t g_owriters_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_owriters_done;

static int owriters_done(void)
{
    int n;
    pthread_mutex_lock(&g_owriters_lock);
    n = g_owriters_done;
    pthread_mutex_unlock(&g_owriters_lock);
    return n;
}

static void owriter_fail(owriter_t *w, crm_db *db, const char *what, int rc)
{
    if (!w->errors++)
        snprintf(w->first_error, sizeof w->first_error, "%s %s: %d %s: %s", w->tag, what, rc, tk_rcname(rc),
                 db ? crm_errmsg(db) : crm_errmsg(NULL));
}

/* A create that retries CRM_BUSY (safe: it carries source + external_ref). */
static int owriter_create(owriter_t *w, crm_db *db, const char *name, const char *ref, int in_txn)
{
    char args[256];
    int rc, tries = 0;
    snprintf(args, sizeof args, "{\"name\":\"%s\",\"source\":\"outbox\",\"external_ref\":\"%s\"}", name, ref);
    for (;;) {
        rc = crm_exec(db, "account.create", args, NULL);
        if (rc != CRM_BUSY || in_txn || ++tries > 40)
            break;
        w->busy++;
        tk_pause_ms(5);
    }
    if (rc != CRM_OK)
        owriter_fail(w, db, "account.create", rc);
    return rc;
}

/* Short transactions of 1 to 3 creates; every seventh is rolled back; a
** single create now and then runs as its own transaction. */
static void *outbox_writer(void *arg)
{
    owriter_t *w = arg;
    crm_db *db = NULL;
    int rc = crm_open(w->path, CRM_OPEN_EXISTING, &db), k = 0;
    if (rc != CRM_OK) {
        owriter_fail(w, NULL, "crm_open", rc);
        return NULL;
    }
    while (w->committed < w->n && w->errors == 0) {
        int batch = 1 + k % 3, rollback = k % 7 == 6, j, tries = 0;
        char name[64], ref[64];
        k++;
        if (batch > w->n - w->committed)
            batch = w->n - w->committed;
        if (batch == 1 && !rollback && k % 2) {
            snprintf(name, sizeof name, "Outbox %s %d", w->tag, w->committed);
            snprintf(ref, sizeof ref, "%s-%d", w->tag, w->committed);
            if (owriter_create(w, db, name, ref, 0) == CRM_OK)
                w->committed++;
            continue;
        }
        while ((rc = crm_begin(db)) == CRM_BUSY && ++tries < 40)
            w->busy++;
        if (rc != CRM_OK) {
            owriter_fail(w, db, "crm_begin", rc);
            break;
        }
        for (j = 0; j < batch; j++) {
            if (rollback) {
                snprintf(name, sizeof name, "Rolled %s %d", w->tag, k * 10 + j);
                snprintf(ref, sizeof ref, "rolled-%s-%d", w->tag, k * 10 + j);
            } else {
                snprintf(name, sizeof name, "Outbox %s %d", w->tag, w->committed + j);
                snprintf(ref, sizeof ref, "%s-%d", w->tag, w->committed + j);
            }
            if (owriter_create(w, db, name, ref, 1) != CRM_OK)
                break;
        }
        if (rollback || j < batch) {
            rc = crm_rollback(db);
            if (rc != CRM_OK)
                owriter_fail(w, db, "crm_rollback", rc);
            w->rolled += rollback;
        } else {
            rc = crm_commit(db);
            if (rc == CRM_OK)
                w->committed += batch;
            else
                owriter_fail(w, db, "crm_commit", rc);
        }
    }
    rc = crm_close(db);
    if (rc != CRM_OK)
        owriter_fail(w, NULL, "crm_close", rc);
    pthread_mutex_lock(&g_owriters_lock);
    g_owriters_done++;
    pthread_mutex_unlock(&g_owriters_lock);
    return NULL;
}

/* `test_abi --outbox-child PATH N`: the second process, two writer threads. */
int outbox_child_main(const char *path, int n)
{
    owriter_t w[2];
    pthread_t t[2];
    int i, bad = 0;
    for (i = 0; i < 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].path = path;
        w[i].n = n;
        snprintf(w[i].tag, sizeof w[i].tag, "child%d", i);
        if (pthread_create(&t[i], NULL, outbox_writer, &w[i]) != 0)
            return 2;
    }
    for (i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        if (w[i].errors || w[i].committed != n) {
            fprintf(stderr, "outbox child %s: %d of %d committed, %d errors, first: %s\n", w[i].tag, w[i].committed, n,
                    w[i].errors, w[i].first_error);
            bad++;
        }
    }
    return bad ? 1 : 0;
}

/* --- the consumer ---------------------------------------------------------- */
typedef struct {
    long long *seqs;
    size_t n, cap;
    long long last;        /* the highest seq seen */
    int out_of_order, rolled_seen, bad_json, fetch_errors, ack_errors;
    char first_error[512];
} consumer_t;

static void consumer_add(consumer_t *c, long long seq)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        long long *p = realloc(c->seqs, cap * sizeof *p);
        if (!p)
            abort();
        c->seqs = p;
        c->cap = cap;
    }
    c->seqs[c->n++] = seq;
}

/* One fetch and ack; returns the number of events fetched (-1 on failure). */
static int consume_once(crm_db *db, consumer_t *c, int limit)
{
    char *e = NULL;
    int rc = crm_events_fetch(db, "outbox-order", 0, limit, &e), len, i;
    if (rc != CRM_OK) {
        if (rc != CRM_BUSY && !c->fetch_errors++)
            snprintf(c->first_error, sizeof c->first_error, "crm_events_fetch: %d %s: %s", rc, tk_rcname(rc),
                     crm_errmsg(db));
        return -1;
    }
    len = jlen(e, "events");
    if (len < 0) {
        c->bad_json++;
        crm_free(e);
        return -1;
    }
    for (i = 0; i < len; i++) {
        long long seq = jintd(e, S("events[%d].seq", i), -1);
        char *name = jstr(e, S("events[%d].record.name", i));
        if (seq <= c->last)
            c->out_of_order++;
        if (seq > c->last)
            c->last = seq;
        if (name && strncmp(name, "Rolled", 6) == 0)
            c->rolled_seen++;
        free(name);
        consumer_add(c, seq);
    }
    if (len > 0) {
        long long last = jintd(e, "last_seq", -1);
        rc = crm_events_ack(db, "outbox-order", last);
        if (rc != CRM_OK && !c->ack_errors++)
            snprintf(c->first_error, sizeof c->first_error, "crm_events_ack(%lld): %d %s: %s", last, rc,
                     tk_rcname(rc), crm_errmsg(db));
    }
    crm_free(e);
    return len;
}

static int cmp_seq(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* Four writers in two processes and a consumer fetching and acking all the
** while: at the end the consumer has seen every committed event exactly once. */
void test_outbox_order(void)
{
    const char *path = fresh("outbox-order.sqlite");
    crm_db *db = open_db(path, 0);
    owriter_t w[2];
    pthread_t t[2];
    consumer_t c;
    pid_t child;
    char nbuf[16];
    int i, status = 0, child_done = 0, threads_done = 0, fetches = 0, child_ok = 0;
    long long *all = NULL;
    size_t nall = 0, capall = 0;
    double t0 = now_s();
    const int n = OUTBOX_PER_WRITER;
    if (!db)
        return;
    memset(&c, 0, sizeof c);
    pthread_mutex_lock(&g_owriters_lock);
    g_owriters_done = 0;
    pthread_mutex_unlock(&g_owriters_lock);
    /* the database exists (migrated) before anyone else opens it */
    snprintf(nbuf, sizeof nbuf, "%d", n);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        execl(tk_argv0, tk_argv0, "--outbox-child", path, nbuf, (char *)NULL);
        _exit(127);
    }
    CHECK(child > 0);
    for (i = 0; i < 2; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].path = path;
        w[i].n = n;
        snprintf(w[i].tag, sizeof w[i].tag, "parent%d", i);
        CHECK(pthread_create(&t[i], NULL, outbox_writer, &w[i]) == 0);
    }
    /* the consumer: small pages, acking each, while the writers run */
    while (!(child_done && threads_done)) {
        if (consume_once(db, &c, 1 + fetches % 9) <= 0)
            tk_pause_ms(2);
        fetches++;
        if (!threads_done && owriters_done() == 2)
            threads_done = 1; /* joined below */
        if (!child_done && child > 0) {
            pid_t got = waitpid(child, &status, WNOHANG);
            if (got == child) {
                child_done = 1;
                child_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            }
        } else if (child <= 0) {
            child_done = 1;
        }
        if (now_s() - t0 > OUTBOX_DEADLINE_S) {
            /* the parent's writers are bounded by their busy timeouts and retries */
            CHECKF(0, "outbox_order: the writers did not finish in %.0f s", OUTBOX_DEADLINE_S);
            if (!child_done && child > 0) {
                kill(child, SIGKILL);
                waitpid(child, &status, 0);
                child_done = 1;
            }
            break;
        }
    }
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECKF(child_ok, "the writer process: status %d (its errors are on stderr)", status);
    for (i = 0; i < 2; i++)
        CHECKF(w[i].errors == 0 && w[i].committed == n, "%s: %d of %d committed, %d errors, first: %s", w[i].tag,
               w[i].committed, n, w[i].errors, w[i].first_error);
    /* the final drain */
    {
        int k;
        for (k = 0; k < 10000 && consume_once(db, &c, 1000) > 0; k++)
            ;
    }
    CHECKF(c.fetch_errors == 0 && c.ack_errors == 0 && c.bad_json == 0, "consumer: %d fetch, %d ack errors, %d bad; %s",
           c.fetch_errors, c.ack_errors, c.bad_json, c.first_error);
    CHECKF(c.out_of_order == 0, "the consumer saw %d events at or below a seq it had already seen", c.out_of_order);
    CHECKF(c.rolled_seen == 0, "the consumer saw %d events of rolled-back transactions", c.rolled_seen);

    /* every committed event, read afresh by a new consumer */
    {
        long long after = 0;
        int k;
        for (k = 0; k < 1000; k++) {
            char *e = NULL;
            int len, j;
            if (crm_events_fetch(db, "outbox-audit", after, 1000, &e) != CRM_OK) {
                CHECKF(0, "audit fetch: %s", crm_errmsg(db));
                break;
            }
            len = jlen(e, "events");
            for (j = 0; j < len; j++) {
                if (nall == capall) {
                    capall = capall ? capall * 2 : 256;
                    all = realloc(all, capall * sizeof *all);
                    if (!all)
                        abort();
                }
                all[nall++] = jintd(e, S("events[%d].seq", j), -1);
            }
            after = jintd(e, "last_seq", after);
            crm_free(e);
            if (len <= 0)
                break;
        }
    }
    CHECKF(nall == (size_t)(4 * n), "%zu events committed, %d accounts created", nall, 4 * n);
    CHECK(count_accounts(db) == 4 * n);
    {
        size_t a = 0, b = 0, missed = 0, extra = 0, dups = 0;
        qsort(c.seqs, c.n, sizeof *c.seqs, cmp_seq);
        qsort(all, nall, sizeof *all, cmp_seq);
        for (a = 1; a < c.n; a++)
            if (c.seqs[a] == c.seqs[a - 1])
                dups++;
        a = 0;
        while (a < c.n || b < nall) {
            if (a < c.n && b < nall && c.seqs[a] == all[b]) {
                long long s = all[b];
                while (a < c.n && c.seqs[a] == s)
                    a++;
                b++;
            } else if (b < nall && (a >= c.n || all[b] < c.seqs[a])) {
                missed++;
                b++;
            } else {
                extra++;
                a++;
            }
        }
        CHECKF(missed == 0, "the consumer missed %zu of %zu committed events", missed, nall);
        CHECKF(dups == 0, "the consumer saw %zu events twice", dups);
        CHECKF(extra == 0, "the consumer saw %zu seqs that are not committed events", extra);
        printf("     (%zu events from 4 writers in 2 processes, consumed in %d fetches; %d busy retries)\n", nall,
               fetches, w[0].busy + w[1].busy);
    }
    free(all);
    free(c.seqs);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* --- a client killed mid-transaction --------------------------------------- */
/* `test_abi --killed-child PATH WFD RFD`: commits three accounts, opens a
** transaction and creates a fourth, tells the parent (a byte on WFD), waits
** for its word on RFD and dies by SIGKILL with the transaction open. */
int killed_child_main(const char *path, int wfd, int rfd)
{
    crm_db *db = NULL;
    char byte = 'x';
    int i, rc = crm_open(path, CRM_OPEN_EXISTING, &db);
    if (rc != CRM_OK) {
        fprintf(stderr, "killed child: crm_open: %s\n", crm_errmsg(NULL));
        return 1;
    }
    for (i = 0; i < 3; i++) {
        char args[200];
        snprintf(args, sizeof args, "{\"name\":\"Committed Before The Kill %d\",\"source\":\"kill\",\"external_ref\":\"K%d\"}",
                 i, i);
        if ((rc = crm_exec(db, "account.create", args, NULL)) != CRM_OK) {
            fprintf(stderr, "killed child: account.create: %s\n", crm_errmsg(db));
            return 1;
        }
    }
    if (crm_begin(db) != CRM_OK ||
        crm_exec(db, "account.create", "{\"name\":\"Lost With The Kill\",\"source\":\"kill\",\"external_ref\":\"LOST\"}",
                 NULL) != CRM_OK) {
        fprintf(stderr, "killed child: in the transaction: %s\n", crm_errmsg(db));
        return 1;
    }
    if (write(wfd, &byte, 1) != 1)
        return 1;
    (void)!read(rfd, &byte, 1);
    raise(SIGKILL);
    return 1;
}

void test_killed_client(void)
{
    const char *path = fresh("killed.sqlite");
    crm_db *db = open_db(path, 0), *other;
    int up[2], down[2], status = 0, i;
    pid_t child;
    char byte = 0, wbuf[16], rbuf[16];
    struct pollfd pfd;
    double t0, dt;
    int64_t out = -1;
    long long mine;
    if (!db)
        return;
    mine = create(db, "account.create", "{\"name\":\"Parent Before The Kill\",\"source\":\"kill\",\"external_ref\":\"P0\"}");
    if (pipe(up) != 0 || pipe(down) != 0) {
        CHECKF(0, "pipe: %s", strerror(errno));
        crm_close(db);
        return;
    }
    snprintf(wbuf, sizeof wbuf, "%d", up[1]);
    snprintf(rbuf, sizeof rbuf, "%d", down[0]);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        close(up[0]);
        close(down[1]);
        execl(tk_argv0, tk_argv0, "--killed-child", path, wbuf, rbuf, (char *)NULL);
        _exit(127);
    }
    close(up[1]);
    close(down[0]);
    CHECK(child > 0);
    if (child <= 0) {
        close(up[0]);
        close(down[1]);
        crm_close(db);
        return;
    }
    /* the child is inside its transaction: a writer here is refused at once */
    pfd.fd = up[0];
    pfd.events = POLLIN;
    CHECKF(poll(&pfd, 1, 60000) == 1 && read(up[0], &byte, 1) == 1, "the child never reached its transaction");
    if (byte == 'x') {
        CHECK_RC(db, crm_busy_timeout(db, 0), CRM_OK);
        CHECK_RC(db, crm_exec(db, "account.create", "{\"name\":\"While The Child Holds The Lock\"}", NULL), CRM_BUSY);
    }
    /* now it dies with the transaction open */
    (void)!write(down[1], "k", 1);
    close(down[1]);
    close(up[0]);
    CHECKF(tk_wait_bounded(child, 60.0, &status) == 0, "the child did not die");
    CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child ended with status %d, not SIGKILL", status);

    /* no lock left behind: a short busy timeout is enough to write at once */
    CHECK_RC(db, crm_busy_timeout(db, 2000), CRM_OK);
    t0 = now_s();
    create(db, "account.create", "{\"name\":\"Parent After The Kill\",\"source\":\"kill\",\"external_ref\":\"P1\"}");
    dt = now_s() - t0;
    CHECKF(dt < 2.5, "the first write after the kill took %.2f s", dt);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Parent Transaction After The Kill\"}");
    CHECK_RC(db, crm_commit(db), CRM_OK);

    /* nothing committed was lost, nothing uncommitted was kept */
    for (i = 0; i < 3; i++) {
        out = -1;
        CHECK_RC(db, crm_find_by_ref(db, "account", "kill", S("K%d", i), &out), CRM_OK);
        CHECK(out > mine);
    }
    CHECK_RC(db, crm_find_by_ref(db, "account", "kill", "P0", &out), CRM_OK);
    CHECK(out == mine);
    CHECK_RC(db, crm_find_by_ref(db, "account", "kill", "LOST", &out), CRM_NOTFOUND);
    CHECK(count_accounts(db) == 1 + 3 + 2);
    CHECK(count_events(db) == 1 + 3 + 2);
    {
        char *r = EXEC(db, "account.search", "{\"query\":\"Lost With The Kill\"}", CRM_OK);
        CHECK(r && jlen(r, "items") == 0);
        crm_free(r);
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
    /* a new handle writes too */
    other = open_db(path, 0);
    if (other) {
        CHECK_RC(other, crm_busy_timeout(other, 2000), CRM_OK);
        create(other, "account.create", "{\"name\":\"New Handle After The Kill\"}");
        CHECK(count_accounts(other) == 1 + 3 + 2 + 1);
        CHECK_RC(other, crm_close(other), CRM_OK);
    }
}
