/* test_events.c -- the outbox (fetch/ack), hooks, transactions. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------------- */
void test_events(void)
{
    const char *path = fresh("events.sqlite");
    crm_db *db = open_db(path, 0);
    long long ids[5], s0 = -1, last = -1;
    char *e = NULL, *c100, *c101;
    int i, n;
    if (!db)
        return;
    for (i = 0; i < 5; i++)
        ids[i] = create(db, "account.create", account_json(S("Events Customer %d", i), "ledger", S("EV%d", i)));

    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    if (e) {
        CHECKF(jvalid(e), "%.300s", e);
        n = jlen(e, "events");
        CHECKF(n == 5, "5 creates, 5 events: %d", n);
        s0 = jintd(e, "events[0].seq", -1);
        CHECK(s0 >= 1);
        for (i = 0; i < n && i < 5; i++) {
            char *key = jstr(e, S("events[%d].idempotency_key", i));
            char suffix[32];
            snprintf(suffix, sizeof suffix, ":%lld", s0 + i);
            CHECKF(jintd(e, S("events[%d].seq", i), -1) == s0 + i, "seq grows by one");
            CHECK(jstreq(e, S("events[%d].type", i), "account.created"));
            CHECK(jintd(e, S("events[%d].record.id", i), -1) == ids[i]);
            CHECK(jstreq(e, S("events[%d].record.name", i), S("Events Customer %d", i)));
            CHECK(jpath(e, S("events[%d].occurred_at", i)) != NULL);
            CHECKF(key && strlen(key) > strlen(suffix) && strcmp(key + strlen(key) - strlen(suffix), suffix) == 0,
                   "idempotency_key <file id>:<seq>: %s", key ? key : "(null)");
            free(key);
        }
        CHECK(jintd(e, "last_seq", -1) == s0 + 4);
        {
            char *k0 = jstr(e, "events[0].idempotency_key"), *k1 = jstr(e, "events[1].idempotency_key");
            CHECK(k0 && k1 && strcmp(k0, k1) != 0);
            free(k0);
            free(k1);
        }
        crm_free(e);
        e = NULL;
    }
    if (s0 < 0)
        s0 = 1;

    /* limit */
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 2, &e), CRM_OK);
    CHECK(e && jlen(e, "events") == 2 && jintd(e, "last_seq", -1) == s0 + 1);
    crm_free(e);
    e = NULL;
    /* fetch without ack: the same again (at least once) */
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 2, &e), CRM_OK);
    CHECK(e && jintd(e, "events[0].seq", -1) == s0);
    crm_free(e);
    e = NULL;

    /* ack moves the position */
    CHECK_RC(db, crm_events_ack(db, "c1", s0 + 1), CRM_OK);
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    CHECK(e && jlen(e, "events") == 3 && jintd(e, "events[0].seq", -1) == s0 + 2);
    crm_free(e);
    e = NULL;
    /* an ack below the position changes nothing */
    CHECK_RC(db, crm_events_ack(db, "c1", s0), CRM_OK);
    CHECK_RC(db, crm_events_ack(db, "c1", 0), CRM_OK);
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    CHECK(e && jintd(e, "events[0].seq", -1) == s0 + 2);
    crm_free(e);
    e = NULL;
    /* greater than both after_seq and the position */
    CHECK_RC(db, crm_events_fetch(db, "c1", s0 + 3, 1000, &e), CRM_OK);
    CHECK(e && jlen(e, "events") == 1 && jintd(e, "events[0].seq", -1) == s0 + 4);
    crm_free(e);
    e = NULL;
    CHECK_RC(db, crm_events_fetch(db, "c1", s0, 1000, &e), CRM_OK);
    CHECK(e && jintd(e, "events[0].seq", -1) == s0 + 2);
    crm_free(e);
    e = NULL;

    /* an ack of an unwritten seq */
    CHECK_RC(db, crm_events_ack(db, "c1", s0 + 5), CRM_RANGE);
    CHECK_RC(db, crm_events_ack(db, "c1", INT64_MAX), CRM_RANGE);
    CHECK_RC(db, crm_events_ack(db, "c1", -1), CRM_RANGE);
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    CHECK(e && jintd(e, "events[0].seq", -1) == s0 + 2);
    crm_free(e);
    e = NULL;

    /* argument ranges (out-parameter strictness: test_outparams) */
    e = NULL;
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 0, &e), CRM_RANGE);
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1001, &e), CRM_RANGE);
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, -1, &e), CRM_RANGE);
    CHECK_RC(db, crm_events_fetch(db, "c1", -1, 10, &e), CRM_RANGE);
    CHECK_RC(db, crm_events_fetch(db, "c1", INT64_MIN, 10, &e), CRM_RANGE);
    {
        int rc = crm_events_fetch(db, "", 0, 10, &e);
        CHECKF(rc == CRM_INVALID || rc == CRM_RANGE, "empty consumer: %d", rc);
    }
    CHECK_RC(db, crm_events_fetch(db, "bad\xff", 0, 10, &e), CRM_INVALID);
    c100 = repeat('c', 100);
    c101 = repeat('c', 101);
    CHECK_RC(db, crm_events_fetch(db, c101, 0, 10, &e), CRM_RANGE);
    CHECK_RC(db, crm_events_ack(db, c101, 0), CRM_RANGE);
    CHECK(e == NULL);
    {
        int rc = crm_events_ack(db, "", 0);
        CHECKF(rc == CRM_INVALID || rc == CRM_RANGE, "empty consumer: %d", rc);
    }
    e = NULL;
    CHECK_RC(db, crm_events_fetch(db, c100, 0, 1, &e), CRM_OK);
    crm_free(e);
    e = NULL;
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK); /* limit 1000 accepted */
    crm_free(e);
    e = NULL;
    CHECK_RC(db, crm_events_ack(db, c100, s0), CRM_OK);

    /* across close and reopen */
    CHECK_RC(db, crm_close(db), CRM_OK);
    db = open_db(path, 0);
    if (!db)
        goto out;
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    CHECKF(e && jlen(e, "events") == 3 && jintd(e, "events[0].seq", -1) == s0 + 2,
           "after reopen, after_seq 0 resumes after the last ack: %.200s", e ? e : "");
    crm_free(e);
    e = NULL;
    CHECK_RC(db, crm_events_fetch(db, c100, 0, 1000, &e), CRM_OK);
    CHECK(e && jintd(e, "events[0].seq", -1) == s0 + 1);
    crm_free(e);
    e = NULL;
    /* another consumer is independent */
    CHECK_RC(db, crm_events_fetch(db, "c2", 0, 1000, &e), CRM_OK);
    CHECK(e && jlen(e, "events") == 5);
    crm_free(e);
    e = NULL;
    /* all acked: nothing, last_seq the position searched from */
    CHECK_RC(db, crm_events_ack(db, "c1", s0 + 4), CRM_OK);
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    CHECKF(e && jlen(e, "events") == 0 && jintd(e, "last_seq", -1) == s0 + 4, "%.200s", e ? e : "");
    crm_free(e);
    e = NULL;
    /* a new event after the ack */
    last = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Later\"}", ids[0]));
    CHECK_RC(db, crm_events_fetch(db, "c1", 0, 1000, &e), CRM_OK);
    CHECK(e && jlen(e, "events") == 1 && jintd(e, "events[0].seq", -1) == s0 + 5 &&
          jstreq(e, "events[0].type", "contact.created") && jintd(e, "events[0].record.id", -1) == last);
    crm_free(e);
    e = NULL;
    CHECK_RC(db, crm_events_ack(db, "c1", s0 + 5), CRM_OK);
    /* a consumer that never fetched may ack */
    CHECK_RC(db, crm_events_ack(db, "fresh-consumer", s0 + 2), CRM_OK);
    CHECK_RC(db, crm_events_fetch(db, "fresh-consumer", 0, 1000, &e), CRM_OK);
    CHECK(e && jintd(e, "events[0].seq", -1) == s0 + 3);
    crm_free(e);
    e = NULL;
    CHECK_RC(db, crm_close(db), CRM_OK);
