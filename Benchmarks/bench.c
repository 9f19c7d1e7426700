/*
** bench.c -- libcrm against raw SQLite, measured in the same run.
**
**   bench [-n CREATES] [-g GETS] [-d DIR] [--refs] [--strict]
**
** (a) account.create through crm_exec, N records in one crm_begin/crm_commit
**     transaction: records/s;
** (b) account.get by id through crm_exec over random ids: median (p90, p99) us,
**     one clock_gettime pair per call;
** (c) the baseline: the same rows with the sqlite3 C API (prepared INSERT, one
**     transaction, WAL) into an equivalent accounts table of another file, and a
**     prepared SELECT by id reading every column;
** then the ratios libcrm/raw and the targets as PASS/FAIL lines:
**     creates >= 20000/s, get median <= 20 us.
** Both databases are files in a fresh temporary directory (removed afterwards).
** --refs sends each create with the host's key (source "ledger", external_ref
** "C00042"), as an idempotent import does; the baseline then also keeps a
** UNIQUE(source, external_ref) index. --strict makes a missed target the exit
** status.
*/
#define _XOPEN_SOURCE 700
#include <crm.h>
#include <sqlite3.h>
#include "benchkit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TARGET_CREATES_PER_S 20000.0
#define TARGET_GET_MEDIAN_US 20.0

static void die_crm(crm_db *db, int rc, const char *what)
{
    fprintf(stderr, "bench: %s: %s (%d): %s\n", what, crm_errstr(rc), rc, crm_errmsg(db));
    exit(2);
}

static void die_sql(sqlite3 *s, const char *what)
{
    fprintf(stderr, "bench: sqlite %s: %s\n", what, sqlite3_errmsg(s));
    exit(2);
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : 0;
}

