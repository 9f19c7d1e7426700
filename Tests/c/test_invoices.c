/* test_invoices.c -- invoice numbers stay gapless and unique when 4 threads
** in each of 2 processes issue at once (some issues rolled back and made
** again), and a process killed inside its issuing transaction leaves no gap
** and no duplicate; 8 takers in 2 processes never invoice more of a quoted
** line than was quoted. */
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

#define INV_THREADS 4
#define INV_PER_THREAD 25
#define INV_SLOTS (2 * INV_THREADS)
#define INV_DRAFTS (INV_SLOTS * INV_PER_THREAD)

typedef struct {
    const char *path;
    int slot;          /* 0..7: the drafts whose id % 8 == slot are this issuer's */
    int issued, rolled, errors;
    char first_error[512];
} issuer_t;

static void issuer_fail(issuer_t *w, crm_db *db, const char *what, int rc)
{
    if (!w->errors++)
        snprintf(w->first_error, sizeof w->first_error, "slot %d %s: %d %s: %s", w->slot, what, rc, tk_rcname(rc),
                 db ? crm_errmsg(db) : crm_errmsg(NULL));
}

/* invoice.issue of one draft, retrying CRM_BUSY (nothing was written then). */
static int issue_once(issuer_t *w, crm_db *db, long long id, int in_txn)
{
    char args[64];
    int rc, tries = 0;
    snprintf(args, sizeof args, "{\"id\":%lld}", id);
    for (;;) {
        rc = crm_exec(db, "invoice.issue", args, NULL);
        if (rc != CRM_BUSY || in_txn || ++tries > 100)
            break;
        tk_pause_ms(5);
    }
    if (rc != CRM_OK)
        issuer_fail(w, db, "invoice.issue", rc);
    return rc;
}

static void *issuer(void *arg)
{
    issuer_t *w = arg;
    crm_db *db = NULL;
    long long id;
    int rc = crm_open(w->path, CRM_OPEN_EXISTING, &db), k = 0;
    if (rc != CRM_OK) {
        issuer_fail(w, NULL, "crm_open", rc);
        return NULL;
    }
    crm_busy_timeout(db, 20000);
    for (id = w->slot + 1; id <= INV_DRAFTS && !w->errors; id += INV_SLOTS, k++) {
        if (k % 3 == 1) {
            /* issued inside a transaction that rolls back: the number goes back */
            int tries = 0;
            while ((rc = crm_begin(db)) == CRM_BUSY && ++tries < 100)
                tk_pause_ms(5);
            if (rc != CRM_OK) {
                issuer_fail(w, db, "crm_begin", rc);
                break;
            }
            rc = issue_once(w, db, id, 1);
            if (crm_rollback(db) != CRM_OK)
                issuer_fail(w, db, "crm_rollback", rc);
            if (rc != CRM_OK)
                break;
            w->rolled++;
        }
        if (issue_once(w, db, id, 0) == CRM_OK)
            w->issued++;
    }
    rc = crm_close(db);
    if (rc != CRM_OK)
        issuer_fail(w, NULL, "crm_close", rc);
    return NULL;
}

/* Runs the issuers of slots first..first+3; returns how many failed. */
static int run_issuers(const char *path, int first, issuer_t *w)
{
    pthread_t t[INV_THREADS];
    int i, bad = 0;
    for (i = 0; i < INV_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].path = path;
        w[i].slot = first + i;
        if (pthread_create(&t[i], NULL, issuer, &w[i]) != 0)
            return INV_THREADS;
    }
    for (i = 0; i < INV_THREADS; i++) {
        pthread_join(t[i], NULL);
        if (w[i].errors || w[i].issued != INV_PER_THREAD) {
            fprintf(stderr, "invoice issuer %d: %d of %d issued, %d errors, first: %s\n", w[i].slot, w[i].issued,
                    INV_PER_THREAD, w[i].errors, w[i].first_error);
            bad++;
        }
    }
    return bad;
}

/* `test_abi --invoice-child PATH`: the second process's four issuers. */
int invoice_child_main(const char *path)
{
    issuer_t w[INV_THREADS];
    return run_issuers(path, INV_THREADS, w) ? 1 : 0;
}

/* `test_abi --invoice-killed PATH ID WFD RFD`: issues draft ID inside a
** transaction, tells the parent, waits for its word and dies by SIGKILL. */
int invoice_killed_main(const char *path, long long id, int wfd, int rfd)
{
    crm_db *db = NULL;
    char byte = 'x', args[64];
    if (crm_open(path, CRM_OPEN_EXISTING, &db) != CRM_OK) {
        fprintf(stderr, "invoice killed child: crm_open: %s\n", crm_errmsg(NULL));
        return 1;
    }
    snprintf(args, sizeof args, "{\"id\":%lld}", id);
    if (crm_begin(db) != CRM_OK || crm_exec(db, "invoice.issue", args, NULL) != CRM_OK) {
        fprintf(stderr, "invoice killed child: %s\n", crm_errmsg(db));
        return 1;
    }
    if (write(wfd, &byte, 1) != 1)
        return 1;
    (void)!read(rfd, &byte, 1);
    raise(SIGKILL);
    return 1;
}

