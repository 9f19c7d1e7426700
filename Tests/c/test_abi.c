/*
** test_abi.c -- the C test suite of libcrm's whole ABI (Include/crm.h).
**
**   test_abi            run every group
**   test_abi NAME...    run the named groups only
**   test_abi -l         list the groups
**
** The last line printed is exactly "N passed, N failed"; the exit status is
** non-zero if anything failed. Files live in a mkdtemp directory that is
** removed at the end (kept when CRM_TEST_KEEP is set).
*/
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <dirent.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------- */
static void test_version(void)
{
    char buf[64];
    const char *v = crm_version();
    CHECK(v != NULL);
    CHECKF(v && strcmp(v, CRM_VERSION) == 0, "crm_version() = %s, header %s", v ? v : "(null)",
           CRM_VERSION);
    CHECK(crm_version() == v); /* static */
    CHECKF(crm_abi_version() == CRM_ABI_VERSION, "crm_abi_version() = %d", crm_abi_version());
    snprintf(buf, sizeof buf, "%d.%d.%d", CRM_VERSION_MAJOR, CRM_VERSION_MINOR, CRM_VERSION_PATCH);
    CHECK(strcmp(buf, CRM_VERSION) == 0);
    CHECK(CRM_ABI_VERSION == CRM_VERSION_MAJOR);
}

/* Every result code of crm.h by its macro; the values must run 0..CRM_INTERNAL,
** one each, and the suite's tk_rcname must agree. (The suite cannot read the
** header; the Swift and Python suites check their tables against its text.) */
#define CODE(macro) {macro, #macro}
static const struct {
    int code;
    const char *name;
} result_codes[] = {
    CODE(CRM_OK), CODE(CRM_INVALID), CODE(CRM_NOTFOUND), CODE(CRM_CONFLICT),
    CODE(CRM_CONSTRAINT), CODE(CRM_BUSY), CODE(CRM_IO), CODE(CRM_CORRUPT),
    CODE(CRM_RANGE), CODE(CRM_MISUSE), CODE(CRM_VERSION_ERR), CODE(CRM_READONLY),
    CODE(CRM_CREDIT_HOLD), CODE(CRM_INTERNAL),
};
#undef CODE

static void test_errstr(void)
{
    static const int unknown[] = {-1, CRM_INTERNAL + 1, CRM_INTERNAL + 2, 100, 9999, INT_MAX, INT_MIN};
    const char *seen[CRM_INTERNAL + 1];
    int code, j;
    size_t i;
    CHECKF(sizeof result_codes / sizeof result_codes[0] == CRM_INTERNAL + 1,
           "%d codes listed, crm.h runs 0..%d", (int)(sizeof result_codes / sizeof result_codes[0]),
           CRM_INTERNAL);
    for (i = 0; i < sizeof result_codes / sizeof result_codes[0]; i++) {
        CHECKF(result_codes[i].code == (int)i, "%s = %d, expected %d (codes run 0..CRM_INTERNAL)",
               result_codes[i].name, result_codes[i].code, (int)i);
        CHECKF(strcmp(tk_rcname(result_codes[i].code), result_codes[i].name) == 0,
               "the suite names %d %s, crm.h %s", result_codes[i].code,
               tk_rcname(result_codes[i].code), result_codes[i].name);
    }
    for (code = CRM_OK; code <= CRM_INTERNAL; code++) {
        const char *s = crm_errstr(code);
        seen[code] = s;
        CHECKF(s != NULL && s[0] != '\0', "crm_errstr(%s)", tk_rcname(code));
        if (!s)
            continue;
        CHECKF(strcmp(s, "unknown error") != 0, "crm_errstr(%s) = unknown error", tk_rcname(code));
        CHECKF(crm_errstr(code) == s, "crm_errstr(%s) not static", tk_rcname(code));
        for (j = 0; j < code; j++)
            CHECKF(seen[j] == NULL || strcmp(seen[j], s) != 0, "crm_errstr(%s) == crm_errstr(%s) = %s",
                   tk_rcname(code), tk_rcname(j), s);
    }
    CHECKF(strcmp(crm_errstr(CRM_OK), "not an error") == 0, "%s", crm_errstr(CRM_OK));
    CHECKF(strstr(crm_errstr(CRM_NOTFOUND), "not found") != NULL, "%s", crm_errstr(CRM_NOTFOUND));
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *s = crm_errstr(unknown[i]);
        CHECKF(s && strcmp(s, "unknown error") == 0, "crm_errstr(%d) = %s", unknown[i], s ? s : "(null)");
    }
}

