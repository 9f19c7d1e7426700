/*
** header_check.cpp -- Include/crm.h must compile cleanly as C99 and as C++11
** (-Wall -Wextra -Werror -pedantic), be idempotent, and declare every function
** with C linkage (this program links against libcrm and calls through each one).
** The Makefile builds it twice: as C (-x c -std=c99) and as C++ (-std=c++11).
*/
#include "crm.h"
#include "crm.h" /* include guard */

#include <stdio.h>
#include <string.h>

/* Each declaration, pinned to the exact type the header promises. */
typedef const char *(*fn_version)(void);
typedef int (*fn_abi)(void);
typedef const char *(*fn_errstr)(int);
typedef int (*fn_open)(const char *, int, crm_db **);
typedef int (*fn_close)(crm_db *);
typedef const char *(*fn_errmsg)(crm_db *);
typedef void (*fn_free)(void *);
typedef int (*fn_exec)(crm_db *, const char *, const char *, char **);
typedef int (*fn_find)(crm_db *, const char *, const char *, const char *, int64_t *);
typedef int (*fn_txn)(crm_db *);
typedef int (*fn_hreg)(crm_db *, const char *, crm_hook_fn, void *, int *);
typedef int (*fn_hunreg)(crm_db *, int);
typedef int (*fn_fetch)(crm_db *, const char *, int64_t, int, char **);
typedef int (*fn_ack)(crm_db *, const char *, int64_t);
typedef int (*fn_busy)(crm_db *, int);
typedef int (*fn_backup)(crm_db *, const char *);

static void hook(const char *event_type, const char *event_json, void *user_data)
{
    (void)event_type;
    (void)event_json;
    (void)user_data;
}

int main(void)
{
    fn_version v = crm_version;
    fn_abi abi = crm_abi_version;
    fn_errstr es = crm_errstr;
    fn_open op = crm_open;
    fn_close cl = crm_close;
    fn_errmsg em = crm_errmsg;
    fn_free fr = crm_free;
    fn_exec ex = crm_exec;
    fn_find fi = crm_find_by_ref;
    fn_txn be = crm_begin, co = crm_commit, ro = crm_rollback;
    fn_hreg hr = crm_hook_register;
    fn_hunreg hu = crm_hook_unregister;
    fn_fetch fe = crm_events_fetch;
    fn_ack ac = crm_events_ack;
    fn_busy bt = crm_busy_timeout;
    fn_backup bk = crm_backup;
    crm_hook_fn h = hook;
    crm_db *db = NULL;
    char *json = NULL;
    int64_t id = 0;
    int hid = 0, rc, failures = 0;
    static const int codes[] = {CRM_OK, CRM_INVALID, CRM_NOTFOUND, CRM_CONFLICT, CRM_CONSTRAINT, CRM_BUSY,
                                CRM_IO, CRM_CORRUPT, CRM_RANGE, CRM_MISUSE, CRM_VERSION_ERR, CRM_READONLY,
                                CRM_CREDIT_HOLD, CRM_INTERNAL};
    size_t i;

#define EXPECT(cond)                                                                                          \
    do {                                                                                                      \
        if (!(cond)) {                                                                                        \
            fprintf(stderr, "header_check: %s failed\n", #cond);                                            \
            failures++;                                                                                       \
        }                                                                                                     \
    } while (0)

    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        EXPECT(codes[i] == (int)i);
    EXPECT(CRM_OPEN_READONLY == 1);
    EXPECT(CRM_OPEN_EXISTING == 2);
    EXPECT(CRM_OPEN_GROUP_ACCESS == 4);
    EXPECT(strcmp(v(), CRM_VERSION) == 0);
    EXPECT(abi() == CRM_ABI_VERSION);
    EXPECT(es(CRM_OK) != NULL);
    rc = op(":memory:", 0, &db);
    EXPECT(rc == CRM_OK);
    if (rc == CRM_OK) {
        EXPECT(ex(db, "account.create", "{\"name\":\"Header Check (Pty) Ltd\",\"source\":\"hc\",\"external_ref\":\"1\"}",
                  &json) == CRM_OK);
        fr(json);
        EXPECT(fi(db, "account", "hc", "1", &id) == CRM_OK && id > 0);
        EXPECT(hr(db, "*", h, NULL, &hid) == CRM_OK);
        EXPECT(be(db) == CRM_OK);
        EXPECT(ro(db) == CRM_OK);
        EXPECT(be(db) == CRM_OK);
        EXPECT(co(db) == CRM_OK);
        EXPECT(hu(db, hid) == CRM_OK);
        json = NULL;
        EXPECT(fe(db, "hc", 0, 10, &json) == CRM_OK);
        fr(json);
        EXPECT(ac(db, "hc", 1) == CRM_OK);
        EXPECT(bt(db, 100) == CRM_OK);
        EXPECT(bk(db, ":memory:") == CRM_INVALID);
        EXPECT(em(db) != NULL);
        EXPECT(cl(db) == CRM_OK);
    }
    printf("header_check (%s): crm.h %s, libcrm %s: %s\n",
#ifdef __cplusplus
           "C++",
#else
           "C",
#endif
           CRM_VERSION, v(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
