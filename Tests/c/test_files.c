/* test_files.c -- persistence, read-only, newer and foreign files, threads, handles. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int same_bytes(const char *path, const unsigned char *want, long wantn)
{
    long n = -1;
    unsigned char *b = file_bytes(path, &n);
    int same = b && n == wantn && memcmp(b, want, (size_t)n) == 0;
    free(b);
    return same;
}

/* A small customer base: 3 accounts, a contact and an interaction each. */
static void seed(crm_db *db, long long ids[3])
{
    static const char *names[3] = {"Bloemfontein Bakeries", "Polokwane Panelbeaters", "East London Electrical"};
    int i;
    for (i = 0; i < 3; i++) {
        long long c;
        ids[i] = create(db, "account.create", account_json(names[i], "ledger", S("SEED%d", i)));
        c = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Contact %d\"}", ids[i], i));
        crm_free(EXEC(db, "interaction.log",
                      S("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"visit\",\"occurred_at\":\"2026-03-0%dT09:00:00Z\"}",
                        ids[i], c, i + 1),
                      CRM_OK));
    }
}

void test_persistence(void)
{
    const char *path = fresh("persist.sqlite");
    crm_db *db = open_db(path, 0);
    long long ids[3];
    long ev;
    char *e1 = NULL, *e2 = NULL, *r, *created = NULL;
    int i;
    if (!db)
        return;
    seed(db, ids);
    crm_free(EXEC(db, "account.update", S("{\"id\":%lld,\"status\":\"active\"}", ids[1]), CRM_OK));
    r = EXEC(db, "account.get", S("{\"id\":%lld}", ids[1]), CRM_OK);
    created = r ? jstr(r, "created_at") : NULL;
    crm_free(r);
    ev = count_events(db);
    CHECK(ev == 10);
    CHECK_RC(db, crm_events_fetch(db, "persist", 0, 1000, &e1), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);

    db = open_db(path, 0);
    if (!db)
        goto out;
    CHECK(count_accounts(db) == 3);
    r = EXEC(db, "account.list", "{}", CRM_OK);
    if (r) {
        CHECK(jlen(r, "items") == 3);
        for (i = 0; i < 3; i++)
            CHECK(jintd(r, S("items[%d].id", i), -1) == ids[i]);
        CHECK(jstreq(r, "items[1].status", "active") && jintd(r, "items[1].version", -1) == 2);
        CHECK(jstreq(r, "items[0].addresses[0].city", "Johannesburg"));
        crm_free(r);
    }
    r = EXEC(db, "account.get", S("{\"id\":%lld}", ids[1]), CRM_OK);
    CHECK(r && created && jstreq(r, "created_at", created));
    crm_free(r);
    r = EXEC(db, "contact.list", S("{\"account_id\":%lld}", ids[2]), CRM_OK);
    CHECK(r && jlen(r, "items") == 1);
    crm_free(r);
    r = EXEC(db, "interaction.list", S("{\"account_id\":%lld}", ids[0]), CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jstreq(r, "items[0].kind", "visit"));
    crm_free(r);
    CHECK(count_events(db) == ev);
    CHECK_RC(db, crm_events_fetch(db, "persist", 0, 1000, &e2), CRM_OK);
    CHECKF(e1 && e2 && strcmp(e1, e2) == 0, "events identical after reopen");
    /* ids are never reused and keep growing */
    CHECK(create(db, "account.create", "{\"name\":\"After Reopen\"}") > ids[2]);
    CHECK_RC(db, crm_close(db), CRM_OK);
    /* and once more, read-only */
    db = open_db(path, CRM_OPEN_READONLY);
    if (db) {
        CHECK(count_accounts(db) == 4);
        CHECK(count_events(db) == ev + 1);
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
out:
    crm_free(e1);
    crm_free(e2);
    free(created);
}

static void rec_count(const char *t, const char *j, void *ud)
{
    (void)t;
    (void)j;
    (*(int *)ud)++;
}

void test_readonly(void)
{
    const char *path = fresh("readonly.sqlite");
    crm_db *db = open_db(path, 0), *ro, *rw;
    long long ids[3];
    char *before, *after, *r = NULL;
    int64_t out = 0;
    int heard = 0, hid;
    if (!db)
        return;
    seed(db, ids);
    CHECK_RC(db, crm_close(db), CRM_OK);
    before = db_fingerprint(path);

    ro = open_db(path, CRM_OPEN_READONLY);
    if (!ro) {
        free(before);
        return;
    }
    r = EXEC(ro, "account.get", S("{\"id\":%lld}", ids[0]), CRM_OK);
    crm_free(r);
    r = EXEC(ro, "account.list", "{}", CRM_OK);
    CHECK(r && jlen(r, "items") == 3);
    crm_free(r);
    r = EXEC(ro, "account.search", "{\"query\":\"bakeries\"}", CRM_OK);
    crm_free(r);
    r = EXEC(ro, "interaction.list", "{}", CRM_OK);
    crm_free(r);
    CHECK_RC(ro, crm_find_by_ref(ro, "account", "ledger", "SEED1", &out), CRM_OK);
    CHECK(out == ids[1]);
    r = NULL;
    CHECK_RC(ro, crm_events_fetch(ro, "ro-consumer", 0, 100, &r), CRM_OK);
    CHECK(r && jlen(r, "events") == 9);
    crm_free(r);
    CHECK_RC(ro, crm_hook_register(ro, "*", rec_count, &heard, &hid), CRM_OK);

    /* every write: CRM_READONLY */
    CHECK_RC(ro, crm_exec(ro, "account.create", "{\"name\":\"Read Only Ltd\"}", NULL), CRM_READONLY);
    CHECKF(strcmp(crm_errmsg(ro), "not an error") != 0, "%s", crm_errmsg(ro));
    CHECK_RC(ro, crm_exec(ro, "account.update", S("{\"id\":%lld,\"phone\":\"1\"}", ids[0]), NULL), CRM_READONLY);
    CHECK_RC(ro, crm_exec(ro, "account.archive", S("{\"id\":%lld}", ids[0]), NULL), CRM_READONLY);
    CHECK_RC(ro, crm_exec(ro, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"X\"}", ids[0]), NULL),
             CRM_READONLY);
    CHECK_RC(ro, crm_exec(ro, "interaction.log",
                          S("{\"account_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-03-02T09:00:00Z\"}", ids[0]), NULL),
             CRM_READONLY);
    CHECK_RC(ro, crm_exec(ro, "account.merge", S("{\"survivor_id\":%lld,\"merged_id\":%lld}", ids[0], ids[1]), NULL),
             CRM_READONLY);
    CHECK_RC(ro, crm_events_ack(ro, "ro-consumer", 1), CRM_READONLY);
    CHECK_RC(ro, crm_begin(ro), CRM_READONLY);
    CHECK_RC(ro, crm_commit(ro), CRM_MISUSE);
    /* bad input is still reported as bad input */
    CHECK_RC(ro, crm_exec(ro, "account.get", "{\"nmae\":1}", NULL), CRM_INVALID);
    CHECK(heard == 0);
    after = db_fingerprint(path);
    CHECKF(before && after && strcmp(before, after) == 0, "read-only handle changed the file");
    free(after);

    /* a writer beside the reader; the reader sees its commits */
    rw = open_db(path, 0);
    if (rw) {
        long long n = create(rw, "account.create", "{\"name\":\"Written Beside\"}");
        r = EXEC(ro, "account.get", S("{\"id\":%lld}", n), CRM_OK);
        CHECK(r && jstreq(r, "name", "Written Beside"));
        crm_free(r);
        CHECK(heard == 0);
        CHECK_RC(rw, crm_close(rw), CRM_OK);
    }
    CHECK_RC(ro, crm_close(ro), CRM_OK);
    free(before);
}