out:
    free(c100);
    free(c101);
}

/* ------------------------------------------------------------------------- */
typedef struct {
    int n, bad;
    char types[256][40];
    long long seqs[256];
    char last[8192];
    int tag;
    int *log, *nlog;
} rec_t;

static void rec_hook(const char *type, const char *json, void *ud)
{
    rec_t *r = ud;
    char *t = jstr(json, "type");
    if (!type || !json || !t || strcmp(t, type) != 0 || !jvalid(json) || !jpath(json, "seq") ||
        !jpath(json, "occurred_at") || !jpath(json, "idempotency_key") || !jpath(json, "record"))
        r->bad++;
    free(t);
    if (r->n < 256) {
        snprintf(r->types[r->n], sizeof r->types[0], "%s", type ? type : "");
        r->seqs[r->n] = jintd(json, "seq", -1);
    }
    snprintf(r->last, sizeof r->last, "%s", json ? json : "");
    if (r->log && *r->nlog < 64)
        r->log[(*r->nlog)++] = r->tag;
    r->n++;
}

typedef struct {
    crm_db *db;
    int id, calls, rc;
} selfunreg_t;

static void selfunreg_hook(const char *type, const char *json, void *ud)
{
    selfunreg_t *s = ud;
    (void)type;
    (void)json;
    s->calls++;
    s->rc = crm_hook_unregister(s->db, s->id);
}