int main(int argc, char **argv)
{
    int n = 20000, g = 20000, strict = 0, i, rc, fails = 0;
    const char *base = getenv("TMPDIR");
    char dir[512], crm_path[600], raw_path[600], json[1024];
    crm_db *db = NULL;
    sqlite3 *s = NULL;
    sqlite3_stmt *ins = NULL, *sel = NULL;
    long long *crm_ids, *raw_ids;
    int *pick;
    double *us, t0, t1, crm_create_s, raw_create_s, crm_rate, raw_rate;
    stats crm_get, raw_get;
    customer c;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-g") && i + 1 < argc)
            g = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc)
            base = argv[++i];
        else if (!strcmp(argv[i], "--strict"))
            strict = 1;
        else if (!strcmp(argv[i], "--refs"))
            with_refs = 1;
        else {
            fprintf(stderr, "usage: %s [-n CREATES] [-g GETS] [-d DIR] [--refs] [--strict]\n", argv[0]);
            return 2;
        }
    }
    if (n < 1 || g < 1) {
        fprintf(stderr, "bench: -n and -g must be positive\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/crm-bench-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(crm_path, sizeof crm_path, "%s/libcrm.sqlite", dir);
    snprintf(raw_path, sizeof raw_path, "%s/raw.sqlite", dir);
    crm_ids = malloc(sizeof *crm_ids * (size_t)n);
    raw_ids = malloc(sizeof *raw_ids * (size_t)n);
    pick = malloc(sizeof *pick * (size_t)g);
    us = malloc(sizeof *us * (size_t)g);
    if (!crm_ids || !raw_ids || !pick || !us)
        return 2;
    for (i = 0; i < g; i++)
        pick[i] = (int)(next_rand() % (unsigned long long)n);

    printf("libcrm %s vs SQLite %s; %d creates%s, %d gets; files in %s\n", crm_version(), sqlite3_libversion(), n,
           with_refs ? " with source+external_ref" : "", g, dir);

    /* ---- (a) libcrm: account.create in one transaction ------------------ */
    rc = crm_open(crm_path, 0, &db);
    if (rc != CRM_OK)
        die_crm(NULL, rc, "crm_open");
    t0 = now();
    rc = crm_begin(db);
    if (rc != CRM_OK)
        die_crm(db, rc, "crm_begin");
    for (i = 0; i < n; i++) {
        char *res = NULL;
        make_customer(&c, i);
        account_json(json, sizeof json, &c, i);
        rc = crm_exec(db, "account.create", json, &res);
        if (rc != CRM_OK)
            die_crm(db, rc, "account.create");
        crm_ids[i] = id_of(res);
        crm_free(res);
    }
    rc = crm_commit(db);
    if (rc != CRM_OK)
        die_crm(db, rc, "crm_commit");
    t1 = now();
    crm_create_s = t1 - t0;
    crm_rate = n / crm_create_s;

    /* ---- (b) libcrm: account.get by id ----------------------------------- */
    for (i = 0; i < 1000 && i < g; i++) { /* warm-up */
        char *res = NULL;
        snprintf(json, sizeof json, "{\"id\":%lld}", crm_ids[pick[i]]);
        rc = crm_exec(db, "account.get", json, &res);
        if (rc != CRM_OK)
            die_crm(db, rc, "account.get");
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
            die_crm(db, rc, "account.get");
        if (i < 100) { /* spot-check the content */
            make_customer(&c, k);
            if (!res || !strstr(res, c.name)) {
                fprintf(stderr, "bench: account.get %lld returned the wrong record\n", crm_ids[k]);
                return 2;
            }
        }
        crm_free(res);
        us[i] = (t1 - t0) * 1e6;
    }
    crm_get = summarize(us, g);
    crm_close(db);

    /* ---- (c) raw SQLite: the same rows, the same reads -------------------- */
    if (sqlite3_open(raw_path, &s) != SQLITE_OK)
        die_sql(s, "open");
    if (sqlite3_exec(s,
                     "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE accounts ("
                     " id INTEGER PRIMARY KEY,"
                     " name TEXT NOT NULL, kind TEXT NOT NULL, currency TEXT NOT NULL,"
                     " payment_terms_days INTEGER NOT NULL, credit_limit_minor BIGINT,"
                     " email TEXT, phone TEXT, tags TEXT NOT NULL, addresses TEXT NOT NULL,"
                     " status TEXT NOT NULL, version INTEGER NOT NULL,"
                     " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
                     " source TEXT, external_ref TEXT);"
                     "CREATE UNIQUE INDEX accounts_ref ON accounts(source, external_ref);",
                     NULL, NULL, NULL) != SQLITE_OK)
        die_sql(s, "schema");
    if (sqlite3_prepare_v2(s,
                           "INSERT INTO accounts(name, kind, currency, payment_terms_days, credit_limit_minor,"
                           " email, phone, tags, addresses, status, version, created_at, updated_at,"
                           " source, external_ref)"
                           " VALUES (?, ?, 'ZAR', ?, ?, ?, ?, ?, ?, 'prospect', 1, ?, ?, ?, ?)",
                           -1, &ins, NULL) != SQLITE_OK)
        die_sql(s, "prepare insert");
    t0 = now();
    if (sqlite3_exec(s, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        die_sql(s, "begin");
    for (i = 0; i < n; i++) {
        char addr[256], ts[32];
        time_t tt = time(NULL);
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        make_customer(&c, i);
        snprintf(addr, sizeof addr,
                 "[{\"kind\":\"billing\",\"line1\":\"%s\",\"city\":\"%s\",\"postal_code\":\"%s\",\"country\":\"ZA\"}]",
                 c.line1, c.city, c.postal);
        sqlite3_bind_text(ins, 1, c.name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, c.kind, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 3, c.terms);
        sqlite3_bind_int64(ins, 4, c.limit);
        sqlite3_bind_text(ins, 5, c.email, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 6, c.phone, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 7, c.tags, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 8, addr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 9, ts, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 10, ts, -1, SQLITE_TRANSIENT);
        if (with_refs) {
            char ref[16];
            snprintf(ref, sizeof ref, "C%05d", i);
            sqlite3_bind_text(ins, 11, "ledger", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 12, ref, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(ins, 11);
            sqlite3_bind_null(ins, 12);
        }
        if (sqlite3_step(ins) != SQLITE_DONE)
            die_sql(s, "insert");
        raw_ids[i] = sqlite3_last_insert_rowid(s);
        sqlite3_reset(ins);
    }
    if (sqlite3_exec(s, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die_sql(s, "commit");
    t1 = now();
    raw_create_s = t1 - t0;
    raw_rate = n / raw_create_s;
    sqlite3_finalize(ins);

    if (sqlite3_prepare_v2(s,
                           "SELECT id, name, kind, currency, payment_terms_days, credit_limit_minor, email, phone,"
                           " tags, addresses, status, version, created_at, updated_at FROM accounts WHERE id = ?",
                           -1, &sel, NULL) != SQLITE_OK)
        die_sql(s, "prepare select");
    for (i = 0; i < g; i++) {
        int col, k = pick[i];
        volatile size_t sink = 0;
        t0 = now();
        sqlite3_bind_int64(sel, 1, raw_ids[k]);
        if (sqlite3_step(sel) != SQLITE_ROW)
            die_sql(s, "select");
        for (col = 0; col < 14; col++) {
            const unsigned char *t = sqlite3_column_text(sel, col);
            sink += t ? (size_t)sqlite3_column_bytes(sel, col) : 0;
        }
        sqlite3_reset(sel);
        t1 = now();
        (void)sink;
        us[i] = (t1 - t0) * 1e6;
    }
    raw_get = summarize(us, g);
    sqlite3_finalize(sel);
    sqlite3_close(s);

    /* ---- report ------------------------------------------------------------ */
    printf("\n%-34s %14s %14s %10s\n", "", "libcrm", "raw SQLite", "ratio");
    printf("%-34s %14.0f %14.0f %9.2fx\n", "account.create, 1 txn (records/s)", crm_rate, raw_rate, crm_rate / raw_rate);
    printf("%-34s %14.3f %14.3f %9.2fx\n", "  total time (s)", crm_create_s, raw_create_s, crm_create_s / raw_create_s);
    printf("%-34s %14.2f %14.2f %9.2fx\n", "account.get by id, median (us)", crm_get.median, raw_get.median,
           crm_get.median / raw_get.median);
    printf("%-34s %14.2f %14.2f %9.2fx\n", "  p90 (us)", crm_get.p90, raw_get.p90, crm_get.p90 / raw_get.p90);
    printf("%-34s %14.2f %14.2f %9.2fx\n", "  p99 (us)", crm_get.p99, raw_get.p99, crm_get.p99 / raw_get.p99);
    printf("%-34s %14ld %14ld\n", "file size after close (bytes)", file_size(crm_path), file_size(raw_path));
    printf("(libcrm/raw: creates/s as a rate ratio, lower is slower; times as a time ratio, higher is slower)\n\n");

    if (crm_rate >= TARGET_CREATES_PER_S)
        printf("PASS account.create %.0f records/s >= %.0f\n", crm_rate, TARGET_CREATES_PER_S);
    else {
        printf("FAIL account.create %.0f records/s < %.0f\n", crm_rate, TARGET_CREATES_PER_S);
        fails++;
    }
    if (crm_get.median <= TARGET_GET_MEDIAN_US)
        printf("PASS account.get median %.2f us <= %.0f us\n", crm_get.median, TARGET_GET_MEDIAN_US);
    else {
        printf("FAIL account.get median %.2f us > %.0f us\n", crm_get.median, TARGET_GET_MEDIAN_US);
        fails++;
    }

    rm_tree(dir);
    free(crm_ids);
    free(raw_ids);
    free(pick);
    free(us);
    return strict && fails ? 1 : 0;
}