void test_future_migration(void)
{
    const char *path = fresh("future.sqlite");
    char sqlpath[512];
    crm_db *db = open_db(path, 0);
    sqlite3 *s = NULL;
    unsigned char *bytes;
    char *before = NULL, *after;
    long n = -1;
    long long ids[3];
    int rc;
    if (!db)
        return;
    seed(db, ids);
    CHECK_RC(db, crm_close(db), CRM_OK);
    snprintf(sqlpath, sizeof sqlpath, "%s", path);

    /* a newer libcrm applied a migration this one does not know */
    if (!alter_db(sqlpath, "INSERT INTO crm_migrations(id, applied_at) VALUES ('9999-future', '2099-01-01T00:00:00Z')",
                  "INSERT INTO crm_migrations(id, applied_at) VALUES ('9999-future', '2099-01-01T00:00:00Z')",
                  "simulate a newer file (table crm_migrations?)"))
        return;

    /* on SQLite the file's bytes, on PostgreSQL the schema's rows must stay as they are */
    bytes = tk_pg ? NULL : file_bytes(sqlpath, &n);
    before = db_fingerprint(sqlpath);
    db = (crm_db *)&db;
    CHECK_RC(NULL, crm_open(sqlpath, 0, &db), CRM_VERSION_ERR);
    CHECK(db == NULL);
    CHECKF(strcmp(crm_errmsg(NULL), "not an error") != 0 && crm_errmsg(NULL)[0], "%s", crm_errmsg(NULL));
    CHECKF(strstr(crm_errmsg(NULL), "9999-future") != NULL, "the message names the unknown migration: %s",
           crm_errmsg(NULL));
    printf("     (newer %s refused: %s)\n", tk_pg ? "schema" : "file", crm_errmsg(NULL));
    CHECKF(tk_pg || (bytes && same_bytes(sqlpath, bytes, n)), "the newer file was modified");
    after = db_fingerprint(sqlpath);
    CHECKF(before && after && strcmp(before, after) == 0, "the newer database was modified");
    free(after);
    db = (crm_db *)&db;
    CHECK_RC(NULL, crm_open(sqlpath, CRM_OPEN_READONLY, &db), CRM_VERSION_ERR);
    CHECK(db == NULL);
    CHECKF(tk_pg || (bytes && same_bytes(sqlpath, bytes, n)), "the newer file was modified by a read-only open");
    after = db_fingerprint(sqlpath);
    CHECKF(before && after && strcmp(before, after) == 0, "the newer database was modified by a read-only open");
    free(after);
    free(before);
    free(bytes);
    if (tk_pg) {
        /* still readable: not damaged */
        char *out = NULL;
        CHECK(run_psql(sqlpath, "SELECT count(*) FROM crm_migrations WHERE id = '9999-future'", &out) == 0 && out &&
              strncmp(out, "1\n", 2) == 0);
        free(out);
        return;
    }
    /* still readable by sqlite: not damaged */
    rc = sqlite3_open_v2(sqlpath, &s, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(s, "SELECT count(*) FROM crm_migrations WHERE id = '9999-future'", -1, &st, NULL);
        CHECK(rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1);
        sqlite3_finalize(st);
    }
    sqlite3_close(s);
}