/* A hook that unregisters a later hook: "it is not called again once this
** returns (except by a delivery already running on another thread)". */
typedef struct {
    crm_db *db;
    int victim, rc, calls, victim_calls;
} killer_t;

static void killer_hook(const char *type, const char *json, void *ud)
{
    killer_t *k = ud;
    (void)type;
    (void)json;
    if (k->calls++ == 0)
        k->rc = crm_hook_unregister(k->db, k->victim);
}

static void victim_hook(const char *type, const char *json, void *ud)
{
    (void)type;
    (void)json;
    ((killer_t *)ud)->victim_calls++;
}

void test_hooks(void)
{
    const char *path = fresh("hooks.sqlite");
    crm_db *db = open_db(path, 0);
    static rec_t ra, rp, rs, rc, o1, o2, twice;
    int ida = -1, idp = -1, ids = -1, idc = -1, id1, id2, idt1, idt2, log[64], nlog = 0, k, hid = 555;
    long long acct, ev;
    selfunreg_t su;
    if (!db)
        return;
    memset(&ra, 0, sizeof ra);
    memset(&rp, 0, sizeof rp);
    memset(&rs, 0, sizeof rs);
    memset(&rc, 0, sizeof rc);
    CHECK_RC(db, crm_hook_register(db, "account.created", rec_hook, &ra, &ida), CRM_OK);
    CHECK_RC(db, crm_hook_register(db, "account.*", rec_hook, &rp, &idp), CRM_OK);
    CHECK_RC(db, crm_hook_register(db, "*", rec_hook, &rs, &ids), CRM_OK);
    CHECK_RC(db, crm_hook_register(db, "contact.created", rec_hook, &rc, &idc), CRM_OK);
    CHECK(ida != idp && idp != ids && ids != idc && ida != ids && ida != idc && idp != idc);

    /* malformed patterns */
    CHECK_RC(db, crm_hook_register(db, "", rec_hook, &rs, &hid), CRM_INVALID);
    CHECK_RC(db, crm_hook_register(db, "acc*unt", rec_hook, &rs, &hid), CRM_INVALID);
    CHECK_RC(db, crm_hook_register(db, "*.created", rec_hook, &rs, &hid), CRM_INVALID);
    CHECK_RC(db, crm_hook_register(db, "account.\xff", rec_hook, &rs, &hid), CRM_INVALID);
    CHECK(hid == 555);

    acct = create(db, "account.create", account_json("Hooked Holdings", "ledger", "HK1"));
    /* delivered before crm_exec returned */
    CHECK(ra.n == 1 && rp.n == 1 && rs.n == 1 && rc.n == 0);
    CHECK(strcmp(rs.types[0], "account.created") == 0);
    CHECK(jintd(rs.last, "record.id", -1) == acct);
    CHECK(jstreq(rs.last, "record.name", "Hooked Holdings"));

    crm_free(EXEC(db, "account.update", S("{\"id\":%lld,\"phone\":\"+27 21 555 0000\"}", acct), CRM_OK));
    CHECK(ra.n == 1 && rp.n == 2 && rs.n == 2);
    CHECK(strcmp(rp.types[1], "account.updated") == 0);
    {
        long long c = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Hook\"}", acct));
        CHECK(rc.n == 1 && rs.n == 3 && rp.n == 2 && ra.n == 1);
        crm_free(EXEC(db, "contact.consent",
                      S("{\"contact_id\":%lld,\"channel\":\"sms\",\"status\":\"opted_in\",\"source\":\"web form\"}", c),
                      CRM_OK));
        CHECK(rs.n == 4 && strcmp(rs.types[3], "consent.changed") == 0);
        crm_free(EXEC(db, "interaction.log",
                      S("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-03-02T10:00:00Z\"}",
                        acct, c),
                      CRM_OK));
        CHECK(rs.n == 5 && strcmp(rs.types[4], "interaction.logged") == 0);
    }
    for (k = 1; k < rs.n && k < 256; k++)
        CHECKF(rs.seqs[k] == rs.seqs[k - 1] + 1, "hook seqs in order: %lld then %lld", rs.seqs[k - 1], rs.seqs[k]);
    CHECK(ra.bad == 0 && rp.bad == 0 && rs.bad == 0 && rc.bad == 0);
    /* hook events are the outbox's events */
    {
        char *e = NULL;
        CHECK_RC(db, crm_events_fetch(db, "hooks-test", rs.seqs[4] - 1, 1, &e), CRM_OK);
        if (e) {
            char *k1 = jstr(e, "events[0].idempotency_key"), *k2 = jstr(rs.last, "idempotency_key");
            CHECK(jintd(e, "events[0].seq", -1) == rs.seqs[4]);
            CHECK(k1 && k2 && strcmp(k1, k2) == 0);
            free(k1);
            free(k2);
            crm_free(e);
        }
    }

    /* no event, no hook: a failed call, a replay, an update that changes nothing */
    ev = rs.n;
    CHECK_RC(db, crm_exec(db, "account.create", "{\"nmae\":\"x\"}", NULL), CRM_INVALID);
    crm_free(EXEC(db, "account.create", account_json("Hooked Holdings", "ledger", "HK1"), CRM_OK));
    crm_free(EXEC(db, "account.update", S("{\"id\":%lld,\"phone\":\"+27 21 555 0000\"}", acct), CRM_OK));
    CHECKF(rs.n == ev, "hooks heard %lld events of calls that wrote none", (long long)(rs.n - ev));

    /* unregister */
    CHECK_RC(db, crm_hook_unregister(db, ida), CRM_OK);
    CHECK_RC(db, crm_hook_unregister(db, ida), CRM_NOTFOUND);
    CHECK_RC(db, crm_hook_unregister(db, 987654), CRM_NOTFOUND);
    CHECK_RC(db, crm_hook_unregister(db, -1), CRM_NOTFOUND);
    create(db, "account.create", "{\"name\":\"After Unregister\"}");
    CHECK(ra.n == 1 && rp.n == 3);

    /* rolled back: never heard */
    ev = rs.n;
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Rolled Back\"}");
    CHECK(rs.n == ev);
    CHECK_RC(db, crm_rollback(db), CRM_OK);
    CHECKF(rs.n == ev, "a hook heard a rolled-back change");

    /* committed: heard on crm_commit, in order */
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Txn One\"}");
    create(db, "account.create", "{\"name\":\"Txn Two\"}");
    CHECKF(rs.n == ev, "a hook ran before crm_commit");
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK(rs.n == ev + 2);
    if (rs.n == ev + 2 && ev + 1 < 256) {
        CHECK(rs.seqs[ev + 1] == rs.seqs[ev] + 1);
        CHECK(jstreq(rs.last, "record.name", "Txn Two"));
    }

    /* registration order; one function registered twice is called twice */
    memset(&o1, 0, sizeof o1);
    memset(&o2, 0, sizeof o2);
    memset(&twice, 0, sizeof twice);
    o1.tag = 1;
    o2.tag = 2;
    o1.log = o2.log = log;
    o1.nlog = o2.nlog = &nlog;
    CHECK_RC(db, crm_hook_register(db, "*", rec_hook, &o1, &id1), CRM_OK);
    CHECK_RC(db, crm_hook_register(db, "account.created", rec_hook, &o2, &id2), CRM_OK);
    CHECK_RC(db, crm_hook_register(db, "account.created", rec_hook, &twice, &idt1), CRM_OK);
    CHECK_RC(db, crm_hook_register(db, "account.created", rec_hook, &twice, &idt2), CRM_OK);
    CHECK(idt1 != idt2);
    create(db, "account.create", "{\"name\":\"Order One\"}");
    create(db, "account.create", "{\"name\":\"Order Two\"}");
    CHECKF(nlog == 4 && log[0] == 1 && log[1] == 2 && log[2] == 1 && log[3] == 2, "registration order: %d entries", nlog);
    CHECK(twice.n == 4);
    CHECK_RC(db, crm_hook_unregister(db, id1), CRM_OK);
    CHECK_RC(db, crm_hook_unregister(db, id2), CRM_OK);
    CHECK_RC(db, crm_hook_unregister(db, idt1), CRM_OK);
    create(db, "account.create", "{\"name\":\"Order Three\"}");
    CHECK(twice.n == 5 && o1.n == 2 && o2.n == 2);
    CHECK_RC(db, crm_hook_unregister(db, idt2), CRM_OK);

    /* a hook that unregisters itself */
    su.db = db;
    su.calls = 0;
    su.rc = -1;
    CHECK_RC(db, crm_hook_register(db, "account.created", selfunreg_hook, &su, &su.id), CRM_OK);
    create(db, "account.create", "{\"name\":\"Self One\"}");
    create(db, "account.create", "{\"name\":\"Self Two\"}");
    CHECK(su.calls == 1);
    CHECK_RC(db, su.rc, CRM_OK);

    /* unregistered by an earlier hook during the same delivery: not called */
    {
        killer_t k;
        int kid;
        memset(&k, 0, sizeof k);
        k.db = db;
        k.rc = -1;
        CHECK_RC(db, crm_hook_register(db, "account.created", killer_hook, &k, &kid), CRM_OK);
        CHECK_RC(db, crm_hook_register(db, "account.created", victim_hook, &k, &k.victim), CRM_OK);
        create(db, "account.create", "{\"name\":\"Killer One\"}");
        CHECK_RC(db, k.rc, CRM_OK);
        CHECKF(k.victim_calls == 0, "a hook unregistered (on this thread) before its turn was still called %d times",
               k.victim_calls);
        {
            int v1 = k.victim_calls;
            create(db, "account.create", "{\"name\":\"Killer Two\"}");
            CHECK(k.victim_calls == v1 && k.calls == 2);
        }
        CHECK_RC(db, crm_hook_unregister(db, kid), CRM_OK);
    }

    CHECK_RC(db, crm_hook_unregister(db, idp), CRM_OK);
    CHECK_RC(db, crm_hook_unregister(db, idc), CRM_OK);
    /* ids are per handle */
    {
        crm_db *other = open_db(path, 0);
        if (other) {
            CHECK_RC(other, crm_hook_unregister(other, ids), CRM_NOTFOUND);
            CHECK_RC(other, crm_close(other), CRM_OK);
        }
    }
    /* close drops the remaining hook (valgrind would see any leak) */
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* ------------------------------------------------------------------------- */
typedef struct {
    crm_db *db;
    int mode;
    int calls, depth, max_depth, nested_during;
    int rc_log, rc_get, rc_fail, rc_fetch, rc_begin, rc_commit;
    long long interaction_id;
} reent_t;

