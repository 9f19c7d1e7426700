/* test_storage.c -- opening only existing files, file modes, busy timeouts and backups. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The permission bits of `path`, or -1 when it cannot be read. */
static int mode_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return (int)(st.st_mode & 07777);
}

static int contains(const char *text, const char *part) { return text && part && strstr(text, part) != NULL; }

void test_open_existing(void)
{
    const char *p;
    crm_db *db = (crm_db *)&db;
    const char *m;

    if (tk_pg) {
        /* a database on the server always exists: CRM_OPEN_EXISTING opens it, an
        ** empty schema (the zero-byte file's twin) is migrated as a new one */
        p = fresh("existing.sqlite");
        db = open_db(p, CRM_OPEN_EXISTING);
        if (db) {
            CHECK(count_accounts(db) == 0);
            create(db, "account.create", "{\"name\":\"Written Through EXISTING\"}");
            CHECK_RC(db, crm_close(db), CRM_OK);
        }
        db = open_db(p, CRM_OPEN_EXISTING | CRM_OPEN_READONLY);
        if (db) {
            CHECK(count_accounts(db) == 1);
            CHECK_RC(db, crm_close(db), CRM_OK);
        }
        CHECK_RC(NULL, crm_open(p, 0x8, &db), CRM_INVALID);
        CHECKF(contains(crm_errmsg(NULL), "flags"), "%s", crm_errmsg(NULL));
        skip_on_postgres("missing, garbage and zero-byte files are SQLite's");
        return;
    }
    p = fresh("existing.sqlite");

    /* CRM_OPEN_EXISTING on a missing file: CRM_NOTFOUND naming it, nothing created */
    CHECK_RC(NULL, crm_open(p, CRM_OPEN_EXISTING, &db), CRM_NOTFOUND);
    CHECK(db == NULL);
    m = crm_errmsg(NULL);
    CHECKF(contains(m, S("'%s'", p)), "the message names the file: %s", m);
    CHECKF(!file_exists(p), "CRM_OPEN_EXISTING created %s", p);
    CHECK(!file_exists(S("%s-wal", p)) && !file_exists(S("%s-journal", p)));
    /* so does a read-only open, whatever else is asked */
    CHECK_RC(NULL, crm_open(p, CRM_OPEN_READONLY, &db), CRM_NOTFOUND);
    CHECKF(contains(crm_errmsg(NULL), S("'%s'", p)), "%s", crm_errmsg(NULL));
    CHECK_RC(NULL, crm_open(p, CRM_OPEN_EXISTING | CRM_OPEN_GROUP_ACCESS, &db), CRM_NOTFOUND);
    CHECK(!file_exists(p));

    /* every failure names the file */
    CHECK_RC(NULL, crm_open(p, 0x8, &db), CRM_INVALID);
    CHECKF(contains(crm_errmsg(NULL), S("'%s'", p)) && contains(crm_errmsg(NULL), "flags"), "%s", crm_errmsg(NULL));
    CHECK_RC(NULL, crm_open("/nonexistent-dir-for-crm-tests/x.sqlite", 0, &db), CRM_IO);
    CHECKF(contains(crm_errmsg(NULL), "'/nonexistent-dir-for-crm-tests/x.sqlite'"), "%s", crm_errmsg(NULL));
    CHECK_RC(NULL, crm_open(tk_dir, 0, &db), CRM_IO);
    CHECKF(contains(crm_errmsg(NULL), S("'%s'", tk_dir)), "%s", crm_errmsg(NULL));
    CHECK_RC(NULL, crm_open(p, 0, NULL), CRM_INVALID);
    CHECKF(contains(crm_errmsg(NULL), S("'%s'", p)), "%s", crm_errmsg(NULL));
    CHECK(!file_exists(p));
    {
        const char *garbage = fresh("garbage.sqlite");
        write_file(garbage, "this is not a database at all, not even close to one..................."
                            "...................................................................",
                   140);
        CHECK_RC(NULL, crm_open(garbage, CRM_OPEN_EXISTING, &db), CRM_CORRUPT);
        CHECKF(contains(crm_errmsg(NULL), S("'%s'", garbage)), "%s", crm_errmsg(NULL));
    }

    /* an existing file opens with the flag, read-write */
    db = open_db(p, 0);
    if (db) {
        create(db, "account.create", "{\"name\":\"Existing Traders\"}");
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    db = open_db(p, CRM_OPEN_EXISTING);
    if (db) {
        CHECK(count_accounts(db) == 1);
        create(db, "account.create", "{\"name\":\"Written Through EXISTING\"}");
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    /* a zero-byte file exists: it is an empty database, migrated on open */
    p = fresh("existing-empty.sqlite");
    write_file(p, "", 0);
    db = open_db(p, CRM_OPEN_EXISTING);
    if (db) {
        CHECK(count_accounts(db) == 0);
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    /* :memory: has no file to find */
    db = open_db(":memory:", CRM_OPEN_EXISTING);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_file_modes(void)
{
    mode_t old;
    const char *p, *g;
    crm_db *db;
    if (skip_on_postgres("file modes are SQLite's (the server keeps its own files)"))
        return;
    old = umask(022);
    p = fresh("modes.sqlite");
    g = fresh("modes-group.sqlite");

    /* owner-only by default, the -wal and -shm too */
    db = open_db(p, 0);
    if (db) {
        CHECKF(mode_of(p) == 0600, "new file mode %o", mode_of(p));
        create(db, "account.create", "{\"name\":\"Private Data Ltd\"}");
        CHECKF(mode_of(S("%s-wal", p)) == 0600, "-wal mode %o", mode_of(S("%s-wal", p)));
        CHECKF(mode_of(S("%s-shm", p)) == 0600, "-shm mode %o", mode_of(S("%s-shm", p)));
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    /* 0660 with CRM_OPEN_GROUP_ACCESS, though the umask takes group write away */
    db = open_db(g, CRM_OPEN_GROUP_ACCESS);
    if (db) {
        CHECKF(mode_of(g) == 0660, "group file mode %o", mode_of(g));
        create(db, "account.create", "{\"name\":\"Shared Data Ltd\"}");
        CHECKF(mode_of(S("%s-wal", g)) == 0660, "-wal mode %o", mode_of(S("%s-wal", g)));
        CHECKF(mode_of(S("%s-shm", g)) == 0660, "-shm mode %o", mode_of(S("%s-shm", g)));
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    /* an existing file keeps its mode, whichever flags */
    CHECK(chmod(p, 0640) == 0);
    db = open_db(p, CRM_OPEN_GROUP_ACCESS);
    if (db) {
        CHECKF(mode_of(p) == 0640, "existing file mode changed to %o", mode_of(p));
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    CHECK(chmod(g, 0600) == 0);
    db = open_db(g, 0);
    if (db) {
        CHECKF(mode_of(g) == 0600, "existing file mode changed to %o", mode_of(g));
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    /* a wide umask does not widen the file */
    umask(0);
    p = fresh("modes-umask0.sqlite");
    db = open_db(p, 0);
    if (db) {
        CHECKF(mode_of(p) == 0600, "umask 0: new file mode %o", mode_of(p));
        CHECK_RC(db, crm_close(db), CRM_OK);
    }
    umask(old);
}

void test_busy(void)
{
    const char *p = fresh("busy.sqlite");
    crm_db *h1 = open_db(p, 0), *h2 = open_db(p, 0);
    double t0, dt;
    const char *m;
    if (!h1 || !h2) {
        crm_close(h1);
        crm_close(h2);
        return;
    }
    CHECK_RC(h2, crm_busy_timeout(h2, -1), CRM_RANGE);
    CHECKF(contains(crm_errmsg(h2), "crm_busy_timeout"), "%s", crm_errmsg(h2));
    CHECK_RC(NULL, crm_busy_timeout(NULL, 0), CRM_MISUSE);
    CHECK_RC(h2, crm_busy_timeout(h2, 0), CRM_OK);

    CHECK_RC(h1, crm_begin(h1), CRM_OK);
    create(h1, "account.create", "{\"name\":\"Held By H1\"}");

    /* timeout 0: CRM_BUSY at once, naming the call and the remedy */
    t0 = now_s();
    CHECK_RC(h2, crm_exec(h2, "account.create", account_json("Blocked Builders", "ledger", "BB1"), NULL), CRM_BUSY);
    dt = now_s() - t0;
    CHECKF(dt < 1.0, "timeout 0 waited %.2f s", dt);
    m = crm_errmsg(h2);
    CHECKF(contains(m, "account.create") && contains(m, "locked by another connection") && contains(m, "retrying")
               && contains(m, "external_ref"),
           "CRM_BUSY message: %s", m);
    CHECK_RC(h2, crm_begin(h2), CRM_BUSY);
    m = crm_errmsg(h2);
    CHECKF(contains(m, "crm_begin") && contains(m, "locked by another connection") && contains(m, "retrying"), "%s", m);
    CHECK_RC(h2, crm_events_ack(h2, "busy-consumer", 0), CRM_BUSY);
    CHECKF(contains(crm_errmsg(h2), "crm_events_ack") && contains(crm_errmsg(h2), "retrying"), "%s", crm_errmsg(h2));
    /* readers are not blocked */
    CHECK(count_accounts(h2) == 0);

    /* 200 ms: waits about that long */
    CHECK_RC(h2, crm_busy_timeout(h2, 200), CRM_OK);
    t0 = now_s();
    CHECK_RC(h2, crm_exec(h2, "account.create", account_json("Blocked Builders", "ledger", "BB1"), NULL), CRM_BUSY);
    dt = now_s() - t0;
    CHECKF(dt >= 0.15 && dt < 3.0, "busy timeout 200 ms waited %.2f s", dt);
    CHECKF(contains(crm_errmsg(h2), "200 ms"), "%s", crm_errmsg(h2));

    /* after the holder commits, the retry succeeds */
    CHECK_RC(h1, crm_commit(h1), CRM_OK);
    create(h2, "account.create", account_json("Blocked Builders", "ledger", "BB1"));
    {
        char *r = EXEC(h2, "account.create", account_json("Blocked Builders", "ledger", "BB1"), CRM_OK);
        CHECK(r && jbool(r, "replayed") == 1);
        crm_free(r);
    }
    CHECK(count_accounts(h1) == 2);
    CHECK_RC(h1, crm_close(h1), CRM_OK);
    CHECK_RC(h2, crm_close(h2), CRM_OK);
}

typedef struct {
    const char *path;
    volatile int stop;
    int written, errors;
    char first_error[512];
} bwriter_t;

static void *backup_writer(void *arg)
{
    bwriter_t *w = arg;
    crm_db *db = NULL;
    int rc = crm_open(w->path, CRM_OPEN_EXISTING, &db);
    if (rc != CRM_OK) {
        w->errors++;
        snprintf(w->first_error, sizeof w->first_error, "crm_open: %s", crm_errmsg(NULL));
        return NULL;
    }
    while (!w->stop && w->written < 400) {
        char args[200];
        snprintf(args, sizeof args, "{\"name\":\"Written During Backup %d\"}", w->written);
        rc = crm_exec(db, "account.create", args, NULL);
        if (rc == CRM_OK)
            w->written++;
        else if (!w->errors++)
            snprintf(w->first_error, sizeof w->first_error, "account.create: %s", crm_errmsg(db));
    }
    crm_close(db);
    return NULL;
}

/* Opens a backup and checks it is whole: one event per account, at least `min` accounts. */
static void check_backup(const char *path, long min)
{
    crm_db *b = open_db(path, CRM_OPEN_EXISTING);
    long accounts, events;
    if (!b)
        return;
    accounts = count_accounts(b);
    events = count_events(b);
    CHECKF(accounts >= min && accounts == events, "backup %s: %ld accounts, %ld events, at least %ld expected", path,
           accounts, events, min);
    CHECK_RC(b, crm_close(b), CRM_OK);
}

/* On PostgreSQL crm_backup is CRM_MISUSE pointing at the server's tools,
** and writes no file. */
static void backup_postgres(void)
{
    const char *p = fresh("backup-source.sqlite"), *b1 = M("%s/backup-1.sqlite", tk_dir);
    crm_db *db = open_db(p, 0), *ro;
    if (!db)
        return;
    create(db, "account.create", "{\"name\":\"Backed Up By The Server\"}");
    CHECK_RC(db, crm_backup(db, b1), CRM_MISUSE);
    CHECKF(contains(crm_errmsg(db), "crm_backup") && contains(crm_errmsg(db), "pg_dump"), "%s", crm_errmsg(db));
    CHECK(!file_exists(b1));
    CHECK_RC(NULL, crm_backup(NULL, b1), CRM_MISUSE);
    CHECK_RC(db, crm_begin(db), CRM_OK);
    CHECK_RC(db, crm_backup(db, b1), CRM_MISUSE);
    CHECK_RC(db, crm_commit(db), CRM_OK); /* the transaction went on */
    CHECK(!file_exists(b1));
    ro = open_db(p, CRM_OPEN_READONLY);
    if (ro) {
        CHECK_RC(ro, crm_backup(ro, b1), CRM_MISUSE);
        CHECK_RC(ro, crm_close(ro), CRM_OK);
    }
    /* the handle works on */
    CHECK(count_accounts(db) == 1);
    CHECK_RC(db, crm_close(db), CRM_OK);
    skip_on_postgres("backups to files are SQLite's");
}

void test_backup(void)
{
    const char *p, *b1, *b2, *bm;
    crm_db *db, *mem;
    long long ids[5];
    int i;
    if (tk_pg) {
        backup_postgres();
        return;
    }
    p = fresh("backup-source.sqlite");
    b1 = fresh("backup-1.sqlite");
    b2 = fresh("backup-2.sqlite");
    bm = fresh("backup-memory.sqlite");
    db = open_db(p, 0);
    if (!db)
        return;
    for (i = 0; i < 5; i++)
        ids[i] = create(db, "account.create", account_json(S("Backed Up Customer %d", i), "ledger", S("BU%d", i)));

    /* a backup while another handle writes: consistent, owner-only, openable */
    {
        bwriter_t w;
        pthread_t t;
        memset(&w, 0, sizeof w);
        w.path = p;
        CHECK(pthread_create(&t, NULL, backup_writer, &w) == 0);
        while (w.written < 3 && !w.errors) {
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
        CHECK_RC(db, crm_backup(db, b1), CRM_OK);
        w.stop = 1;
        pthread_join(t, NULL);
        CHECKF(w.errors == 0, "writer beside the backup: %d errors, first: %s", w.errors, w.first_error);
        CHECKF(mode_of(b1) == 0600, "backup mode %o", mode_of(b1));
        check_backup(b1, 5 + 3);
        {
            crm_db *b = open_db(b1, CRM_OPEN_READONLY);
            if (b) {
                char *r = EXEC(b, "account.get", S("{\"id\":%lld}", ids[4]), CRM_OK);
                CHECK(r && jstreq(r, "name", "Backed Up Customer 4"));
                crm_free(r);
                CHECK_RC(b, crm_close(b), CRM_OK);
            }
        }
    }

    /* never overwrites */
    {
        char *before = db_fingerprint(b1), *after;
        CHECK_RC(db, crm_backup(db, b1), CRM_CONFLICT);
        CHECKF(contains(crm_errmsg(db), S("'%s'", b1)), "%s", crm_errmsg(db));
        after = db_fingerprint(b1);
        CHECK(before && after && strcmp(before, after) == 0);
        free(before);
        free(after);
        write_file(S("%s-wal", b2), "x", 1);
        CHECK_RC(db, crm_backup(db, b2), CRM_CONFLICT);
        CHECK(!file_exists(b2));
        unlink(S("%s-wal", b2));
    }

    /* bad destinations */
    CHECK_RC(db, crm_backup(db, NULL), CRM_INVALID);
    CHECK_RC(db, crm_backup(db, ""), CRM_INVALID);
    CHECK_RC(db, crm_backup(db, ":memory:"), CRM_INVALID);
    CHECK_RC(db, crm_backup(db, "/nonexistent-dir-for-crm-tests/b.sqlite"), CRM_IO);
    CHECK_RC(NULL, crm_backup(NULL, b2), CRM_MISUSE);
    CHECK(!file_exists(b2));

    /* inside crm_begin: refused, nothing written; the transaction goes on */
    CHECK_RC(db, crm_begin(db), CRM_OK);
    create(db, "account.create", "{\"name\":\"Not Yet Committed\"}");
    CHECK_RC(db, crm_backup(db, b2), CRM_MISUSE);
    CHECKF(contains(crm_errmsg(db), "crm_begin"), "%s", crm_errmsg(db));
    CHECK(!file_exists(b2));
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK_RC(db, crm_backup(db, b2), CRM_OK);
    {
        crm_db *b = open_db(b2, CRM_OPEN_EXISTING);
        if (b) {
            CHECK(count_accounts(b) == count_accounts(db));
            CHECK_RC(b, crm_close(b), CRM_OK);
        }
    }

    /* a read-only handle can back up */
    {
        const char *b3 = fresh("backup-3.sqlite");
        crm_db *ro = open_db(p, CRM_OPEN_READONLY);
        if (ro) {
            CHECK_RC(ro, crm_backup(ro, b3), CRM_OK);
            CHECK_RC(ro, crm_close(ro), CRM_OK);
            check_backup(b3, 5);
        }
    }
    CHECK_RC(db, crm_close(db), CRM_OK);

    /* :memory: to a file */
    mem = open_db(":memory:", 0);
    if (mem) {
        create(mem, "account.create", "{\"name\":\"Only In Memory\"}");
        CHECK_RC(mem, crm_backup(mem, bm), CRM_OK);
        CHECK_RC(mem, crm_close(mem), CRM_OK);
        check_backup(bm, 1);
    }
}