static int failure_heard;
static void count_heard(const char *event_type, const char *event_json, void *user_data)
{
    (void)event_type;
    (void)event_json;
    (void)user_data;
    failure_heard++;
}

/* A call that fails after it began writing rolls the whole host transaction
** back; the handle refuses every call until the host ends it. The fault is
** a trigger planted in the file (on PostgreSQL, in the schema) that refuses
** the event of an account named "Faulty...", so account.create fails after
** writing its account row. */
void test_failure_after_write(void)
{
    const char *path = fresh("fault.sqlite");
    crm_db *db = open_db(path, 0);
    char *r;
    long long ids[3], kept;
    long n0, ev0;
    int rc, hook = 0;
    if (!db)
        return;
    seed(db, ids);
    CHECK_RC(db, crm_close(db), CRM_OK);
    if (!alter_db(path,
                  "CREATE TRIGGER planted_fault BEFORE INSERT ON crm_events "
                  "WHEN NEW.record_json LIKE '%\"name\":\"Faulty%' "
                  "BEGIN SELECT RAISE(ABORT, 'planted fault'); END",
                  "CREATE FUNCTION planted_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                  "IF NEW.record_json LIKE '%\"name\":\"Faulty%' THEN RAISE EXCEPTION 'planted fault'; END IF; "
                  "RETURN NEW; END $$; "
                  "CREATE TRIGGER planted_fault BEFORE INSERT ON crm_events "
                  "FOR EACH ROW EXECUTE FUNCTION planted_fault()",
                  "plant the fault"))
        return;

    db = open_db(path, 0);
    if (!db)
        return;
    CHECK_RC(db, crm_hook_register(db, "*", count_heard, NULL, &hook), CRM_OK);
    failure_heard = 0;
    n0 = count_accounts(db);
    ev0 = count_events(db);

    /* outside a transaction the call is undone alone */
    rc = crm_exec(db, "account.create",
                  "{\"name\":\"Faulty Alone\",\"addresses\":[{\"kind\":\"billing\",\"line1\":\"1 Main Road\"}]}", NULL);
    CHECK(rc != CRM_OK);
    CHECKF(strstr(crm_errmsg(db), "planted fault") != NULL, "%s", crm_errmsg(db));
    CHECK(count_accounts(db) == n0);

    /* inside one, the whole transaction goes */
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Lost With The Transaction\"}");
    rc = crm_exec(db, "account.create",
                  "{\"name\":\"Faulty\",\"addresses\":[{\"kind\":\"billing\",\"line1\":\"1 Main Road\"}]}", NULL);
    CHECK(rc != CRM_OK && rc != CRM_INVALID);
    CHECKF(strstr(crm_errmsg(db), "planted fault") && strstr(crm_errmsg(db), "host transaction was rolled back"), "%s",
           crm_errmsg(db));
    /* every later call is refused rather than committed on its own */
    CHECK_RC(db, crm_exec(db, "account.create", "{\"name\":\"Would Commit Alone\"}", NULL), CRM_MISUSE);
    CHECKF(strstr(crm_errmsg(db), "crm_rollback") != NULL, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_exec(db, "account.get", S("{\"id\":%lld}", ids[0]), NULL), CRM_MISUSE);
    r = (char *)&r;
    CHECK_RC(db, crm_events_fetch(db, "fault-reader", 0, 10, &r), CRM_MISUSE);
    CHECK(r == NULL);
    CHECK_RC(db, crm_events_ack(db, "fault-reader", 1), CRM_MISUSE);
    CHECK_RC(db, crm_begin(db), CRM_MISUSE);
    CHECK_RC(db, crm_commit(db), CRM_MISUSE);
    CHECKF(strstr(crm_errmsg(db), "nothing was committed") != NULL, "%s", crm_errmsg(db));
    /* commit ended it: the handle works again, and nothing of it was kept or heard */
    CHECK(count_accounts(db) == n0);
    CHECK(count_events(db) == ev0);
    CHECK(failure_heard == 0);

    /* ended by crm_rollback instead */
    CHECK_RC(db, crm_begin(db), CRM_OK);
    rc = crm_exec(db, "account.create",
                  "{\"name\":\"Faulty Again\",\"addresses\":[{\"kind\":\"billing\",\"line1\":\"2 Main Road\"}]}", NULL);
    CHECK(rc != CRM_OK);
    CHECK_RC(db, crm_rollback(db), CRM_OK);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    kept = create(db, "account.create", "{\"name\":\"Kept After The Fault\"}");
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK(count_accounts(db) == n0 + 1);
    CHECK(count_events(db) == ev0 + 1);
    CHECK(failure_heard == 1);
    r = EXEC(db, "account.get", S("{\"id\":%lld}", kept), CRM_OK);
    CHECK(r && jstreq(r, "name", "Kept After The Fault"));
    crm_free(r);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_corrupt(void)
{
    const char *path;
    unsigned char junk[8192], *bytes;
    unsigned long x = 2463534242UL;
    crm_db *db = (crm_db *)&db;
    size_t i;
    long n = -1;
    if (tk_pg) {
        /* the server's twin of a foreign file: a schema holding another program's tables */
        char *before, *after;
        path = fresh("foreign-schema");
        if (!alter_db(path, "", "CREATE TABLE invoices (id integer PRIMARY KEY, total numeric); "
                                "INSERT INTO invoices VALUES (1, 1200.00)", "make a foreign schema"))
            return;
        before = db_fingerprint(path);
        CHECK_RC(NULL, crm_open(path, 0, &db), CRM_CORRUPT);
        CHECK(db == NULL);
        CHECKF(strcmp(crm_errmsg(NULL), "not an error") != 0, "%s", crm_errmsg(NULL));
        db = (crm_db *)&db;
        CHECK_RC(NULL, crm_open(path, CRM_OPEN_READONLY, &db), CRM_CORRUPT);
        CHECK(db == NULL);
        after = db_fingerprint(path);
        CHECKF(before && after && strcmp(before, after) == 0, "a foreign schema was changed: %.300s", after);
        free(before);
        free(after);
        skip_on_postgres("damaged files are SQLite's");
        return;
    }
    path = fresh("random.bin");
    for (i = 0; i < sizeof junk; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (unsigned char)(x & 0xFF);
    }
    write_file(path, junk, sizeof junk);
    CHECK_RC(NULL, crm_open(path, 0, &db), CRM_CORRUPT);
    CHECK(db == NULL);
    CHECKF(strcmp(crm_errmsg(NULL), "not an error") != 0, "%s", crm_errmsg(NULL));
    CHECK(same_bytes(path, junk, sizeof junk));
    db = (crm_db *)&db;
    CHECK_RC(NULL, crm_open(path, CRM_OPEN_READONLY, &db), CRM_CORRUPT);
    CHECK(db == NULL);
    CHECK(same_bytes(path, junk, sizeof junk));

    /* a text file (the host's CSV export, say) */
    path = fresh("export.csv");
    {
        const char *csv = "code,name,balance\nC001,Acme,1200.00\nC002,Bester,88.50\n";
        write_file(path, csv, strlen(csv));
        CHECK_RC(NULL, crm_open(path, 0, &db), CRM_CORRUPT);
        CHECK(same_bytes(path, (const unsigned char *)csv, (long)strlen(csv)));
    }

    /* a libcrm file with its header overwritten */
    path = fresh("damaged.sqlite");
    db = open_db(path, 0);
    if (db) {
        long long ids[3];
        seed(db, ids);
        CHECK_RC(db, crm_close(db), CRM_OK);
        bytes = file_bytes(path, &n);
        if (bytes && n > 100) {
            memset(bytes, 'X', 16);
            write_file(path, bytes, (size_t)n);
            db = (crm_db *)&db;
            CHECK_RC(NULL, crm_open(path, 0, &db), CRM_CORRUPT);
            CHECK(db == NULL);
            CHECK(same_bytes(path, bytes, n));
        }
        free(bytes);
    }
}

