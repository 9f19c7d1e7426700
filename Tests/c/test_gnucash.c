/* test_gnucash.c -- bridge.import_gnucash through crm_exec, as a C host calls
** it, on the committed book Tests/fixtures/gnucash/shop.gnucash (made by
** make_book.py with GnuCash's own engine; the suite runs from the source
** tree): a dry run that writes nothing, the import, the book's whole
** receivable equal to libcrm's ageing (worked out with plain SQL over the
** book's splits), a second import that replays everything, and a missing
** book named by its path. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GNUCASH_BOOK "Tests/fixtures/gnucash/shop.gnucash"

/* The book's receivable: every split on its A/R accounts, in cents. */
static long long book_receivable(void)
{
    sqlite3 *book = NULL;
    sqlite3_stmt *statement = NULL;
    long long total = -1;
    if (sqlite3_open_v2(GNUCASH_BOOK, &book, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
        && sqlite3_prepare_v2(book,
                              "SELECT SUM(s.value_num * 100 / s.value_denom) FROM splits s "
                              "JOIN accounts a ON a.guid = s.account_guid WHERE a.account_type = 'RECEIVABLE'",
                              -1, &statement, NULL) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        total = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(book);
    return total;
}

void test_gnucash(void)
{
    crm_db *db;
    char *r;
    long long receivable = book_receivable();
    if (access(GNUCASH_BOOK, R_OK) != 0) {
        CHECKF(0, "%s is not readable from here: run the suite from the source tree", GNUCASH_BOOK);
        return;
    }
    db = open_db(fresh("gnucash.sqlite"), 0);
    if (!db)
        return;
    CHECKF(receivable > 0, "book receivable %lld", receivable);

    /* A dry run counts and writes nothing. */
    r = EXEC(db, "bridge.import_gnucash", "{\"path\":\"" GNUCASH_BOOK "\",\"dry_run\":true}", CRM_OK);
    CHECK(r && jintd(r, "counts.invoices.created", -1) == 61 && jintd(r, "counts.payments.created", -1) == 57);
    crm_free(r);
    r = EXEC(db, "account.list", "{}", CRM_OK);
    CHECK(r && strstr(r, "\"items\":[]") != NULL);
    crm_free(r);

    r = EXEC(db, "bridge.import_gnucash", "{\"path\":\"" GNUCASH_BOOK "\"}", CRM_OK);
    CHECK(r && jintd(r, "error_count", -1) == 0 && jintd(r, "counts.customers.created", -1) == 6
          && jintd(r, "counts.invoices.created", -1) == 61 && jintd(r, "counts.credit_notes.created", -1) == 1
          && jintd(r, "counts.payments.created", -1) == 57 && jintd(r, "counts.invoices.skipped", -1) == 2);
    crm_free(r);

    /* What every customer owes in libcrm is what the book's receivable holds. */
    r = EXEC(db, "ar.ageing", "{\"as_of\":\"2030-01-01\",\"currency\":\"ZAR\"}", CRM_OK);
    CHECKF(r && jintd(r, "net_minor", -1) == receivable, "net %lld, book %lld", r ? jintd(r, "net_minor", -1) : -1, receivable);
    crm_free(r);
    r = EXEC(db, "account.get", "{\"source\":\"gnucash\",\"external_ref\":\"C006\"}", CRM_OK);
    CHECK(r && jstreq(r, "status", "dormant"));
    crm_free(r);

    /* Again: everything replays. */
    r = EXEC(db, "bridge.import_gnucash", "{\"path\":\"" GNUCASH_BOOK "\"}", CRM_OK);
    CHECK(r && jintd(r, "counts.invoices.created", -1) == 0 && jintd(r, "counts.invoices.replayed", -1) == 61
          && jintd(r, "counts.payments.replayed", -1) == 57);
    crm_free(r);

    r = EXEC(db, "bridge.import_gnucash", "{\"path\":\"" GNUCASH_BOOK ".missing\"}", CRM_IO);
    CHECK(strstr(crm_errmsg(db), "path") != NULL);
    crm_free(r);
    r = EXEC(db, "bridge.import_gnucash", "{\"path\":\"" GNUCASH_BOOK "\",\"as_of\":\"someday\"}", CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "as_of") != NULL);
    crm_free(r);
    crm_close(db);
}