static reent_t *g_reent;

static void reent_hook(const char *type, const char *json, void *ud)
{
    reent_t *r = ud;
    long long acct = jintd(json, "record.id", -1);
    char args[512], *res = NULL;
    (void)type;
    r->calls++;
    r->depth++;
    if (r->depth > r->max_depth)
        r->max_depth = r->depth;
    snprintf(args, sizeof args,
             "{\"account_id\":%lld,\"kind\":\"note\",\"body\":\"welcome pack sent\",\"occurred_at\":\"2026-03-06T12:00:00Z\"}",
             acct);
    if (r->mode == 1) {
        /* a transaction of its own from inside the hook */
        r->rc_begin = crm_begin(r->db);
        r->rc_log = crm_exec(r->db, "interaction.log", args, &res);
        r->rc_commit = crm_commit(r->db);
    } else {
        r->rc_log = crm_exec(r->db, "interaction.log", args, &res);
    }
    if (res)
        r->interaction_id = jintd(res, "id", -1);
    crm_free(res);
    res = NULL;
    snprintf(args, sizeof args, "{\"id\":%lld}", acct);
    r->rc_get = crm_exec(r->db, "account.get", args, &res);
    crm_free(res);
    res = NULL;
    r->rc_fail = crm_exec(r->db, "account.get", "{\"id\":\"not a number\"}", NULL);
    r->rc_fetch = crm_events_fetch(r->db, "in-hook", 0, 10, &res);
    crm_free(res);
    r->depth--;
}