/* ------------------------------------------------------------------------- */
#define NTHREADS 4
#define NPER 150

typedef struct {
    crm_db *db;
    int t;
    int errors, msg_errors, hook_wrong_thread;
    long long ids[NPER];
    char first_error[512];
} worker_t;

static pthread_key_t g_worker_key;
static pthread_mutex_t g_hook_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_hook_events;

static void worker_hook(const char *type, const char *json, void *ud)
{
    worker_t *w = pthread_getspecific(g_worker_key);
    char *ref = jstr(json, "record.external_refs[0].external_ref");
    char want[16];
    (void)type;
    (void)ud;
    pthread_mutex_lock(&g_hook_lock);
    g_hook_events++;
    pthread_mutex_unlock(&g_hook_lock);
    if (w) {
        snprintf(want, sizeof want, "T%d-", w->t);
        if (!ref || strncmp(ref, want, strlen(want)) != 0)
            w->hook_wrong_thread++;
    }
    free(ref);
}

static void worker_fail(worker_t *w, const char *what, int rc)
{
    if (!w->errors++)
        snprintf(w->first_error, sizeof w->first_error, "%s: %d %s: %s", what, rc, tk_rcname(rc), crm_errmsg(w->db));
}

static void *worker(void *p)
{
    worker_t *w = p;
    int i, rc;
    char args[1024], field[32], *res;
    pthread_setspecific(g_worker_key, w);
    snprintf(field, sizeof field, "bogus_field_t%d", w->t);
    for (i = 0; i < NPER; i++) {
        int64_t out = -1;
        res = NULL;
        snprintf(args, sizeof args,
                 "{\"name\":\"Thread %d Customer %d\",\"currency\":\"ZAR\",\"payment_terms_days\":%d,"
                 "\"credit_limit_minor\":%d,\"tags\":[\"t%d\"],\"source\":\"ledger\",\"external_ref\":\"T%d-%d\"}",
                 w->t, i, i % 2 ? 30 : 60, 100000 * (i + 1), w->t, w->t, i);
        rc = crm_exec(w->db, "account.create", args, &res);
        if (rc != CRM_OK || !res) {
            worker_fail(w, "account.create", rc);
            w->ids[i] = -1;
            continue;
        }
        w->ids[i] = jintd(res, "id", -1);
        crm_free(res);
        res = NULL;
        snprintf(args, sizeof args, "{\"id\":%lld}", w->ids[i]);
        rc = crm_exec(w->db, "account.get", args, &res);
        if (rc != CRM_OK || !res) {
            worker_fail(w, "account.get", rc);
        } else {
            char ref[32];
            snprintf(ref, sizeof ref, "T%d-%d", w->t, i);
            if (!jstreq(res, "external_refs[0].external_ref", ref))
                worker_fail(w, "account.get returned another record", 0);
        }
        crm_free(res);
        snprintf(args, sizeof args, "T%d-%d", w->t, i);
        rc = crm_find_by_ref(w->db, "account", "ledger", args, &out);
        if (rc != CRM_OK || out != w->ids[i])
            worker_fail(w, "crm_find_by_ref", rc);
        if (i % 10 == 0) {
            /* a failure of this thread's own: the message must be this thread's */
            snprintf(args, sizeof args, "{\"name\":\"x\",\"%s\":1}", field);
            rc = crm_exec(w->db, "account.create", args, NULL);
            if (rc != CRM_INVALID)
                worker_fail(w, "bad field accepted", rc);
            else if (!strstr(crm_errmsg(w->db), field))
                w->msg_errors++;
            res = NULL;
            rc = crm_events_fetch(w->db, "thread-reader", 0, 50, &res);
            if (rc != CRM_OK)
                worker_fail(w, "crm_events_fetch", rc);
            crm_free(res);
        }
    }
    pthread_setspecific(g_worker_key, NULL);
    return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

void test_threads(void)
{
    const char *path = fresh("threads.sqlite");
    crm_db *db = open_db(path, 0);
    static worker_t w[NTHREADS];
    static long long all[NTHREADS * NPER];
    pthread_t th[NTHREADS];
    int i, j, n = 0, hid, dups = 0;
    if (!db)
        return;
    pthread_key_create(&g_worker_key, NULL);
    g_hook_events = 0;
    CHECK_RC(db, crm_hook_register(db, "account.created", worker_hook, NULL, &hid), CRM_OK);
    for (i = 0; i < NTHREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].db = db;
        w[i].t = i;
        pthread_create(&th[i], NULL, worker, &w[i]);
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < NTHREADS; i++) {
        CHECKF(w[i].errors == 0, "thread %d: %d errors, first: %s", i, w[i].errors, w[i].first_error);
        CHECKF(w[i].msg_errors == 0, "thread %d: %d messages of another thread", i, w[i].msg_errors);
        CHECKF(w[i].hook_wrong_thread == 0, "thread %d: %d hooks ran for another thread's change", i,
               w[i].hook_wrong_thread);
        for (j = 0; j < NPER; j++)
            all[n++] = w[i].ids[j];
    }
    qsort(all, (size_t)n, sizeof all[0], cmp_ll);
    for (i = 1; i < n; i++)
        if (all[i] == all[i - 1] || all[i] < 0)
            dups++;
    CHECKF(dups == 0, "%d duplicate or missing ids", dups);
    CHECKF(g_hook_events == NTHREADS * NPER, "hooks heard %d of %d events", g_hook_events, NTHREADS * NPER);
    CHECK(count_accounts(db) == NTHREADS * NPER);
    CHECK(count_events(db) == NTHREADS * NPER);
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);
    pthread_key_delete(g_worker_key);
}

