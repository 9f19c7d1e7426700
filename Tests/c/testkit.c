/* testkit.c -- see testkit.h. */
#define _XOPEN_SOURCE 700
#include "testkit.h"
#include "jsonmini.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int tk_passed, tk_failed;
const char *tk_group = "";
char tk_dir[256];
const char *tk_argv0 = "test_abi";
static pthread_mutex_t tk_lock = PTHREAD_MUTEX_INITIALIZER;

const char *tk_rcname(int rc)
{
    static const char *names[] = {"CRM_OK", "CRM_INVALID", "CRM_NOTFOUND", "CRM_CONFLICT",
                                  "CRM_CONSTRAINT", "CRM_BUSY", "CRM_IO", "CRM_CORRUPT",
                                  "CRM_RANGE", "CRM_MISUSE", "CRM_VERSION_ERR", "CRM_READONLY",
                                  "CRM_CREDIT_HOLD", "CRM_INTERNAL"};
    if (rc >= 0 && rc < (int)(sizeof names / sizeof names[0]))
        return names[rc];
    return "?";
}

void tk_check(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
    pthread_mutex_lock(&tk_lock);
    if (ok) {
        tk_passed++;
    } else {
        tk_failed++;
        fprintf(stdout, "  FAIL [%s] %s:%d: %s", tk_group, file, line, expr);
        if (fmt) {
            va_list ap;
            fputs(" -- ", stdout);
            va_start(ap, fmt);
            vfprintf(stdout, fmt, ap);
            va_end(ap);
        }
        fputc('\n', stdout);
        fflush(stdout);
    }
    pthread_mutex_unlock(&tk_lock);
}

int tk_check_rc(crm_db *db, int got, int want, const char *file, int line, const char *expr)
{
    if (got == want) {
        tk_check(1, file, line, expr, NULL);
    } else {
        tk_check(0, file, line, expr, "got %d %s, want %d %s; errmsg: %s", got, tk_rcname(got),
                 want, tk_rcname(want), crm_errmsg(db));
    }
    return got;
}

static void oneline(char *dst, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!s) {
        snprintf(dst, cap, "(null)");
        return;
    }
    if (n < cap) {
        memcpy(dst, s, n + 1);
    } else {
        memcpy(dst, s, cap - 4);
        strcpy(dst + cap - 4, "...");
    }
}

char *tk_exec(crm_db *db, const char *cmd, const char *args, int want, int want2,
              const char *file, int line)
{
    char *res = NULL;
    int rc = crm_exec(db, cmd, args, &res);
    if (rc == want || (want2 >= 0 && rc == want2)) {
        tk_check(1, file, line, cmd, NULL);
        if (rc != CRM_OK) {
            tk_check(res == NULL, file, line, "json_result untouched on failure", "%s", cmd);
            crm_free(res);
            return NULL;
        }
        tk_check(res != NULL && jvalid(res), file, line, "result is one JSON value", "%s -> %.300s",
                 cmd, res ? res : "(null)");
        return res;
    } else {
        char a[300], r[300];
        oneline(a, sizeof a, args);
        oneline(r, sizeof r, res);
        tk_check(0, file, line, cmd, "args %s: got %d %s, want %d %s; errmsg: %s; result: %s", a, rc,
                 tk_rcname(rc), want, tk_rcname(want), crm_errmsg(db), r);
        crm_free(res);
        return NULL;
    }
}

const char *S(const char *fmt, ...)
{
    static char ring[8][65536];
    static int next;
    char *b = ring[next++ % 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof ring[0], fmt, ap);
    va_end(ap);
    return b;
}

static char **tk_garbage;
static size_t tk_ngarbage;

const char *M(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *b, **g;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    b = malloc((size_t)n + 1);
    g = realloc(tk_garbage, (tk_ngarbage + 1) * sizeof *g);
    if (!b || !g)
        abort();
    va_start(ap, fmt);
    vsnprintf(b, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tk_garbage = g;
    tk_garbage[tk_ngarbage++] = b;
    return b;
}

void tk_free_all(void)
{
    size_t i;
    for (i = 0; i < tk_ngarbage; i++)
        free(tk_garbage[i]);
    free(tk_garbage);
    tk_garbage = NULL;
    tk_ngarbage = 0;
}

const char *tpath(const char *name)
{
    return M("%s/%s", tk_dir, name);
}

const char *fresh(const char *name)
{
    const char *p = tpath(name);
    char aux[512];
    unlink(p);
    snprintf(aux, sizeof aux, "%s-wal", p);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", p);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-journal", p);
    unlink(aux);
    return p;
}

crm_db *open_db(const char *path, int flags)
{
    crm_db *db = NULL;
    int rc = crm_open(path, flags, &db);
    CHECKF(rc == CRM_OK && db != NULL, "crm_open(%s, %d) = %d %s: %s", path, flags, rc,
           tk_rcname(rc), crm_errmsg(NULL));
    return rc == CRM_OK ? db : NULL;
}