static void test_open(void)
{
    crm_db *db = (crm_db *)&db; /* a sentinel: crm_open must set NULL on failure */
    const char *p = fresh("open.sqlite");
    const char *m;
    char bad_utf8[300];

    CHECK_RC(NULL, crm_open(NULL, 0, &db), CRM_INVALID);
    CHECK(db == NULL);
    m = crm_errmsg(NULL);
    CHECKF(m && m[0] && strcmp(m, "not an error") != 0, "crm_errmsg(NULL) after failed open: %s",
           m ? m : "(null)");

    CHECK_RC(NULL, crm_open(p, 0, NULL), CRM_INVALID);
    CHECKF(!file_exists(p), "crm_open(path, 0, NULL) created %s", p);

    db = (crm_db *)&db;
    CHECK_RC(NULL, crm_open(p, 0x8, &db), CRM_INVALID);
    CHECK(db == NULL);
    CHECK_RC(NULL, crm_open(p, -1, &db), CRM_INVALID);
    CHECK_RC(NULL, crm_open(p, CRM_OPEN_READONLY | 0x100, &db), CRM_INVALID);
    CHECKF(!file_exists(p), "open with bad flags created %s", p);
    m = crm_errmsg(NULL);
    CHECKF(strstr(m, "flag") != NULL, "message names the flags: %s", m);

    if (!tk_pg) {
        db = (crm_db *)&db;
        CHECK_RC(NULL, crm_open("/nonexistent-dir-for-crm-tests/x.sqlite", 0, &db), CRM_IO);
        CHECK(db == NULL);
        CHECKF(strcmp(crm_errmsg(NULL), "not an error") != 0, "%s", crm_errmsg(NULL));

        CHECK_RC(NULL, crm_open(tk_dir, 0, &db), CRM_IO); /* a directory */
        CHECK(db == NULL);

        snprintf(bad_utf8, sizeof bad_utf8, "%s/bad-\xff\xfe.sqlite", tk_dir);
        CHECK_RC(NULL, crm_open(bad_utf8, 0, &db), CRM_INVALID);
        CHECK(!file_exists(bad_utf8));

        /* read-only open of a missing file: refused, nothing created */
        db = (crm_db *)&db;
        CHECK_RC(NULL, crm_open(p, CRM_OPEN_READONLY, &db), CRM_NOTFOUND);
        CHECK(db == NULL);
        CHECKF(!file_exists(p), "read-only open created %s", p);
    } else {
        /* the server's empty schema is the zero-byte file: read-only it needs migrating */
        char *before = db_fingerprint(p), *after;
        skip_on_postgres("missing files, directories and file names are SQLite's");
        db = (crm_db *)&db;
        CHECK_RC(NULL, crm_open(p, CRM_OPEN_READONLY, &db), CRM_READONLY);
        CHECK(db == NULL);
        after = db_fingerprint(p);
        CHECKF(before && after && strcmp(before, after) == 0 && before[0] == '\0',
               "a read-only open of an empty schema created something: %.300s", after ? after : "(null)");
        free(before);
        free(after);
        /* an unreachable server is CRM_IO naming the target, no password in the message */
        db = (crm_db *)&db;
        CHECK_RC(NULL, crm_open("postgresql://crm:secret-word@127.0.0.1:1/crm?connect_timeout=5", 0, &db), CRM_IO);
        CHECK(db == NULL);
        CHECKF(strstr(crm_errmsg(NULL), "127.0.0.1") != NULL && strstr(crm_errmsg(NULL), "secret-word") == NULL,
               "%s", crm_errmsg(NULL));
    }

    /* creating open */
    db = NULL;
    CHECK_RC(NULL, crm_open(p, 0, &db), CRM_OK);
    CHECK(db != NULL);
    CHECK(tk_pg || file_exists(p));
    CHECK(strcmp(crm_errmsg(db), "not an error") == 0);
    CHECK_RC(db, crm_close(db), CRM_OK);

    /* re-open existing */
    db = open_db(p, 0);
    CHECK_RC(db, crm_close(db), CRM_OK);

    /* read-only open of an existing, migrated file */
    db = open_db(p, CRM_OPEN_READONLY);
    CHECK_RC(db, crm_close(db), CRM_OK);

    /* a zero-byte file is an empty SQLite database: read-only it needs migrating */
    if (tk_pg)
        goto memory; /* the empty schema above */
    p = fresh("empty.sqlite");
    write_file(p, "", 0);
    db = (crm_db *)&db;
    CHECK_RC(NULL, crm_open(p, CRM_OPEN_READONLY, &db), CRM_READONLY);
    CHECK(db == NULL);
    {
        long n = -1;
        unsigned char *b = file_bytes(p, &n);
        CHECKF(n == 0, "read-only open wrote to a file needing migration (%ld bytes)", n);
        free(b);
    }
    db = open_db(p, 0); /* read-write: migrated like a new file */
    if (db) {
        CHECK(count_accounts(db) == 0);
        CHECK_RC(db, crm_close(db), CRM_OK);
    }

    /* :memory: (an SQLite database whichever engine the suite tests) */
memory:
    db = open_db(":memory:", 0);
    if (db) {
        CHECK(create(db, "account.create", "{\"name\":\"Memory Traders\"}") > 0);
        CHECK(count_accounts(db) == 1);
        CHECK_RC(db, crm_close(db), CRM_OK);
    }

    /* close(NULL) is a no-op */
    CHECK_RC(NULL, crm_close(NULL), CRM_OK);
}