/* ------------------------------------------------------------------------- */
typedef struct {
    const char *path;
    int t, n, errors, busy;
    char first_error[512];
} hwriter_t;

static void *handle_writer(void *p)
{
    hwriter_t *h = p;
    crm_db *db = NULL;
    int i, rc = crm_open(h->path, 0, &db);
    if (rc != CRM_OK) {
        h->errors++;
        snprintf(h->first_error, sizeof h->first_error, "crm_open: %d %s", rc, crm_errmsg(NULL));
        return NULL;
    }
    for (i = 0; i < h->n; i++) {
        char args[256];
        snprintf(args, sizeof args, "{\"name\":\"Handle %d Customer %d\",\"source\":\"h%d\",\"external_ref\":\"%d\"}", h->t,
                 i, h->t, i);
        rc = crm_exec(db, "account.create", args, NULL);
        if (rc == CRM_BUSY)
            h->busy++;
        if (rc != CRM_OK && !h->errors++)
            snprintf(h->first_error, sizeof h->first_error, "account.create: %d %s: %s", rc, tk_rcname(rc), crm_errmsg(db));
        if (i % 5 == 0) {
            rc = crm_events_ack(db, "shared-consumer", 1);
            if (rc != CRM_OK && !h->errors++)
                snprintf(h->first_error, sizeof h->first_error, "crm_events_ack: %d %s: %s", rc, tk_rcname(rc),
                         crm_errmsg(db));
        }
    }
    crm_close(db);
    return NULL;
}