static void watch_hook(const char *type, const char *json, void *ud)
{
    rec_t *r = ud;
    if (g_reent && g_reent->depth > 0)
        g_reent->nested_during++;
    rec_hook(type, json, r);
}

/* "after the commit, outside every lock of the library": a hook may hand
** work to another thread that uses the same handle, and wait for it. If the
** handle's lock were held during delivery this would deadlock; the wait is
** bounded so a deadlock is reported as a failure instead of hanging. */
typedef struct {
    crm_db *db;
    long long acct;
    volatile int done;
    int rc, waited_out, calls;
} xthread_t;

static void *xthread_body(void *p)
{
    xthread_t *x = p;
    char args[64];
    snprintf(args, sizeof args, "{\"id\":%lld}", x->acct);
    x->rc = crm_exec(x->db, "account.get", args, NULL);
    if (x->rc == CRM_OK)
        x->rc = crm_exec(x->db, "account.update",
                         "{\"source\":\"ledger\",\"external_ref\":\"XT1\",\"owner\":\"other.thread\"}", NULL);
    x->done = 1;
    return NULL;
}

static void xthread_hook(const char *type, const char *json, void *ud)
{
    xthread_t *x = ud;
    pthread_t t;
    double t0;
    (void)type;
    if (x->calls++)
        return;
    x->acct = jintd(json, "record.id", -1);
    if (pthread_create(&t, NULL, xthread_body, x) != 0)
        return;
    t0 = now_s();
    while (!x->done && now_s() - t0 < 20.0) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    if (x->done)
        pthread_join(t, NULL);
    else {
        x->waited_out = 1;
        pthread_detach(t);
    }
}

