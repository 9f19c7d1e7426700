/* bulkload.c -- see bulkload.h. */
#include "bulkload.h"
#include "crm.h"

#include <stdio.h>
#include <stdlib.h>

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "bulk load: %s: %s\n", what, detail ? detail : "(no message)");
    exit(1);
}

sqlite3 *bulk_open(const char *path, const char *account_name)
{
    crm_db *db = NULL;
    char args[256], *out = NULL;
    if (crm_open(path, 0, &db) != CRM_OK) fail("crm_open", crm_errmsg(NULL));
    snprintf(args, sizeof args, "{\"name\": \"%s\"}", account_name);
    if (crm_exec(db, "account.create", args, &out) != CRM_OK) fail("account.create", crm_errmsg(db));
    crm_free(out);
    crm_close(db);

    sqlite3 *raw = NULL;
    if (sqlite3_open(path, &raw) != SQLITE_OK) fail("sqlite3_open", sqlite3_errmsg(raw));
    if (sqlite3_exec(raw, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        fail("begin", sqlite3_errmsg(raw));
    return raw;
}