void test_two_handles(void)
{
    const char *path = fresh("handles.sqlite");
    crm_db *h1 = open_db(path, 0), *h2 = open_db(path, 0);
    long long a, b;
    char *r = NULL;
    double t0, dt;
    int rc;
    if (!h1 || !h2) {
        crm_close(h1);
        crm_close(h2);
        return;
    }
    a = create(h1, "account.create", account_json("First Handle Foods", "ledger", "FH1"));
    r = EXEC(h2, "account.get", S("{\"id\":%lld}", a), CRM_OK);
    CHECK(r && jstreq(r, "name", "First Handle Foods"));
    crm_free(r);
    b = create(h2, "account.create", account_json("Second Handle Steel", "ledger", "SH1"));
    CHECK(b > a);
    CHECK(count_accounts(h1) == 2);
    {
        /* replay across handles */
        r = EXEC(h2, "account.create", account_json("First Handle Foods", "ledger", "FH1"), CRM_OK);
        CHECK(r && jintd(r, "id", -1) == a && jbool(r, "replayed") == 1);
        crm_free(r);
    }
    /* seqs are contiguous across handles; positions are shared through the file */
    r = NULL;
    CHECK_RC(h2, crm_events_fetch(h2, "both", 0, 1000, &r), CRM_OK);
    if (r) {
        long long s0 = jintd(r, "events[0].seq", -1);
        CHECK(jlen(r, "events") == 2 && jintd(r, "events[1].seq", -1) == s0 + 1);
        CHECK_RC(h1, crm_events_ack(h1, "both", s0), CRM_OK);
        crm_free(r);
        r = NULL;
        CHECK_RC(h2, crm_events_fetch(h2, "both", 0, 1000, &r), CRM_OK);
        CHECK(r && jlen(r, "events") == 1 && jintd(r, "events[0].seq", -1) == s0 + 1);
        crm_free(r);
    }

    /* one writer at a time: the other waits out the busy timeout, then CRM_BUSY */
    CHECK_RC(h1, crm_begin(h1), CRM_OK);
    create(h1, "account.create", "{\"name\":\"Held By H1\"}");
    r = EXEC(h2, "account.get", S("{\"id\":%lld}", a), CRM_OK); /* readers are not blocked */
    crm_free(r);
    {
        char *before = db_fingerprint(path), *after;
        t0 = now_s();
        rc = crm_exec(h2, "account.create", "{\"name\":\"Blocked By H1\"}", NULL);
        dt = now_s() - t0;
        CHECK_RC(h2, rc, CRM_BUSY);
        CHECKF(dt >= 3.0 && dt < 30.0, "waited %.1f s (busy timeout 5 s)", dt);
        t0 = now_s();
        CHECK_RC(h2, crm_begin(h2), CRM_BUSY);
        dt = now_s() - t0;
        CHECKF(dt >= 3.0 && dt < 30.0, "crm_begin waited %.1f s (busy timeout 5 s)", dt);
        CHECK_RC(h2, crm_commit(h2), CRM_MISUSE); /* the failed begin opened nothing */
        after = db_fingerprint(path);
        CHECK(before && after && strcmp(before, after) == 0);
        free(before);
        free(after);
    }
    CHECK_RC(h1, crm_commit(h1), CRM_OK);
    create(h2, "account.create", "{\"name\":\"After H1 Committed\"}");
    CHECK(count_accounts(h1) == 4);
    CHECK(count_accounts(h2) == 4);

    /* two handles writing concurrently from two threads: the busy timeout absorbs contention */
    {
        hwriter_t w1 = {NULL, 1, 60, 0, 0, ""}, w2 = {NULL, 2, 60, 0, 0, ""};
        pthread_t t1, t2;
        w1.path = w2.path = path;
        pthread_create(&t1, NULL, handle_writer, &w1);
        pthread_create(&t2, NULL, handle_writer, &w2);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        CHECKF(w1.errors == 0, "writer 1: %d errors (%d busy), first: %s", w1.errors, w1.busy, w1.first_error);
        CHECKF(w2.errors == 0, "writer 2: %d errors (%d busy), first: %s", w2.errors, w2.busy, w2.first_error);
        CHECK(count_accounts(h1) == 4 + 120);
    }
    CHECK_RC(h1, crm_close(h1), CRM_OK);
    CHECK_RC(h2, crm_close(h2), CRM_OK);
}