static void test_hook_other_thread(void)
{
    static xthread_t x;
    crm_db *db = open_db(scratch("cross-thread.sqlite"), 0);
    int hid;
    if (!db)
        return;
    memset(&x, 0, sizeof x);
    x.db = db;
    x.rc = -1;
    CHECK_RC(db, crm_hook_register(db, "account.created", xthread_hook, &x, &hid), CRM_OK);
    create(db, "account.create", "{\"name\":\"Cross Thread Co\",\"source\":\"ledger\",\"external_ref\":\"XT1\"}");
    CHECKF(!x.waited_out, "a hook waiting on another thread's call on the same handle deadlocked (lock held during delivery)");
    if (x.waited_out)
        return; /* the handle is stuck: leak it rather than hang in crm_close */
    CHECK_RC(db, x.rc, CRM_OK);
    {
        char *r = EXEC(db, "account.get", "{\"source\":\"ledger\",\"external_ref\":\"XT1\"}", CRM_OK);
        CHECK(r && jstreq(r, "owner", "other.thread"));
        crm_free(r);
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_hooks_reentrant(void)
{
    crm_db *db = open_db(fresh("reentrant.sqlite"), 0);
    static rec_t all;
    reent_t re;
    int h1, h2, mode;
    if (!db)
        return;
    for (mode = 0; mode < 2; mode++) {
        memset(&re, 0, sizeof re);
        memset(&all, 0, sizeof all);
        re.db = db;
        re.mode = mode;
        re.rc_log = re.rc_get = re.rc_fail = re.rc_fetch = -1;
        g_reent = &re;
        CHECK_RC(db, crm_hook_register(db, "account.created", reent_hook, &re, &h1), CRM_OK);
        CHECK_RC(db, crm_hook_register(db, "*", watch_hook, &all, &h2), CRM_OK);

        if (mode == 0) {
            create(db, "account.create", "{\"name\":\"Reentrant Retail\"}");
        } else {
            /* hooks run from crm_commit */
            CHECK_RC(db, crm_begin(db), CRM_OK);
            create(db, "account.create", "{\"name\":\"Reentrant In Txn\"}");
            CHECK(re.calls == 0);
            CHECK_RC(db, crm_commit(db), CRM_OK);
            CHECK_RC(db, re.rc_begin, CRM_OK);
            CHECK_RC(db, re.rc_commit, CRM_OK);
        }
        CHECKF(strcmp(crm_errmsg(db), "not an error") == 0, "after a successful call whose hook failed a call: %s",
               crm_errmsg(db));
        CHECK(re.calls == 1);
        CHECK(re.max_depth == 1);
        CHECK_RC(db, re.rc_log, CRM_OK);
        CHECK_RC(db, re.rc_get, CRM_OK);
        CHECK_RC(db, re.rc_fail, CRM_INVALID);
        CHECK_RC(db, re.rc_fetch, CRM_OK);
        CHECKF(all.n == 2, "the watcher heard %d events", all.n);
        if (all.n == 2) {
            CHECK(strcmp(all.types[0], "account.created") == 0);
            CHECK(strcmp(all.types[1], "interaction.logged") == 0);
        }
        CHECKF(re.nested_during == 0, "a nested call's events reached hooks while the hook was running");
        {
            char *r = EXEC(db, "interaction.get", S("{\"id\":%lld}", re.interaction_id), CRM_OK);
            CHECK(r && jstreq(r, "body", "welcome pack sent"));
            crm_free(r);
        }
        CHECK_RC(db, crm_hook_unregister(db, h1), CRM_OK);
        CHECK_RC(db, crm_hook_unregister(db, h2), CRM_OK);
        g_reent = NULL;
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
    test_hook_other_thread();
}

/* ------------------------------------------------------------------------- */
typedef struct {
    crm_db *db;
    int what, rc;
} txn_arg;

static void *txn_thread(void *p)
{
    txn_arg *a = p;
    if (a->what == 0)
        a->rc = crm_begin(a->db);
    else
        a->rc = crm_exec(a->db, "account.create", "{\"name\":\"Written From Another Thread\"}", NULL);
    return NULL;
}

void test_transactions(void)
{
    const char *path = fresh("txn.sqlite");
    crm_db *db = open_db(path, 0);
    char *before, *after;
    long n0, ev0;
    long long a, b;
    if (!db)
        return;
    create(db, "account.create", account_json("Existing Customer", "ledger", "EX1"));
    CHECK_RC(db, crm_commit(db), CRM_MISUSE);
    CHECK_RC(db, crm_rollback(db), CRM_MISUSE);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    CHECK_RC(db, crm_begin(db), CRM_MISUSE);
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK_RC(db, crm_commit(db), CRM_MISUSE);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    CHECK_RC(db, crm_rollback(db), CRM_OK);
    CHECK_RC(db, crm_rollback(db), CRM_MISUSE);
    CHECK_RC(db, crm_commit(db), CRM_MISUSE);

    /* a call refused on its input leaves the transaction as it was */
    n0 = count_accounts(db);
    ev0 = count_events(db);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    a = create(db, "account.create", account_json("Txn Alpha", "ledger", "TA1"));
    CHECK_RC(db, crm_exec(db, "account.create", "{\"name\":\"Bad\",\"currency\":\"zar\"}", NULL), CRM_INVALID);
    CHECK_RC(db, crm_exec(db, "account.create", "{\"name\":\"Other\",\"source\":\"ledger\",\"external_ref\":\"EX1\"}", NULL),
             CRM_CONFLICT);
    CHECK_RC(db, crm_exec(db, "contact.create", "{\"account_id\":999999,\"last_name\":\"Ghost\"}", NULL), CRM_NOTFOUND);
    CHECK_RC(db, crm_exec(db, "account.update", S("{\"id\":%lld,\"expected_version\":7,\"name\":\"Stale\"}", a), NULL),
             CRM_CONFLICT);
    b = create(db, "account.create", "{\"name\":\"Txn Beta\"}");
    {
        int64_t out = 0;
        CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", "TA1", &out), CRM_OK);
        CHECK(out == a);
    }
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK(count_accounts(db) == n0 + 2);
    CHECK(count_events(db) == ev0 + 2);
    {
        char *r = EXEC(db, "account.get", S("{\"id\":%lld}", a), CRM_OK);
        CHECK(r && jstreq(r, "name", "Txn Alpha") && jintd(r, "version", -1) == 1);
        crm_free(r);
        r = EXEC(db, "account.get", S("{\"id\":%lld}", b), CRM_OK);
        crm_free(r);
    }

    /* rollback leaves the file as it was */
    before = db_fingerprint(path);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Never Was\"}");
    crm_free(EXEC(db, "account.update", S("{\"id\":%lld,\"phone\":\"+27 31 000 0000\"}", a), CRM_OK));
    CHECK_RC(db, crm_rollback(db), CRM_OK);
    after = db_fingerprint(path);
    CHECK(before && after && strcmp(before, after) == 0);
    free(after);
    CHECK(count_accounts(db) == n0 + 2);

    /* crm_events_fetch gives "committed events": not those of the open transaction */
    {
        long long ev_before = count_events(db);
        char *e = NULL;
        CHECK_RC(db, crm_begin(db), CRM_OK);
        create(db, "account.create", "{\"name\":\"Uncommitted Event\"}");
        CHECK_RC(db, crm_events_fetch(db, "txn-peek", 0, 1000, &e), CRM_OK);
        CHECKF(e && jlen(e, "events") == ev_before,
               "inside crm_begin, crm_events_fetch returned %d events, %lld committed", e ? jlen(e, "events") : -1,
               ev_before);
        crm_free(e);
        CHECK_RC(db, crm_rollback(db), CRM_OK);
    }

    /* close with an open transaction rolls it back */
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Closed Before Commit\"}");
    CHECK_RC(db, crm_close(db), CRM_OK);
    after = db_fingerprint(path);
    CHECK(before && after && strcmp(before, after) == 0);
    free(after);
    free(before);
    db = open_db(path, 0);
    if (!db)
        return;
    CHECK(count_accounts(db) == n0 + 2);

    /* the transaction belongs to the handle, not the thread */
    {
        pthread_t t;
        txn_arg x = {NULL, 0, -1};
        x.db = db;
        pthread_create(&t, NULL, txn_thread, &x);
        pthread_join(t, NULL);
        CHECK_RC(db, x.rc, CRM_OK);
        x.what = 1;
        x.rc = -1;
        pthread_create(&t, NULL, txn_thread, &x);
        pthread_join(t, NULL);
        CHECK_RC(db, x.rc, CRM_OK);
        CHECK_RC(db, crm_begin(db), CRM_MISUSE);
        CHECK_RC(db, crm_commit(db), CRM_OK);
        CHECK(count_accounts(db) == n0 + 3);
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
}
