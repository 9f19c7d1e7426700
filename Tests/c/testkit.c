/* testkit.c -- see testkit.h. */
#define _XOPEN_SOURCE 700
#include "testkit.h"
#include "jsonmini.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
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

/* --- engines -------------------------------------------------------------
** On PostgreSQL every fresh(name) is a new schema of the server's database;
** `tk_dbs` maps each name to the URL of its newest schema, so that reopening
** tpath(name) reaches it again, and lists the schemas to drop at the end. */
int tk_pg;
static const char *tk_pg_url;
typedef struct {
    char *name, *target, *schema;
} tk_db_t;
static tk_db_t *tk_dbs;
static size_t tk_ndbs;
static char **tk_schemas;
static size_t tk_nschemas;

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    memcpy(d, s, n);
    return d;
}

int run_psql(const char *url, const char *sql, char **out)
{
    int fds[2], status = -1;
    pid_t pid;
    buf_t b = {NULL, 0, 0};
    char chunk[4096];
    ssize_t got;
    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        setenv("PGCONNECT_TIMEOUT", "10", 1);
        execlp("psql", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c",
               "SET statement_timeout = '60s'", "-c", "SET client_min_messages = warning", "-c", sql, (char *)NULL);
        fprintf(stderr, "testkit: cannot run psql: %s\n", strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    while ((got = read(fds[0], chunk, sizeof chunk)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        bput(&b, chunk, (size_t)got);
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!b.p)
        bput(&b, "", 0);
    if (out)
        *out = b.p;
    else
        free(b.p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int tk_engine_init(void)
{
    const char *engine = getenv("CRM_TEST_ENGINE"), *url = getenv("CRM_TEST_POSTGRES_URL");
    char *one = NULL;
    int rc;
    if (!engine || strcmp(engine, "postgresql") != 0) {
        printf("engine: SQLite (CRM_TEST_ENGINE=postgresql with CRM_TEST_POSTGRES_URL runs the suite on PostgreSQL)\n");
        return 0;
    }
    if (!url || !*url) {
        printf("CRM_TEST_ENGINE=postgresql needs CRM_TEST_POSTGRES_URL (the server to test on)\n");
        return 1;
    }
    rc = run_psql(url, "SELECT 1", &one);
    if (rc != 0 || strncmp(one, "1", 1) != 0) {
        printf("cannot reach %s through psql (status %d): is the server up and psql installed?\n", url, rc);
        free(one);
        return 1;
    }
    free(one);
    tk_pg = 1;
    tk_pg_url = url;
    printf("engine: PostgreSQL, a new schema per database\n");
    return 0;
}

void tk_engine_cleanup(void)
{
    size_t i;
    if (tk_nschemas && !getenv("CRM_TEST_KEEP")) {
        /* a few at a time: each drop locks every table of its schema */
        for (i = 0; i < tk_nschemas; i += 8) {
            size_t j;
            buf_t q = {NULL, 0, 0};
            bput(&q, "DROP SCHEMA IF EXISTS ", 22);
            for (j = i; j < tk_nschemas && j < i + 8; j++) {
                if (j > i)
                    bput(&q, ", ", 2);
                bput(&q, tk_schemas[j], strlen(tk_schemas[j]));
            }
            bput(&q, " CASCADE", 8);
            if (run_psql(tk_pg_url, q.p, NULL) != 0)
                printf("could not drop the test schemas (%s)\n", q.p);
            free(q.p);
        }
    } else if (tk_nschemas) {
        printf("kept %zu schemas crmc_%ld_* on the server (CRM_TEST_KEEP)\n", tk_nschemas, (long)getpid());
    }
    for (i = 0; i < tk_nschemas; i++)
        free(tk_schemas[i]);
    free(tk_schemas);
    tk_schemas = NULL;
    tk_nschemas = 0;
    for (i = 0; i < tk_ndbs; i++) {
        free(tk_dbs[i].name);
        free(tk_dbs[i].target);
    }
    free(tk_dbs);
    tk_dbs = NULL;
    tk_ndbs = 0;
}

int skip_on_postgres(const char *reason)
{
    static const char *said[64];
    static size_t nsaid;
    size_t i;
    if (!tk_pg)
        return 0;
    for (i = 0; i < nsaid; i++)
        if (said[i] == reason)
            return 1;
    if (nsaid < 64)
        said[nsaid++] = reason;
    printf("     (skipped on PostgreSQL: %s)\n", reason);
    return 1;
}

static const char *pg_fresh(const char *name)
{
    static int calls;
    char schema[64], *target, *err = NULL;
    size_t i, n;
    const char *url = tk_pg_url;
    int is_url = strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
    pthread_mutex_lock(&tk_lock);
    snprintf(schema, sizeof schema, "crmc_%ld_%lx_%d", (long)getpid(), (unsigned long)time(NULL) & 0xffffff, ++calls);
    pthread_mutex_unlock(&tk_lock);
    if (run_psql(url, S("CREATE SCHEMA %s", schema), &err) != 0) {
        CHECKF(0, "cannot create schema %s on %s for %s", schema, url, name);
        free(err);
        return "postgresql://cannot-create-a-schema.invalid/crm";
    }
    free(err);
    n = strlen(url) + strlen(schema) + 64;
    target = malloc(n);
    if (!target)
        abort();
    if (is_url)
        snprintf(target, n, "%s%soptions=-csearch_path%%3D%s", url, strchr(url, '?') ? "&" : "?", schema);
    else
        snprintf(target, n, "%s options='-csearch_path=%s'", url, schema);
    pthread_mutex_lock(&tk_lock);
    tk_schemas = realloc(tk_schemas, (tk_nschemas + 1) * sizeof *tk_schemas);
    if (!tk_schemas)
        abort();
    tk_schemas[tk_nschemas++] = xstrdup(schema);
    for (i = 0; i < tk_ndbs; i++)
        if (strcmp(tk_dbs[i].name, name) == 0)
            break;
    if (i == tk_ndbs) {
        tk_dbs = realloc(tk_dbs, (tk_ndbs + 1) * sizeof *tk_dbs);
        if (!tk_dbs)
            abort();
        tk_dbs[tk_ndbs].name = xstrdup(name);
        tk_ndbs++;
    } else {
        free(tk_dbs[i].target);
    }
    tk_dbs[i].target = target;
    pthread_mutex_unlock(&tk_lock);
    return target;
}

const char *tpath(const char *name)
{
    if (tk_pg) {
        size_t i;
        const char *found = NULL;
        pthread_mutex_lock(&tk_lock);
        for (i = 0; i < tk_ndbs; i++)
            if (strcmp(tk_dbs[i].name, name) == 0)
                found = tk_dbs[i].target;
        pthread_mutex_unlock(&tk_lock);
        if (found)
            return found;
    }
    return M("%s/%s", tk_dir, name);
}

const char *fresh(const char *name)
{
    const char *p;
    char aux[512];
    if (tk_pg)
        return pg_fresh(name);
    p = tpath(name);
    unlink(p);
    snprintf(aux, sizeof aux, "%s-wal", p);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", p);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-journal", p);
    unlink(aux);
    return p;
}

const char *scratch(const char *name)
{
    return tk_pg ? fresh(name) : ":memory:";
}

static int is_pg_target(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0 ||
           (tk_pg && tk_pg_url && strncmp(path, tk_pg_url, strlen(tk_pg_url)) == 0);
}

int alter_db(const char *path, const char *sqlite_sql, const char *pg_sql, const char *what)
{
    if (is_pg_target(path)) {
        char *out = NULL;
        int rc = run_psql(path, pg_sql, &out);
        CHECKF(rc == 0, "cannot %s through psql (status %d): %s", what, rc, out ? out : "");
        free(out);
        return rc == 0;
    } else {
        sqlite3 *s = NULL;
        char *err = NULL;
        int rc = sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s, sqlite_sql, NULL, NULL, &err);
        CHECKF(rc == SQLITE_OK, "cannot %s: %s", what, err ? err : sqlite3_errmsg(s));
        sqlite3_free(err);
        sqlite3_close(s);
        return rc == SQLITE_OK;
    }
}

/* Every table of the schema, its rows as text in a fixed order, and every index. */
static char *pg_fingerprint(const char *url)
{
    char *out = NULL;
    int rc = run_psql(url,
                      "SELECT '#' || tablename || chr(10) || coalesce(query_to_xml(format("
                      "'SELECT t.* FROM %I.%I t ORDER BY t::text', schemaname, tablename), true, false, '')::text, '')"
                      " FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
                      " UNION ALL SELECT '#index ' || indexdef FROM pg_catalog.pg_indexes"
                      " WHERE schemaname = current_schema()"
                      " UNION ALL SELECT '#trigger ' || tgname FROM pg_catalog.pg_trigger g"
                      " JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
                      " WHERE c.relnamespace = current_schema()::regnamespace AND NOT g.tgisinternal"
                      " ORDER BY 1",
                      &out);
    if (rc != 0) {
        free(out);
        return NULL;
    }
    return out;
}

char *db_fingerprint(const char *path)
{
    sqlite3 *s = NULL;
    sqlite3_stmt *tables = NULL;
    buf_t b = {NULL, 0, 0};
    if (is_pg_target(path))
        return pg_fingerprint(path);
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

void tk_heard(const char *type, const char *json, void *heard)
{
    tk_heard_t *h = heard;
    (void)json;
    if (h->n < 32)
        snprintf(h->types[h->n], sizeof h->types[0], "%s", type ? type : "");
    h->n++;
}

const char *tk_heard_types(const tk_heard_t *heard)
{
    static char joined[1280];
    size_t used = 0;
    joined[0] = '\0';
    for (int i = 0; i < heard->n && i < 32 && used < sizeof joined; i++)
        used += (size_t)snprintf(joined + used, sizeof joined - used, "%s%s", i ? " " : "", heard->types[i]);
    return joined;
}

void tk_pause_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

int tk_wait_bounded(int pid, double seconds, int *status)
{
    double t0 = now_s();
    for (;;) {
        pid_t got = waitpid((pid_t)pid, status, WNOHANG);
        if (got == (pid_t)pid)
            return 0;
        if (got < 0 && errno != EINTR)
            return -1;
        if (now_s() - t0 > seconds) {
            kill((pid_t)pid, SIGKILL);
            waitpid((pid_t)pid, status, 0);
            return -1;
        }
        tk_pause_ms(20);
    }
}