/* ------------------------------------------------------------------------- */
/* Several processes on one file: the child is this program re-executed as
** `test_abi --writer PATH TAG N`; it exits 0 when every call succeeded. */
int writer_main(const char *path, const char *tag, int n)
{
    crm_db *db = NULL;
    int i, rc = crm_open(path, 0, &db), bad = 0;
    if (rc != CRM_OK) {
        fprintf(stderr, "writer %s: crm_open: %d %s\n", tag, rc, crm_errmsg(NULL));
        return 1;
    }
    for (i = 0; i < n; i++) {
        char args[256], *res = NULL;
        snprintf(args, sizeof args, "{\"name\":\"Process %s Customer %d\",\"source\":\"%s\",\"external_ref\":\"%d\"}",
                 tag, i, tag, i);
        rc = crm_exec(db, "account.create", args, &res);
        crm_free(res);
        if (rc != CRM_OK && !bad++)
            fprintf(stderr, "writer %s: account.create %d: %d %s\n", tag, i, rc, crm_errmsg(db));
        if (i % 10 == 0) {
            rc = crm_events_ack(db, "shared-by-processes", 1);
            if (rc != CRM_OK && !bad++)
                fprintf(stderr, "writer %s: crm_events_ack: %d %s\n", tag, rc, crm_errmsg(db));
        }
    }
    rc = crm_close(db);
    return bad || rc != CRM_OK ? 1 : 0;
}