/* The numbers of all issued invoices are INV-000001..INV-00000n, each once. */
static void check_numbers(crm_db *db, int n)
{
    char *seen = calloc((size_t)n + 2, 1), *r;
    int i, len, dup = 0, odd = 0;
    if (!seen)
        abort();
    r = EXEC(db, "invoice.list", "{\"status\":\"issued\",\"limit\":500}", CRM_OK);
    len = r ? jlen(r, "items") : -1;
    CHECKF(len == n, "%d invoices issued, %d expected", len, n);
    for (i = 0; r && i < len; i++) {
        char *number = jstr(r, S("items[%d].number", i));
        int k = number && strncmp(number, "INV-", 4) == 0 ? atoi(number + 4) : 0;
        if (k < 1 || k > n)
            odd++;
        else if (seen[k]++)
            dup++;
        free(number);
    }
    CHECKF(odd == 0, "%d numbers outside INV-000001..%d", odd, n);
    CHECKF(dup == 0, "%d numbers given twice", dup);
    crm_free(r);
    free(seen);
}

void test_invoice_numbers(void)
{
    const char *path = fresh("invoice-numbers.sqlite");
    crm_db *db = open_db(path, 0);
    issuer_t w[INV_THREADS];
    int i, status = 0, bad, up[2], down[2];
    long long account, last = 0;
    pid_t child;
    char byte = 0, idbuf[32], wbuf[16], rbuf[16];
    struct pollfd pfd;
    char *r;
    if (!db)
        return;
    account = create(db, "account.create", account_json("Numbering Test", NULL, NULL));
    CHECK_RC(db, crm_begin(db), CRM_OK);
    for (i = 0; i < INV_DRAFTS + 2; i++)
        last = create(db, "invoice.create", S("{\"account_id\":%lld,\"lines\":[{\"description\":\"Visit %d\","
                                              "\"quantity_milli\":1000,\"unit_price_minor\":10000}]}", account, i));
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK(last == INV_DRAFTS + 2);

    /* 4 threads here, 4 in a second process, issuing at once */
    fflush(stdout);
    child = fork();
    if (child == 0) {
        execl(tk_argv0, tk_argv0, "--invoice-child", path, (char *)NULL);
        _exit(127);
    }
    CHECK(child > 0);
    bad = run_issuers(path, 0, w);
    CHECKF(bad == 0, "%d issuers of this process failed (their errors are on stderr)", bad);
    if (child > 0) {
        CHECKF(tk_wait_bounded(child, 240.0, &status) == 0, "the issuing process did not finish");
        CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the issuing process: status %d (errors on stderr)", status);
    }
    check_numbers(db, INV_DRAFTS);

    /* a process killed inside its issuing transaction gives its number back */
    if (pipe(up) != 0 || pipe(down) != 0) {
        CHECKF(0, "pipe: %s", strerror(errno));
        crm_close(db);
        return;
    }
    snprintf(idbuf, sizeof idbuf, "%d", INV_DRAFTS + 1);
    snprintf(wbuf, sizeof wbuf, "%d", up[1]);
    snprintf(rbuf, sizeof rbuf, "%d", down[0]);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        close(up[0]);
        close(down[1]);
        execl(tk_argv0, tk_argv0, "--invoice-killed", path, idbuf, wbuf, rbuf, (char *)NULL);
        _exit(127);
    }
    close(up[1]);
    close(down[0]);
    CHECK(child > 0);
    pfd.fd = up[0];
    pfd.events = POLLIN;
    CHECKF(poll(&pfd, 1, 60000) == 1 && read(up[0], &byte, 1) == 1 && byte == 'x', "the child never issued");
    (void)!write(down[1], "k", 1);
    close(down[1]);
    close(up[0]);
    if (child > 0) {
        CHECKF(tk_wait_bounded(child, 60.0, &status) == 0, "the killed child did not die");
        CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child ended with status %d, not SIGKILL", status);
    }
    CHECK_RC(db, crm_busy_timeout(db, 5000), CRM_OK);
    r = EXEC(db, "invoice.get", S("{\"id\":%d}", INV_DRAFTS + 1), CRM_OK);
    CHECK(r && jstreq(r, "status", "draft") && strstr(r, "\"number\":null") != NULL);
    crm_free(r);
    r = EXEC(db, "invoice.issue", S("{\"id\":%d}", INV_DRAFTS + 2), CRM_OK);
    CHECK(r && jstreq(r, "number", S("INV-%06d", INV_DRAFTS + 1)));
    crm_free(r);
    r = EXEC(db, "invoice.issue", S("{\"id\":%d}", INV_DRAFTS + 1), CRM_OK);
    CHECK(r && jstreq(r, "number", S("INV-%06d", INV_DRAFTS + 2)));
    crm_free(r);
    check_numbers(db, INV_DRAFTS + 2);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* --- never more invoiced than quoted, with 8 takers in 2 processes ---------- */