/* The handle-free functions and the handle-taking ones given NULL. */
static void test_null_args(void)
{
    crm_db *db = open_db(fresh("null.sqlite"), 0);
    char *res = NULL;
    int64_t id = 12345;
    int hook = 777;
    if (!db)
        return;

    crm_free(NULL);

    /* NULL handle: CRM_MISUSE everywhere, and crm_errmsg(NULL) says why */
    CHECK_RC(NULL, crm_exec(NULL, "account.list", "{}", &res), CRM_MISUSE);
    CHECK(res == NULL);
    CHECKF(strcmp(crm_errmsg(NULL), "not an error") != 0, "crm_errmsg(NULL) after NULL handle: %s",
           crm_errmsg(NULL));
    CHECK_RC(NULL, crm_exec(NULL, NULL, NULL, NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_find_by_ref(NULL, "account", "ledger", "C1", &id), CRM_MISUSE);
    CHECK(id == 12345);
    CHECK_RC(NULL, crm_find_by_ref(NULL, NULL, NULL, NULL, NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_begin(NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_commit(NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_rollback(NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_hook_register(NULL, "*", hook_noop, NULL, &hook), CRM_MISUSE);
    CHECK(hook == 777);
    CHECK_RC(NULL, crm_hook_register(NULL, NULL, NULL, NULL, NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_hook_unregister(NULL, 1), CRM_MISUSE);
    CHECK_RC(NULL, crm_events_fetch(NULL, "c", 0, 10, &res), CRM_MISUSE);
    CHECK(res == NULL);
    CHECK_RC(NULL, crm_events_fetch(NULL, NULL, 0, 10, NULL), CRM_MISUSE);
    CHECK_RC(NULL, crm_events_ack(NULL, "c", 1), CRM_MISUSE);
    CHECK_RC(NULL, crm_events_ack(NULL, NULL, 1), CRM_MISUSE);
    CHECK(crm_errmsg(NULL) != NULL);

    /* NULL non-handle pointers: CRM_INVALID */
    CHECK_RC(db, crm_exec(db, NULL, "{}", &res), CRM_INVALID);
    CHECK(res == NULL);
    CHECK_RC(db, crm_exec(db, NULL, NULL, NULL), CRM_INVALID);
    CHECKF(strcmp(crm_errmsg(db), "not an error") != 0, "%s", crm_errmsg(db));
    /* json_args NULL means {} */
    res = EXEC(db, "account.list", NULL, CRM_OK);
    CHECK(res && jlen(res, "items") == 0);
    crm_free(res);
    res = NULL;
    CHECK_RC(db, crm_exec(db, "account.create", NULL, &res), CRM_INVALID); /* name required */
    CHECKF(strstr(crm_errmsg(db), "name") != NULL, "%s", crm_errmsg(db));
    CHECK(res == NULL);
    /* json_result NULL accepted */
    CHECK_RC(db, crm_exec(db, "account.create", "{\"name\":\"No Result Needed CC\"}", NULL), CRM_OK);
    CHECK(count_accounts(db) == 1);
    CHECK_RC(db, crm_exec(db, "account.list", NULL, NULL), CRM_OK);

    CHECK_RC(db, crm_find_by_ref(db, NULL, "ledger", "C1", &id), CRM_INVALID);
    CHECK_RC(db, crm_find_by_ref(db, "account", NULL, "C1", &id), CRM_INVALID);
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", NULL, &id), CRM_INVALID);
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", "C1", NULL), CRM_INVALID);
    CHECK(id == 12345);

    CHECK_RC(db, crm_hook_register(db, NULL, hook_noop, NULL, &hook), CRM_INVALID);
    CHECK_RC(db, crm_hook_register(db, "*", NULL, NULL, &hook), CRM_INVALID);
    CHECK_RC(db, crm_hook_register(db, "*", hook_noop, NULL, NULL), CRM_INVALID);
    CHECK(hook == 777);
    /* user_data NULL is fine */
    CHECK_RC(db, crm_hook_register(db, "*", hook_noop, NULL, &hook), CRM_OK);
    CHECK_RC(db, crm_hook_unregister(db, hook), CRM_OK);

    CHECK_RC(db, crm_events_fetch(db, NULL, 0, 10, &res), CRM_INVALID);
    CHECK_RC(db, crm_events_fetch(db, "c", 0, 10, NULL), CRM_INVALID);
    CHECK(res == NULL);
    CHECK_RC(db, crm_events_ack(db, NULL, 0), CRM_INVALID);

    /* the handle is still fine afterwards */
    CHECK(count_accounts(db) == 1);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* crm_errmsg: per handle, per thread, "not an error" after success. */
typedef struct {
    crm_db *db;
    char msg[512];
    char after[512];
    int rc;
} errmsg_arg;

static void *errmsg_thread(void *p)
{
    errmsg_arg *a = p;
    a->rc = crm_exec(a->db, "account.create", "{\"name\":\"T\",\"phoen\":\"1\"}", NULL);
    snprintf(a->msg, sizeof a->msg, "%s", crm_errmsg(a->db));
    /* a failure with a NULL handle on this thread */
    crm_exec(NULL, "account.list", NULL, NULL);
    snprintf(a->after, sizeof a->after, "%s", crm_errmsg(NULL));
    return NULL;
}

static void test_errmsg(void)
{
    crm_db *db = open_db(fresh("errmsg.sqlite"), 0);
    crm_db *db2 = open_db(tpath("errmsg.sqlite"), 0);
    errmsg_arg a;
    pthread_t t;
    char mine[512], mine_null[512];
    if (!db || !db2)
        return;
    CHECK(crm_errmsg(db) != NULL);
    CHECK_RC(db, crm_exec(db, "account.create", "{\"nmae\":\"Acme\"}", NULL), CRM_INVALID);
    snprintf(mine, sizeof mine, "%s", crm_errmsg(db));
    CHECKF(strstr(mine, "nmae") != NULL, "message names the unknown field: %s", mine);
    /* another handle's message is separate */
    CHECKF(strcmp(crm_errmsg(db2), "not an error") == 0, "other handle: %s", crm_errmsg(db2));
    /* a failed open does not touch the handle's message */
    {
        crm_db *x = NULL;
        crm_open(NULL, 0, &x);
        snprintf(mine_null, sizeof mine_null, "%s", crm_errmsg(NULL));
    }
    CHECKF(strcmp(crm_errmsg(db), mine) == 0, "handle message changed by crm_open: %s", crm_errmsg(db));

    /* another thread's failure on the same handle does not replace ours */
    memset(&a, 0, sizeof a);
    a.db = db;
    pthread_create(&t, NULL, errmsg_thread, &a);
    pthread_join(t, NULL);
    CHECK(a.rc == CRM_INVALID);
    CHECKF(strstr(a.msg, "phoen") != NULL, "thread message: %s", a.msg);
    CHECKF(strcmp(crm_errmsg(db), mine) == 0, "our message became: %s", crm_errmsg(db));
    CHECKF(strcmp(crm_errmsg(NULL), mine_null) == 0, "our NULL-handle message became: %s",
           crm_errmsg(NULL));

    /* success resets */
    CHECK_RC(db, crm_exec(db, "account.list", NULL, NULL), CRM_OK);
    CHECKF(strcmp(crm_errmsg(db), "not an error") == 0, "after success: %s", crm_errmsg(db));
    CHECK_RC(db, crm_close(db), CRM_OK);
    CHECK_RC(db2, crm_close(db2), CRM_OK);
}

/* Bad input of every kind: the right code, the field named, the file unchanged. */
typedef struct {
    const char *cmd;
    const char *args;
    int want, alt;
    const char *field; /* must appear in crm_errmsg, or NULL */
} bad_case;

static void run_bad(crm_db *db, const char *path, const bad_case *c, int line)
{
    char *before = db_fingerprint(path), *after;
    char *res = (char *)&res; /* sentinel: must stay untouched */
    int rc = crm_exec(db, c->cmd, c->args, &res);
    const char *m = crm_errmsg(db);
    char shown[160];
    snprintf(shown, sizeof shown, "%s", c->args ? c->args : "(null)");
    tk_check(rc == c->want || (c->alt >= 0 && rc == c->alt), __FILE__, line, "bad input code",
             "%s %s: got %d %s, want %s; msg: %s", c->cmd ? c->cmd : "(null)", shown, rc, tk_rcname(rc),
             tk_rcname(c->want), m);
    /* NULL on failure is test_outparams'; here: no result */
    tk_check(res == (char *)&res || res == NULL, __FILE__, line, "no result on failure", "%s %s",
             c->cmd ? c->cmd : "(null)", shown);
    if (rc == CRM_OK && res != (char *)&res)
        crm_free(res);
    tk_check(m && m[0] && strcmp(m, "not an error") != 0, __FILE__, line, "a message", "%s %s",
             c->cmd ? c->cmd : "(null)", shown);
    if (c->field)
        tk_check(strstr(m, c->field) != NULL, __FILE__, line, "message names the field",
                 "%s %s: want '%s' in: %s", c->cmd ? c->cmd : "(null)", shown, c->field, m);
    after = db_fingerprint(path);
    tk_check(before && after && strcmp(before, after) == 0, __FILE__, line, "file unchanged", "%s %s",
             c->cmd ? c->cmd : "(null)", shown);
    free(before);
    free(after);
}

static void test_bad_input(void)
{
    const char *path = fresh("bad.sqlite");
    crm_db *db = open_db(path, 0);
    long long acct, contact;
    char *long_name, *long_notes, *long_tag, *long_src, *big;
    size_t i;
    if (!db)
        return;
    acct = create(db, "account.create", account_json("Bester Bouwerke (Pty) Ltd", "ledger", "BB001"));
    contact = create(db, "contact.create",
                     M("{\"account_id\":%lld,\"first_name\":\"Thandi\",\"last_name\":\"Nkosi\"}", acct));
    long_name = repeat('N', 201);
    long_notes = repeat('n', 10001);
    long_tag = repeat('t', 51);
    long_src = repeat('s', 101);
    big = malloc(2048);
    {
        /* 11 addresses: over the limit of 10 */
        size_t off = (size_t)snprintf(big, 2048, "{\"name\":\"Many Addresses\",\"addresses\":[");
        for (i = 0; i < 11; i++)
            off += (size_t)snprintf(big + off, 2048 - off, "%s{\"line1\":\"%zu Long Street\"}",
                                    i ? "," : "", i + 1);
        snprintf(big + off, 2048 - off, "]}");
    }
    {
        const bad_case cases[] = {
            /* malformed JSON */
            {"account.create", "{", CRM_INVALID, -1, NULL},
            {"account.create", "", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\": }", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"A\",}", CRM_INVALID, -1, NULL},
            {"account.create", "{'name':'A'}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"A\"} trailing", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"A\"}{}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"bad \\x escape\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"raw\ncontrol\"}", CRM_INVALID, -1, NULL},
            {"account.create", "[]", CRM_INVALID, -1, NULL},
            {"account.create", "[{\"name\":\"A\"}]", CRM_INVALID, -1, NULL},
            {"account.create", "\"name\"", CRM_INVALID, -1, NULL},
            {"account.create", "42", CRM_INVALID, -1, NULL},
            {"account.create", "null", CRM_INVALID, -1, NULL},
            /* unknown command */
            {"account.frobnicate", "{}", CRM_INVALID, -1, "account.frobnicate"},
            {"nonsense", "{}", CRM_INVALID, -1, "nonsense"},
            {"", "{}", CRM_INVALID, -1, NULL},
            {"account.", "{}", CRM_INVALID, -1, NULL},
            {".create", "{}", CRM_INVALID, -1, NULL},
            {"account.create ", "{\"name\":\"A\"}", CRM_INVALID, -1, NULL},
            /* unknown field */
            {"account.create", "{\"nmae\":\"Acme\"}", CRM_INVALID, -1, "nmae"},
            {"account.create", "{\"name\":\"Acme\",\"colour\":\"red\"}", CRM_INVALID, -1, "colour"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":[{\"line1\":\"1 A St\",\"suburb\":\"x\"}]}",
             CRM_INVALID, -1, "suburb"},
            {"account.create", "{\"name\":\"Acme\",\"archived\":true}", CRM_INVALID, -1, "archived"},
            {"account.create", "{\"name\":\"Acme\",\"id\":5}", CRM_INVALID, -1, "id"},
            {"account.create", "{\"name\":\"Acme\",\"version\":3}", CRM_INVALID, -1, "version"},
            /* mistyped field */
            {"account.create", "{\"name\":42}", CRM_INVALID, -1, "name"},
            {"account.create", "{\"name\":null}", CRM_INVALID, -1, "name"},
            {"account.create", "{\"name\":\"Acme\",\"payment_terms_days\":\"30\"}", CRM_INVALID, -1,
             "payment_terms_days"},
            {"account.create", "{\"name\":\"Acme\",\"strategic\":\"yes\"}", CRM_INVALID, -1, "strategic"},
            {"account.create", "{\"name\":\"Acme\",\"strategic\":1}", CRM_INVALID, -1, "strategic"},
            {"account.create", "{\"name\":\"Acme\",\"tags\":\"vip\"}", CRM_INVALID, -1, "tags"},
            {"account.create", "{\"name\":\"Acme\",\"tags\":[1]}", CRM_INVALID, -1, "tags"},
            {"account.create", "{\"name\":\"Acme\",\"credit_limit_minor\":1.5}", CRM_INVALID, -1,
             "credit_limit_minor"},
            {"account.create", "{\"name\":\"Acme\",\"credit_limit_minor\":\"500000\"}", CRM_INVALID, -1,
             "credit_limit_minor"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":{\"line1\":\"x\"}}", CRM_INVALID, -1,
             "addresses"},
            /* value not allowed for the field */
            {"account.create", "{\"name\":\"Acme\",\"kind\":\"alien\"}", CRM_INVALID, -1, "kind"},
            {"account.create", "{\"name\":\"Acme\",\"status\":\"zombie\"}", CRM_INVALID, -1, "status"},
            {"account.create", "{\"name\":\"Acme\",\"currency\":\"zar\"}", CRM_INVALID, -1, "currency"},
            {"account.create", "{\"name\":\"Acme\",\"currency\":\"RANDS\"}", CRM_INVALID, CRM_RANGE, "currency"},
            {"account.create", "{\"name\":\"Acme\",\"currency\":\"Z1R\"}", CRM_INVALID, -1, "currency"},
            {"account.create", "{\"name\":\"Acme\",\"currency\":\"XYZ\"}", CRM_INVALID, -1, "currency 'XYZ'"},
            {"account.create", "{\"name\":\"Acme\",\"currency\":\"XXX\"}", CRM_INVALID, -1, "currency 'XXX'"},
            {"account.create", "{\"name\":\"Acme\",\"size_band\":\"huge\"}", CRM_INVALID, -1, "size_band"},
            {"account.create", "{\"name\":\"Acme\",\"email\":\"nobody\"}", CRM_INVALID, -1, "email"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":[{\"city\":\"Durban\"}]}", CRM_INVALID, -1,
             "line1"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":[{\"line1\":\"x\",\"kind\":\"moon\"}]}",
             CRM_INVALID, -1, "kind"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":[{\"line1\":\"x\",\"country\":\"ZAF\"}]}",
             CRM_INVALID, CRM_RANGE, "country"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":[{\"line1\":\"x\",\"country\":\"za\"}]}",
             CRM_INVALID, -1, "country"},
            {"account.create", "{\"name\":\"Acme\",\"addresses\":[{\"line1\":\"x\",\"country\":\"XX\"}]}",
             CRM_INVALID, -1, "country 'XX'"},
            {"account.create", "{\"kind\":\"business\"}", CRM_INVALID, -1, "name"},
            {"account.create", "{\"name\":\"\"}", CRM_INVALID, CRM_RANGE, "name"},
            {"account.create", "{\"name\":\"Acme\",\"source\":\"ledger\"}", CRM_INVALID, -1, "external_ref"},
            {"account.create", "{\"name\":\"Acme\",\"external_ref\":\"X1\"}", CRM_INVALID, -1, "source"},
            {"account.create", "{\"name\":\"Acme\",\"parent_account_id\":999999}", CRM_NOTFOUND, CRM_INVALID,
             "parent_account_id"},
            /* invalid UTF-8 */
            {"account.cr\xff\xfe", "{\"name\":\"Acme\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"Caf\xc3\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"Caf\xc3\xa9 \xff\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"overlong \xc0\xaf\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"surrogate \xed\xa0\x80\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"too big \xf4\x90\x80\x80\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"na\xffme\":\"Acme\"}", CRM_INVALID, -1, NULL},
            /* out of range */
            {"account.create", M("{\"name\":\"%s\"}", long_name), CRM_RANGE, -1, "name"},
            {"account.create", M("{\"name\":\"Acme\",\"notes\":\"%s\"}", long_notes), CRM_RANGE, -1, "notes"},
            {"account.create", M("{\"name\":\"Acme\",\"tags\":[\"%s\"]}", long_tag), CRM_RANGE, -1, "tags"},
            {"account.create", M("{\"name\":\"Acme\",\"source\":\"%s\",\"external_ref\":\"X\"}", long_src),
             CRM_RANGE, -1, "source"},
            {"account.create", big, CRM_RANGE, -1, "addresses"},
            {"account.create", "{\"name\":\"Acme\",\"credit_limit_minor\":99999999999999999999}", CRM_RANGE, -1,
             "credit_limit_minor"},
            {"account.create", "{\"name\":\"Acme\",\"credit_limit_minor\":9223372036854775808}", CRM_RANGE, -1,
             "credit_limit_minor"},
            {"account.create", "{\"name\":\"Acme\",\"credit_limit_minor\":-1}", CRM_RANGE, -1,
             "credit_limit_minor"},
            {"account.create", "{\"name\":\"Acme\",\"payment_terms_days\":366}", CRM_RANGE, -1,
             "payment_terms_days"},
            {"account.create", "{\"name\":\"Acme\",\"payment_terms_days\":-1}", CRM_RANGE, -1,
             "payment_terms_days"},
            {"account.create", "{\"name\":\"Acme\",\"payment_terms_days\":99999999999999999999}", CRM_RANGE, -1,
             "payment_terms_days"},
            /* other commands */
            {"account.get", "{}", CRM_INVALID, -1, NULL},
            {"account.get", "{\"id\":\"1\"}", CRM_INVALID, -1, "id"},
            {"account.get", "{\"id\":999999}", CRM_NOTFOUND, -1, "999999"},
            {"account.get", "{\"source\":\"ledger\",\"external_ref\":\"NOPE\"}", CRM_NOTFOUND, -1, NULL},
            {"account.get", "{\"id\":99999999999999999999}", CRM_RANGE, CRM_INVALID, "id"},
            {"account.update", M("{\"id\":%lld,\"nmae\":\"x\"}", acct), CRM_INVALID, -1, "nmae"},
            {"account.update", M("{\"id\":%lld,\"credit_limit_minor\":99999999999999999999}", acct), CRM_RANGE,
             -1, "credit_limit_minor"},
            {"account.update", M("{\"id\":%lld,\"currency\":\"usd\"}", acct), CRM_INVALID, -1, "currency"},
            {"account.update", M("{\"id\":%lld,\"name\":\"%s\"}", acct, long_name), CRM_RANGE, -1, "name"},
            {"account.update", M("{\"id\":%lld,\"name\":\"x\",\"expected_version\":99}", acct), CRM_CONFLICT,
             -1, "version"},
            {"account.update", "{\"id\":999999,\"name\":\"x\"}", CRM_NOTFOUND, -1, NULL},
            {"account.list", "{\"limit\":0}", CRM_RANGE, -1, "limit"},
            {"account.list", "{\"limit\":501}", CRM_RANGE, -1, "limit"},
            {"account.list", "{\"limit\":\"5\"}", CRM_INVALID, -1, "limit"},
            {"account.list", "{\"cursor\":\"garbage!\"}", CRM_INVALID, -1, "cursor"},
            {"account.list", "{\"colour\":\"red\"}", CRM_INVALID, -1, "colour"},
            {"account.search", "{}", CRM_INVALID, -1, "query"},
            {"account.search", "{\"query\":\"x\",\"limit\":101}", CRM_RANGE, -1, "limit"},
            {"account.search", M("{\"query\":\"%s\"}", long_name), CRM_RANGE, -1, "query"},
            {"account.duplicates", "{\"limit\":501}", CRM_RANGE, -1, "limit"},
            {"account.merge", M("{\"survivor_id\":%lld,\"merged_id\":999999}", acct), CRM_NOTFOUND, -1, NULL},
            {"contact.create", M("{\"account_id\":%lld,\"last_name\":\"X\",\"email\":\"nobody\"}", acct), CRM_INVALID,
             -1, "email"},
            {"contact.get", "{\"id\":999999}", CRM_NOTFOUND, -1, NULL},
            {"interaction.get", "{\"id\":999999}", CRM_NOTFOUND, -1, NULL},
            {"contact.create", M("{\"account_id\":%lld}", acct), CRM_INVALID, -1, "last_name"},
            {"contact.create", "{\"account_id\":999999,\"last_name\":\"X\"}", CRM_NOTFOUND, CRM_INVALID,
             "account"},
            {"contact.create", M("{\"account_id\":%lld,\"last_name\":\"X\",\"preferred_channel\":\"fax\"}", acct),
             CRM_INVALID, -1, "preferred_channel"},
            {"contact.consent",
             M("{\"contact_id\":%lld,\"channel\":\"pigeon\",\"status\":\"opted_in\",\"source\":\"web form\"}",
               contact),
             CRM_INVALID, -1, "channel"},
            {"contact.consent",
             M("{\"contact_id\":%lld,\"channel\":\"email\",\"status\":\"maybe\",\"source\":\"web form\"}", contact),
             CRM_INVALID, -1, "status"},
            {"contact.consent", M("{\"contact_id\":%lld,\"channel\":\"email\",\"status\":\"opted_in\"}", contact),
             CRM_INVALID, -1, "source"},
            {"contact.preferences", M("{\"contact_id\":%lld,\"set\":{\"lang\":5}}", contact), CRM_INVALID, -1,
             "lang"},
            {"interaction.log", M("{\"account_id\":%lld,\"kind\":\"call\"}", acct), CRM_INVALID, -1,
             "occurred_at"},
            {"interaction.log", M("{\"account_id\":%lld,\"kind\":\"fax\",\"occurred_at\":\"2026-03-02T09:00:00Z\"}",
                                  acct),
             CRM_INVALID, -1, "kind"},
            {"interaction.log", M("{\"account_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"yesterday\"}", acct),
             CRM_INVALID, -1, "occurred_at"},
            {"interaction.log",
             M("{\"account_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-02-30T09:00:00Z\"}", acct),
             CRM_INVALID, -1, "occurred_at"},
            {"interaction.log",
             M("{\"account_id\":%lld,\"kind\":\"call\",\"direction\":\"sideways\",\"occurred_at\":\"2026-03-02T09:00:00Z\"}",
               acct),
             CRM_INVALID, -1, "direction"},
            {"interaction.list", "{\"from\":\"March\"}", CRM_INVALID, -1, "from"},
        };
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
            run_bad(db, path, &cases[i], __LINE__);
    }
    /* NULL command */
    {
        bad_case c = {NULL, "{}", CRM_INVALID, -1, NULL};
        run_bad(db, path, &c, __LINE__);
    }
    /* hostile JSON: a guest library must neither crash nor accept it */
    {
        const size_t depth = 100000;
        char *deep = malloc(depth * 2 + 32), *huge;
        size_t o;
        bad_case c = {"account.create", NULL, CRM_INVALID, CRM_RANGE, NULL};
        strcpy(deep, "{\"name\":");
        o = strlen(deep);
        memset(deep + o, '[', depth);
        memset(deep + o + depth, ']', depth);
        strcpy(deep + o + 2 * depth, "}");
        c.args = deep;
        run_bad(db, path, &c, __LINE__);
        free(deep);
        /* 16 MB of notes: refused before anything is written */
        huge = malloc(16u << 20);
        strcpy(huge, "{\"name\":\"Huge\",\"notes\":\"");
        o = strlen(huge);
        memset(huge + o, 'n', (16u << 20) - o - 3);
        strcpy(huge + (16u << 20) - 3, "\"}");
        c.args = huge;
        c.want = CRM_RANGE;
        c.alt = -1;
        run_bad(db, path, &c, __LINE__);
        free(huge);
    }
    {
        const bad_case more[] = {
            {"account.create", "{\"name\":\"A\",\"name\":\"B\"}", CRM_INVALID, -1, "name"},
            {"account.create", "{\"name\":\"lone \\ud800 surrogate\"}", CRM_INVALID, -1, NULL},
            {"account.create", "{\"name\":\"x\",\"payment_terms_days\":30.5}", CRM_INVALID, -1,
             "payment_terms_days must be a whole number, got"},
            {"account.create", "{\"name\":\"x\",\"credit_limit_minor\":1.5}", CRM_INVALID, -1,
             "credit_limit_minor must be a whole number of minor units"},
            {"account.list", "{\"limit\":2.5}", CRM_INVALID, -1, "limit must be a whole number, got"},
            {"account.create", "{\"name\":\"x\",\"credit_limit_minor\":1e30}", CRM_INVALID, CRM_RANGE, "credit_limit_minor"},
            {"account.update", M("{\"id\":%lld,\"name\":null}", acct), CRM_INVALID, -1, "name"},
        };
        for (i = 0; i < sizeof more / sizeof more[0]; i++)
            run_bad(db, path, &more[i], __LINE__);
    }
    CHECK(count_accounts(db) == 1);
    free(long_name);
    free(long_notes);
    free(long_tag);
    free(long_src);
    free(big);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* "on failure a pointer out-parameter is set to NULL and an int one is left
** as it was" (crm.h CONVENTIONS): a host may crm_free its result
** unconditionally. */
static void test_outparams(void)
{
    crm_db *db = open_db(fresh("outparams.sqlite"), 0);
    char sentinel[1];
    char *res = sentinel;
    int64_t id = 424242;
    int hook = 4242;
    if (!db)
        return;
    CHECK_RC(db, crm_exec(db, "account.create", "{\"nmae\":\"x\"}", &res), CRM_INVALID);
    CHECKF(res == NULL, "crm_exec left json_result %s on failure", res == sentinel ? "untouched" : "set");
    res = sentinel;
    CHECK_RC(db, crm_exec(db, "account.get", "{\"id\":12345}", &res), CRM_NOTFOUND);
    CHECKF(res == NULL, "crm_exec left json_result %s on failure", res == sentinel ? "untouched" : "set");
    res = sentinel;
    CHECK_RC(NULL, crm_exec(NULL, "account.list", NULL, &res), CRM_MISUSE);
    CHECKF(res == NULL, "crm_exec(NULL handle) left json_result %s", res == sentinel ? "untouched" : "set");
    res = sentinel;
    CHECK_RC(db, crm_events_fetch(db, "c", 0, 0, &res), CRM_RANGE);
    CHECKF(res == NULL, "crm_events_fetch left json_events %s on failure", res == sentinel ? "untouched" : "set");
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", "none", &id), CRM_NOTFOUND);
    CHECK(id == 424242);
    CHECK_RC(db, crm_hook_register(db, "", hook_noop, NULL, &hook), CRM_INVALID);
    CHECK(hook == 4242);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* "After crm_close the handle must not be used again (the library detects
** most such uses and returns CRM_MISUSE, but cannot promise to)": libcrm's
** handles are table entries, so these uses are detected (and valgrind-clean). */
static void test_closed_handle(void)
{
    crm_db *db = open_db(scratch("closed.sqlite"), 0);
    char *res = NULL;
    int hid;
    if (!db)
        return;
    CHECK_RC(db, crm_close(db), CRM_OK);
    CHECK_RC(NULL, crm_close(db), CRM_MISUSE);
    CHECK_RC(NULL, crm_exec(db, "account.list", NULL, &res), CRM_MISUSE);
    CHECK(res == NULL);
    CHECK_RC(NULL, crm_begin(db), CRM_MISUSE);
    CHECK_RC(NULL, crm_hook_register(db, "*", hook_noop, NULL, &hid), CRM_MISUSE);
    CHECK_RC(NULL, crm_events_fetch(db, "c", 0, 1, &res), CRM_MISUSE);
    CHECK(crm_errmsg(db) != NULL);
}

/* Limits are inclusive: the largest allowed values are accepted. */
static void test_limits_ok(void)
{
    crm_db *db = open_db(fresh("limits.sqlite"), 0);
    char *name200 = repeat('N', 200), *res;
    if (!db)
        return;
    res = EXEC(db, "account.create",
               S("{\"name\":\"%s\",\"credit_limit_minor\":9223372036854775807,\"payment_terms_days\":365}",
                 name200),
               CRM_OK);
    if (res) {
        CHECK(jintd(res, "credit_limit_minor", 0) == INT64_MAX);
        CHECK(jintd(res, "payment_terms_days", 0) == 365);
        crm_free(res);
    }
    res = EXEC(db, "account.create", "{\"name\":\"Zero Terms\",\"payment_terms_days\":0,\"credit_limit_minor\":0}", CRM_OK);
    if (res) {
        CHECK(jintd(res, "payment_terms_days", -1) == 0);
        CHECK(jintd(res, "credit_limit_minor", -1) == 0);
        crm_free(res);
    }
    /* duplicate tags: refused, or kept unique ("each 1..50, unique, kept sorted") */
    {
        int rc;
        res = NULL;
        rc = crm_exec(db, "account.create", "{\"name\":\"Dup Tags\",\"tags\":[\"b\",\"a\",\"b\"]}", &res);
        CHECKF(rc == CRM_INVALID || (rc == CRM_OK && jlen(res, "tags") == 2 && jstreq(res, "tags[0]", "a")),
               "duplicate tags: rc %d, %s", rc, rc == CRM_OK && res ? res : crm_errmsg(db));
        crm_free(res);
    }
    /* UTF-8 round trip, escapes */
    res = EXEC(db, "account.create",
               "{\"name\":\"Caf\xc3\xa9 M\xc3\xbcller \\\"Quotes\\\" \\u00e9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", CRM_OK);
    if (res) {
        CHECKF(jstreq(res, "name", "Caf\xc3\xa9 M\xc3\xbcller \"Quotes\" \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
               "%s", res);
        crm_free(res);
    }
    free(name200);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* ------------------------------------------------------------------------- */
void hook_noop(const char *event_type, const char *event_json, void *user_data)
{
    (void)event_type;
    (void)event_json;
    (void)user_data;
}

static const struct {
    const char *name;
    void (*fn)(void);
} groups[] = {
    {"version", test_version},
    {"errstr", test_errstr},
    {"open", test_open},
    {"null_args", test_null_args},
    {"errmsg", test_errmsg},
    {"bad_input", test_bad_input},
    {"outparams", test_outparams},
    {"closed_handle", test_closed_handle},
    {"limits", test_limits_ok},
    {"accounts", test_accounts},
    {"contacts", test_contacts},
    {"interactions", test_interactions},
    {"replay", test_replay},
    {"find_by_ref", test_find_by_ref},
    {"paging", test_paging},
    {"search_merge", test_search_merge},
    {"leads", test_leads},
    {"lead_capture", test_lead_capture},
    {"pipeline", test_pipeline},
    {"reports", test_reports},
    {"activities", test_activities},
    {"quotes", test_quotes},
    {"jobcards", test_jobcards},
    {"render", test_render},
    {"payments", test_payments},
    {"credit", test_credit},
    {"creditpolicy", test_credit_policy},
    {"journal", test_journal},
    {"bridgecsv", test_bridge_csv},
    {"gnucash", test_gnucash},
    {"persistence", test_persistence},
    {"events", test_events},
    {"deadletters", test_dead_letters},
    {"hooks", test_hooks},
    {"hooks_reentrant", test_hooks_reentrant},
    {"transactions", test_transactions},
    {"readonly", test_readonly},
    {"future_migration", test_future_migration},
    {"corrupt", test_corrupt},
    {"failure_after_write", test_failure_after_write},
    {"threads", test_threads},
    {"two_handles", test_two_handles},
    {"processes", test_processes},
    {"open_existing", test_open_existing},
    {"file_modes", test_file_modes},
    {"busy", test_busy},
    {"backup", test_backup},
    {"outbox_order", test_outbox_order},
    {"killed_client", test_killed_client},
    {"invoice_numbers", test_invoice_numbers},
    {"invoice_limits", test_invoice_limits},
};

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    size_t i;
    int a, ran = 0;
    const char *tmp = getenv("TMPDIR");
    setvbuf(stdout, NULL, _IOLBF, 0);
    tk_argv0 = argv[0];
    if (argc == 5 && strcmp(argv[1], "--writer") == 0)
        return writer_main(argv[2], argv[3], atoi(argv[4]));
    if (argc == 4 && strcmp(argv[1], "--outbox-child") == 0)
        return outbox_child_main(argv[2], atoi(argv[3]));
    if (argc == 5 && strcmp(argv[1], "--killed-child") == 0)
        return killed_child_main(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc == 4 && strcmp(argv[1], "--invoice-take") == 0)
        return invoice_take_main(argv[2], atoll(argv[3]));
    if (argc == 3 && strcmp(argv[1], "--invoice-child") == 0)
        return invoice_child_main(argv[2]);
    if (argc == 6 && strcmp(argv[1], "--invoice-killed") == 0)
        return invoice_killed_main(argv[2], atoll(argv[3]), atoi(argv[4]), atoi(argv[5]));
    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        for (i = 0; i < sizeof groups / sizeof groups[0]; i++)
            printf("%s\n", groups[i].name);
        return 0;
    }
    snprintf(tk_dir, sizeof tk_dir, "%s/crm-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tk_dir)) {
        perror("mkdtemp");
        return 2;
    }
    printf("libcrm %s (ABI %d), header %s; files in %s\n", crm_version(), crm_abi_version(), CRM_VERSION,
           tk_dir);
    if (tk_engine_init() != 0) {
        rm_tree(tk_dir);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        int before_f = tk_failed, before_p = tk_passed, wanted = argc <= 1;
        for (a = 1; a < argc; a++)
            if (strcmp(argv[a], groups[i].name) == 0)
                wanted = 1;
        if (!wanted)
            continue;
        ran++;
        tk_group = groups[i].name;
        groups[i].fn();
        tk_free_all();
        printf("%-4s %-18s %d checks%s\n", tk_failed == before_f ? "ok" : "FAIL", groups[i].name,
               tk_passed + tk_failed - before_p - before_f,
               tk_failed == before_f ? "" : S(", %d failed", tk_failed - before_f));
    }
    if (!ran) {
        fprintf(stderr, "no such group; try -l\n");
        tk_failed++;
    }
    tk_engine_cleanup();
    if (!getenv("CRM_TEST_KEEP"))
        rm_tree(tk_dir);
    printf("%d passed, %d failed\n", tk_passed, tk_failed);
    return tk_failed ? 1 : 0;
}
