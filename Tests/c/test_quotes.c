/* test_quotes.c -- a quote through crm_exec: made from catalogue lines
** and free text with the totals of the one rounding rule, sent, accepted
** (winning its opportunity), with an event tk_heard for every step; an
** illegal transition is refused naming both states and writes nothing. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_quotes(void)
{
    crm_db *db = open_db(fresh("quotes.sqlite"), 0);
    tk_heard_t h;
    int hid = -1;
    long long account, sheet, labour, opportunity, quote = -1;
    int64_t found = -1;
    long events0;
    char *r, *out;
    if (!db)
        return;
    memset(&h, 0, sizeof h);
    account = create(db, "account.create", "{\"name\":\"Khumalo Roofing\",\"currency\":\"ZAR\"}");
    sheet = create(db, "product.create",
                   "{\"code\":\"IBR-053\",\"name\":\"IBR sheet 0.53 mm, per metre\",\"unit\":\"m\","
                   "\"unit_price_minor\":18950,\"tax_rate_bp\":1500}");
    labour = create(db, "product.create",
                    "{\"code\":\"LAB-FIT\",\"name\":\"Fitter, per hour\",\"kind\":\"labour\",\"unit\":\"hour\","
                    "\"unit_price_minor\":45000,\"tax_rate_bp\":1500}");
    opportunity = create(db, "opportunity.create", S("{\"account_id\":%lld,\"title\":\"Warehouse roof\"}", account));
    CHECK_RC(db, crm_hook_register(db, "quote.*", tk_heard, &h, &hid), CRM_OK);

    r = EXEC(db, "quote.create",
             S("{\"opportunity_id\":%lld,\"valid_until\":\"2099-12-31\",\"source\":\"erp\",\"external_ref\":\"QT-1\","
               "\"lines\":[{\"product_id\":%lld,\"quantity_milli\":120000,\"discount_bp\":500},"
               "{\"product_id\":%lld,\"quantity_milli\":1500,\"discount_bp\":1000},"
               "{\"description\":\"Delivery to site\",\"quantity_milli\":333,\"unit_price_minor\":150}]}",
               opportunity, sheet, labour), CRM_OK);
    if (r) {
        quote = jintd(r, "id", -1);
        CHECK(jstreq(r, "number", "Q-000001") && jstreq(r, "status", "draft") && jintd(r, "account_id", -1) == account);
        CHECK(jlen(r, "lines") == 3 && jstreq(r, "lines[1].description", "Fitter, per hour"));
        /* 21603.00 + 607.50 + 0.50; tax 3240.45 + 91.13 */
        CHECK(jintd(r, "lines[0].net_minor", -1) == 2160300 && jintd(r, "lines[1].tax_minor", -1) == 9113);
        CHECK(jintd(r, "subtotal_minor", -1) == 2221100 && jintd(r, "tax_minor", -1) == 333158);
        CHECK(jintd(r, "total_minor", -1) == 2554258);
        crm_free(r);
    }
    CHECK(quote > 0);
    CHECK_RC(db, crm_find_by_ref(db, "quote", "erp", "QT-1", &found), CRM_OK);
    CHECK(found == quote);

    /* a draft cannot be accepted: refused naming both states, nothing written */
    events0 = count_events(db);
    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "quote.accept", S("{\"id\":%lld}", quote), &out), CRM_CONSTRAINT);
    CHECK(out == NULL && strstr(crm_errmsg(db), "from draft to accepted") != NULL);
    CHECK_RC(db, crm_exec(db, "quote.decline", S("{\"id\":%lld}", quote), &out), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "reason is required") != NULL);
    CHECK(count_events(db) == events0);

    r = EXEC(db, "quote.send", S("{\"id\":%lld,\"issued_on\":\"2026-12-01\"}", quote), CRM_OK);
    CHECK(r && jstreq(r, "status", "sent") && jstreq(r, "issued_on", "2026-12-01"));
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "quote.update", S("{\"id\":%lld,\"notes\":\"x\"}", quote), &out), CRM_CONSTRAINT);
    CHECK(strstr(crm_errmsg(db), "only a draft") != NULL);
    r = EXEC(db, "quote.accept", S("{\"id\":%lld}", quote), CRM_OK);
    CHECK(r && jstreq(r, "status", "accepted") && !jisnull(r, "accepted_at"));
    crm_free(r);
    r = EXEC(db, "opportunity.get", S("{\"id\":%lld}", opportunity), CRM_OK);
    CHECK(r && jstreq(r, "status", "won") && jstreq(r, "close_reason", "quote Q-000001 accepted"));
    crm_free(r);
    events0 = count_events(db);
    CHECK_RC(db, crm_exec(db, "quote.revise", S("{\"id\":%lld}", quote), &out), CRM_CONSTRAINT);
    CHECK(strstr(crm_errmsg(db), "from accepted to superseded") != NULL);
    CHECK(count_events(db) == events0);

    CHECKF(strcmp(tk_heard_types(&h), "quote.created quote.sent quote.accepted") == 0, "tk_heard: %s", tk_heard_types(&h));
    r = EXEC(db, "quote.list", "{\"status\":\"accepted\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jisnull(r, "next_cursor"));
    crm_free(r);
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