void test_processes(void)
{
    const char *path = fresh("processes.sqlite");
    crm_db *db = open_db(path, 0);
    pid_t kids[2];
    int i, n = 40, status;
    char nbuf[16];
    if (!db)
        return;
    create(db, "account.create", "{\"name\":\"Parent First\"}");
    snprintf(nbuf, sizeof nbuf, "%d", n);
    for (i = 0; i < 2; i++) {
        char tag[8];
        snprintf(tag, sizeof tag, "p%d", i);
        fflush(stdout);
        kids[i] = fork();
        if (kids[i] == 0) {
            execl(tk_argv0, tk_argv0, "--writer", path, tag, nbuf, (char *)NULL);
            _exit(127);
        }
        CHECK(kids[i] > 0);
    }
    for (i = 0; i < n; i++)
        CHECK_RC(db, crm_exec(db, "account.create", S("{\"name\":\"Parent Customer %d\"}", i), NULL), CRM_OK);
    for (i = 0; i < 2; i++) {
        if (kids[i] <= 0)
            continue;
        CHECK(waitpid(kids[i], &status, 0) == kids[i]);
        CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer process %d: status %d", i, status);
    }
    CHECK(count_accounts(db) == 1 + 3 * n);
    CHECK(count_events(db) == 1 + 3 * n);
    {
        char *e = NULL;
        CHECK_RC(db, crm_events_fetch(db, "proc-check", 0, 1000, &e), CRM_OK);
        if (e) {
            int k, len = jlen(e, "events"), gaps = 0;
            long long s0 = jintd(e, "events[0].seq", -1);
            for (k = 1; k < len; k++)
                if (jintd(e, S("events[%d].seq", k), -1) != s0 + k)
                    gaps++;
            CHECKF(gaps == 0, "seq has %d gaps across processes", gaps);
            crm_free(e);
        }
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
}