#define TAKE_TRIES 5

typedef struct {
    const char *path;
    long long quote;
    int taken, refused, errors;
    char first_error[512];
} taker_t;

/* Tries TAKE_TRIES times to invoice 100 of the quote's 1000 on line 0. */
static void *taker(void *arg)
{
    taker_t *w = arg;
    crm_db *db = NULL;
    char args[160];
    int i, rc = crm_open(w->path, CRM_OPEN_EXISTING, &db);
    if (rc != CRM_OK) {
        w->errors++;
        snprintf(w->first_error, sizeof w->first_error, "crm_open: %s", crm_errmsg(NULL));
        return NULL;
    }
    crm_busy_timeout(db, 20000);
    snprintf(args, sizeof args, "{\"quote_id\":%lld,\"line_positions\":[0],\"quantities_milli\":[100]}", w->quote);
    for (i = 0; i < TAKE_TRIES; i++) {
        int tries = 0;
        while ((rc = crm_exec(db, "invoice.create", args, NULL)) == CRM_BUSY && ++tries < 100)
            tk_pause_ms(5);
        if (rc == CRM_OK)
            w->taken++;
        else if (rc == CRM_CONSTRAINT)
            w->refused++;
        else if (!w->errors++)
            snprintf(w->first_error, sizeof w->first_error, "invoice.create: %d %s: %s", rc, tk_rcname(rc), crm_errmsg(db));
    }
    crm_close(db);
    return NULL;
}

/* Four takers; returns how many invoices they made, or -1 on an error. */
static int run_takers(const char *path, long long quote)
{
    taker_t w[INV_THREADS];
    pthread_t t[INV_THREADS];
    int i, taken = 0, bad = 0;
    for (i = 0; i < INV_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].path = path;
        w[i].quote = quote;
        if (pthread_create(&t[i], NULL, taker, &w[i]) != 0)
            return -1;
    }
    for (i = 0; i < INV_THREADS; i++) {
        pthread_join(t[i], NULL);
        if (w[i].errors || w[i].taken + w[i].refused != TAKE_TRIES) {
            fprintf(stderr, "invoice taker: %d taken, %d refused, %d errors, first: %s\n", w[i].taken, w[i].refused,
                    w[i].errors, w[i].first_error);
            bad++;
        }
        taken += w[i].taken;
    }
    return bad ? -1 : taken;
}

/* `test_abi --invoice-take PATH QUOTE`: the second process's takers; the
** exit status is how many invoices they made (100 + n), 1 on an error. */
int invoice_take_main(const char *path, long long quote)
{
    int taken = run_takers(path, quote);
    return taken < 0 ? 1 : 100 + taken;
}

void test_invoice_limits(void)
{
    const char *path = fresh("invoice-limits.sqlite");
    crm_db *db = open_db(path, 0);
    long long account, quote, sum = 0;
    int status = 0, mine, theirs = -1, len, i;
    pid_t child;
    char qbuf[32], *r;
    if (!db)
        return;
    account = create(db, "account.create", account_json("Limits Test", NULL, NULL));
    quote = create(db, "quote.create", S("{\"account_id\":%lld,\"lines\":[{\"description\":\"Trusses\","
                                         "\"quantity_milli\":1000,\"unit_price_minor\":500000}]}", account));
    crm_free(EXEC(db, "quote.send", S("{\"id\":%lld}", quote), CRM_OK));
    crm_free(EXEC(db, "quote.accept", S("{\"id\":%lld}", quote), CRM_OK));
    snprintf(qbuf, sizeof qbuf, "%lld", quote);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        execl(tk_argv0, tk_argv0, "--invoice-take", path, qbuf, (char *)NULL);
        _exit(127);
    }
    CHECK(child > 0);
    mine = run_takers(path, quote);
    CHECKF(mine >= 0, "a taker of this process failed (errors on stderr)");
    if (child > 0) {
        CHECKF(tk_wait_bounded(child, 240.0, &status) == 0, "the taking process did not finish");
        if (WIFEXITED(status) && WEXITSTATUS(status) >= 100)
            theirs = WEXITSTATUS(status) - 100;
        CHECKF(theirs >= 0, "the taking process: status %d (errors on stderr)", status);
    }
    /* 40 tries of 100 on a line of 1000: exactly ten got through */
    CHECKF(mine + theirs == 10, "%d + %d invoices made, 10 expected", mine, theirs);
    r = EXEC(db, "invoice.list", S("{\"quote_id\":%lld,\"limit\":500}", quote), CRM_OK);
    len = r ? jlen(r, "items") : -1;
    for (i = 0; i < len; i++)
        sum += jintd(r, S("items[%d].lines[0].quantity_milli", i), 0);
    CHECKF(len == 10 && sum == 1000, "%d invoices take %lld of 1000", len, sum);
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "invoice.create", S("{\"quote_id\":%lld}", quote), NULL), CRM_CONSTRAINT);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
