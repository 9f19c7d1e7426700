/*
** testkit.h -- the minimal assertion framework of the libcrm C ABI suite.
**
** CHECK(cond)                 one assertion
** CHECKF(cond, fmt, ...)      one assertion with a formatted explanation
** CHECK_RC(db, expr, want)    expr must return `want`; prints crm_errmsg(db) if not
** EXEC(db, cmd, args, want)   crm_exec that must return `want`; evaluates to the
**                             result (free with crm_free) or NULL
**
** Every assertion is counted; the runner prints "N passed, N failed" last.
** The counters are thread-safe, so assertions may be made on any thread.
*/
#ifndef TESTKIT_H
#define TESTKIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "crm.h"

void tk_check(int ok, const char *file, int line, const char *expr, const char *fmt, ...);
int tk_check_rc(crm_db *db, int got, int want, const char *file, int line, const char *expr);
char *tk_exec(crm_db *db, const char *cmd, const char *args, int want, int want2,
              const char *file, int line);
const char *tk_rcname(int rc);

#define CHECK(cond) tk_check(!!(cond), __FILE__, __LINE__, #cond, NULL)
#define CHECKF(cond, ...) tk_check(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
#define CHECK_RC(db, expr, want) tk_check_rc((db), (expr), (want), __FILE__, __LINE__, #expr)
#define EXEC(db, cmd, args, want) tk_exec((db), (cmd), (args), (want), -1, __FILE__, __LINE__)
#define EXEC2(db, cmd, args, want, alt) tk_exec((db), (cmd), (args), (want), (alt), __FILE__, __LINE__)

/* printf into one of a ring of static buffers (main thread only). */
const char *S(const char *fmt, ...);
/* printf into a malloc'd string freed by tk_free_all() after the group. */
const char *M(const char *fmt, ...);
void tk_free_all(void);
/* A path inside the suite's temporary directory (valid until the group ends). */
const char *tpath(const char *name);
/* A fresh, empty database for `name`: on SQLite a file path (leftovers of the
** same name removed); on PostgreSQL (CRM_TEST_ENGINE=postgresql with
** CRM_TEST_POSTGRES_URL set) the server's URL with search_path set to a new,
** empty schema. Afterwards tpath(name) gives the same database again. */
const char *fresh(const char *name);
/* ":memory:" on SQLite, fresh(name) on PostgreSQL. */
const char *scratch(const char *name);
/* 1 when the suite runs on PostgreSQL. */
extern int tk_pg;
/* On PostgreSQL: prints "(skipped on PostgreSQL: reason)" once and returns 1;
** on SQLite returns 0. Use: if (skip_on_postgres("file modes are SQLite's")) return; */
int skip_on_postgres(const char *reason);
/* Reads the engine from the environment; says which on stdout. 0 on success. */
int tk_engine_init(void);
/* Drops the schemas the run made (kept when CRM_TEST_KEEP is set). */
void tk_engine_cleanup(void);
/* Runs `sql` on the closed database at `path` behind libcrm's back, as another
** program would: through SQLite for a file, through psql (`pg_sql`) on
** PostgreSQL. `what` names the change in a failure. Returns 1 when made. */
int alter_db(const char *path, const char *sqlite_sql, const char *pg_sql, const char *what);
/* Runs `sql` through psql on `url`; the unaligned, tuples-only output into
** *out (malloc'd) when out is not NULL. Returns psql's exit status (0 = ok). */
int run_psql(const char *url, const char *sql, char **out);
/* Opens `path` with `flags`; asserts success. */
crm_db *open_db(const char *path, int flags);
/* Logical dump of every table of the database (via sqlite3, or psql on
** PostgreSQL), malloc'd; NULL when it cannot be read. */
char *db_fingerprint(const char *path);
/* Whole file bytes (malloc'd, *len set), or NULL if missing. */
unsigned char *file_bytes(const char *path, long *len);
int file_exists(const char *path);
void write_file(const char *path, const void *data, size_t n);
/* Counts every account (all pages, archived included) */
long count_accounts(crm_db *db);
/* Counts every event committed in the file (fresh consumer name each call). */
long count_events(crm_db *db);
/* id of a created record (asserts success), or -1 */
long long tk_create(crm_db *db, const char *cmd, const char *args, const char *file, int line);
#define create(db, cmd, args) tk_create((db), (cmd), (args), __FILE__, __LINE__)
/* Realistic account JSON for `name` with optional (source, ref). */
const char *account_json(const char *name, const char *source, const char *ref);
/* A malloc'd string of n copies of c. */
char *repeat(char c, size_t n);
/* monotonic seconds */
double now_s(void);
/* Sleeps `ms` milliseconds. */
void tk_pause_ms(long ms);
/* Waits for child `pid` until `seconds` have passed; then kills it (SIGKILL)
** and reaps it. 0 with its status in *status, or -1 when it had to be killed. */
int tk_wait_bounded(int pid, double seconds, int *status);

/* The event types a hook heard, in order (the first 32 kept, all counted).
** Register with crm_hook_register(db, pattern, tk_heard, &heard, &id). */
typedef struct {
    int n;
    char types[32][40];
} tk_heard_t;
void tk_heard(const char *type, const char *json, void *heard);
/* The types heard, joined by spaces (a static buffer: use it before the next call). */
const char *tk_heard_types(const tk_heard_t *heard);

/* the runner's state */
extern int tk_passed, tk_failed;
extern const char *tk_group;
extern char tk_dir[256];
extern const char *tk_argv0;

#endif
