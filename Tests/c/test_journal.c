/* test_journal.c -- bridge.export_journal through crm_exec: a C host gets
** the journal text of its postings, a consumer's part acknowledged in the
** same call, and bad input refused naming the field. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

void test_journal(void)
{
    crm_db *db = open_db(fresh("journal.sqlite"), 0);
    long long account, invoice;
    char *r, *text;
    if (!db)
        return;
    account = create(db, "account.create", account_json("Karoo Irrigation", NULL, NULL));
    invoice = create(db, "invoice.create",
                     S("{\"account_id\":%lld,\"lines\":[{\"description\":\"Pump\",\"quantity_milli\":1000,"
                       "\"unit_price_minor\":100000,\"tax_rate_bp\":1500}]}", account));
    crm_free(EXEC(db, "invoice.issue", S("{\"id\":%lld,\"issued_on\":\"2026-12-01\"}", invoice), CRM_OK));
    create(db, "payment.record",
           S("{\"account_id\":%lld,\"amount_minor\":40000,\"method\":\"eft\",\"received_on\":\"2026-12-02\","
             "\"allocations\":[{\"invoice_id\":%lld,\"amount_minor\":40000}]}", account, invoice));

    /* 1150.00 invoiced, 400.00 paid: 750.00 asserted after the payment. */
    r = EXEC(db, "bridge.export_journal", "{\"format\":\"ledger\",\"consumer\":\"books\"}", CRM_OK);
    CHECK(r && jintd(r, "transactions", -1) == 2 && jintd(r, "from_seq", -1) == 0);
    text = r ? jstr(r, "text") : NULL;
    CHECK(text && strstr(text, "2026-12-01 (INV-000001) Invoice INV-000001\n"));
    CHECK(text && strstr(text, S("    Assets:Receivable:1100:Karoo Irrigation %lld  -400.00 ZAR = 750.00 ZAR\n", account)));
    free(text);
    crm_free(r);
    /* Acknowledged: the next part is empty. */
    r = EXEC(db, "bridge.export_journal", "{\"format\":\"beancount\",\"consumer\":\"books\"}", CRM_OK);
    CHECK(r && jintd(r, "transactions", -1) == 0);
    crm_free(r);

    /* Bad input names the field and acknowledges nothing. */
    crm_free(EXEC(db, "bridge.export_journal", "{\"format\":\"csv\",\"consumer\":\"late\"}", CRM_INVALID));
    CHECK(strstr(crm_errmsg(db), "format") != NULL);
    crm_free(EXEC(db, "bridge.export_journal", "{\"format\":\"ledger\",\"limit\":0,\"consumer\":\"late\"}", CRM_RANGE));
    CHECK(strstr(crm_errmsg(db), "limit") != NULL);
    r = EXEC(db, "bridge.export_journal", "{\"format\":\"hledger\",\"consumer\":\"late\"}", CRM_OK);
    CHECK(r && jintd(r, "from_seq", -1) == 0 && jintd(r, "transactions", -1) == 2);
    crm_free(r);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
