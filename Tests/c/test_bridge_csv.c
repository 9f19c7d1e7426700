/* test_bridge_csv.c -- CSV import and export through crm_exec, as a C host
** calls them: bridge.import_csv batch after batch until done, bad rows by
** line while the good ones land, a rerun that replays, an export, and bad
** calls naming the field. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void test_bridge_csv(void)
{
    crm_db *db = open_db(fresh("bridge_csv.sqlite"), 0);
    const char *csv = tpath("accounts.csv"), *out = tpath("accounts-out.csv");
    const char *mapping = "{\"external_ref\":\"Code\",\"name\":\"Customer\",\"credit_limit_minor\":\"Limit\"}";
    long long next = 0, created = 0, errors = 0, calls = 0, first_error_line = 0;
    char *r;
    if (!db)
        return;
    unlink(out);
    /* Line 3 has an amount that is not one; the others land. */
    {
        const char *text = "Code,Customer,Limit\r\nK1,\"Karoo, Irrigation\",\"1 500.25\"\r\nK2,Bad,1x\r\nK3,Third,7\r\n";
        write_file(csv, text, strlen(text));
    }
    do {
        r = EXEC(db, "bridge.import_csv",
                 next ? S("{\"kind\":\"accounts\",\"path\":\"%s\",\"mapping\":%s,\"source\":\"legacy\",\"batch_size\":2,"
                          "\"resume_from_line\":%lld}", csv, mapping, next)
                      : S("{\"kind\":\"accounts\",\"path\":\"%s\",\"mapping\":%s,\"source\":\"legacy\",\"batch_size\":2}",
                          csv, mapping),
                 CRM_OK);
        if (!r)
            break;
        created += jintd(r, "created", -100);
        errors += jintd(r, "error_count", -100);
        if (!first_error_line)
            first_error_line = jintd(r, "errors[0].line", 0);
        next = jintd(r, "next_line", 0);
        calls++;
        crm_free(r);
    } while (next && calls < 10);
    CHECKF(calls == 2 && created == 2 && errors == 1 && first_error_line == 3, "calls %lld created %lld errors %lld line %lld",
           calls, created, errors, first_error_line);
    r = EXEC(db, "account.get", "{\"source\":\"legacy\",\"external_ref\":\"K1\"}", CRM_OK);
    CHECK(r && jintd(r, "credit_limit_minor", 0) == 150025 && jstreq(r, "name", "Karoo, Irrigation"));
    crm_free(r);

    /* Again, from the start: everything replays. */
    r = EXEC(db, "bridge.import_csv",
             S("{\"kind\":\"accounts\",\"path\":\"%s\",\"mapping\":%s,\"source\":\"legacy\",\"restart\":true}", csv, mapping), CRM_OK);
    CHECK(r && jintd(r, "created", -1) == 0 && jintd(r, "replayed", -1) == 2 && strstr(r, "\"done\":true") != NULL);
    crm_free(r);

    r = EXEC(db, "bridge.export_csv", S("{\"kind\":\"accounts\",\"path\":\"%s\",\"columns\":[\"external_ref\",\"credit_limit\"]}", out), CRM_OK);
    CHECK(r && jintd(r, "rows_written", 0) == 2);
    crm_free(r);
    {
        char text[256] = "";
        FILE *f = fopen(out, "rb");
        size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
        if (f)
            fclose(f);
        text[n] = '\0';
        CHECKF(strcmp(text, "external_ref,credit_limit\r\nK1,1500.25\r\nK3,7.00\r\n") == 0, "%s", text);
    }
    /* An existing file is not overwritten; a missing one is named; an unknown mapped field is named. */
    r = EXEC(db, "bridge.export_csv", S("{\"kind\":\"accounts\",\"path\":\"%s\"}", out), CRM_CONFLICT);
    CHECK(strstr(crm_errmsg(db), "path") != NULL);
    crm_free(r);
    r = EXEC(db, "bridge.import_csv",
             S("{\"kind\":\"accounts\",\"path\":\"%s.missing\",\"mapping\":%s,\"source\":\"legacy\"}", csv, mapping), CRM_NOTFOUND);
    CHECK(strstr(crm_errmsg(db), "path") != NULL);
    crm_free(r);
    r = EXEC(db, "bridge.import_csv",
             S("{\"kind\":\"accounts\",\"path\":\"%s\",\"mapping\":{\"external_ref\":\"Code\",\"nmae\":\"Customer\"},\"source\":\"legacy\"}", csv),
             CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "nmae") != NULL);
    crm_free(r);
    unlink(out);
    crm_close(db);
}