/* --- fingerprint ------------------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
} buf_t;

static void bput(buf_t *b, const void *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *np;
        while (cap < b->n + n + 1)
            cap *= 2;
        np = realloc(b->p, cap);
        if (!np)
            abort();
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

char *db_fingerprint(const char *path)
{
    sqlite3 *s = NULL;
    sqlite3_stmt *tables = NULL;
    buf_t b = {NULL, 0, 0};
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s, 5000);
    if (sqlite3_prepare_v2(s, "SELECT name, sql FROM sqlite_master ORDER BY type, name", -1, &tables,
                           NULL) != SQLITE_OK) {
        sqlite3_close(s);
        return NULL;
    }
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        const char *sql = (const char *)sqlite3_column_text(tables, 1);
        char *q;
        sqlite3_stmt *rows = NULL;
        bput(&b, "#", 1);
        bput(&b, name, strlen(name));
        bput(&b, "\n", 1);
        if (sql)
            bput(&b, sql, strlen(sql));
        bput(&b, "\n", 1);
        if (!sql || strncmp(sql, "CREATE TABLE", 12) != 0)
            continue;
        q = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
        if (sqlite3_prepare_v2(s, q, -1, &rows, NULL) == SQLITE_OK) {
            while (sqlite3_step(rows) == SQLITE_ROW) {
                int i, nc = sqlite3_column_count(rows);
                for (i = 0; i < nc; i++) {
                    const unsigned char *t = sqlite3_column_text(rows, i);
                    int len = sqlite3_column_bytes(rows, i);
                    if (t)
                        bput(&b, t, (size_t)len);
                    else
                        bput(&b, "<NULL>", 6);
                    bput(&b, "|", 1);
                }
                bput(&b, "\n", 1);
            }
        }
        sqlite3_finalize(rows);
        sqlite3_free(q);
    }
    sqlite3_finalize(tables);
    sqlite3_close(s);
    if (!b.p)
        bput(&b, "", 0);
    return b.p;
}

unsigned char *file_bytes(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    if (len)
        *len = n;
    return data;
}

int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) {
        CHECKF(0, "cannot write %s", path);
    }
    if (f)
        fclose(f);
}

long count_accounts(crm_db *db)
{
    long n = 0;
    char cursor[512] = "";
    int pages = 0;
    for (;;) {
        char args[700];
        char *res = NULL;
        char *next;
        int rc, len;
        if (cursor[0])
            snprintf(args, sizeof args, "{\"limit\":500,\"include_archived\":true,\"cursor\":\"%s\"}", cursor);
        else
            snprintf(args, sizeof args, "{\"limit\":500,\"include_archived\":true}");
        rc = crm_exec(db, "account.list", args, &res);
        if (rc != CRM_OK) {
            CHECKF(0, "account.list: %s", crm_errmsg(db));
            return -1;
        }
        len = jlen(res, "items");
        if (len < 0) {
            CHECKF(0, "account.list without items: %.200s", res);
            crm_free(res);
            return -1;
        }
        n += len;
        next = jstr(res, "next_cursor");
        crm_free(res);
        if (!next || ++pages > 10000) {
            free(next);
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", next);
        free(next);
    }
    return n;
}

long count_events(crm_db *db)
{
    static int k;
    long n = 0;
    long long after = 0;
    char consumer[64];
    snprintf(consumer, sizeof consumer, "tk-count-%d-%ld", ++k, (long)getpid());
    for (;;) {
        char *res = NULL;
        int rc = crm_events_fetch(db, consumer, after, 1000, &res), len;
        if (rc != CRM_OK) {
            CHECKF(0, "crm_events_fetch: %d %s", rc, crm_errmsg(db));
            return -1;
        }
        len = jlen(res, "events");
        if (len <= 0) {
            crm_free(res);
            return len < 0 ? -1 : n;
        }
        n += len;
        after = jintd(res, "last_seq", -1);
        crm_free(res);
        if (after < 0)
            return -1;
    }
}

long long tk_create(crm_db *db, const char *cmd, const char *args, const char *file, int line)
{
    char *res = tk_exec(db, cmd, args, CRM_OK, -1, file, line);
    long long id = -1;
    if (res) {
        if (!jint(res, "id", &id))
            tk_check(0, file, line, "result has an id", "%s: %.200s", cmd, res);
        crm_free(res);
    }
    return id;
}

const char *account_json(const char *name, const char *source, const char *ref)
{
    char refs[400] = "";
    if (source && ref)
        snprintf(refs, sizeof refs, ",\"source\":\"%s\",\"external_ref\":\"%s\"", source, ref);
    return S("{\"name\":\"%s\",\"kind\":\"business\",\"currency\":\"ZAR\","
             "\"payment_terms_days\":30,\"credit_limit_minor\":5000000,"
             "\"email\":\"accounts@example.co.za\",\"phone\":\"+27 11 555 0100\","
             "\"tags\":[\"retail\",\"gauteng\"],\"region\":\"Gauteng\","
             "\"addresses\":[{\"kind\":\"billing\",\"line1\":\"12 Main Road\","
             "\"city\":\"Johannesburg\",\"postal_code\":\"2001\",\"country\":\"ZA\"}]%s}",
             name, refs);
}

char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
