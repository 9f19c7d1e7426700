/* test_jobcards.c -- a job card through crm_exec: made, scheduled, started,
** labour and a part logged, completed with the customer's sign-off; an
** illegal move names both states and writes nothing; found by its reference. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_jobcards(void)
{
    crm_db *db = open_db(fresh("jobcards.sqlite"), 0);
    long long account, pump, fitter, card;
    int64_t found = -1;
    long events0;
    char *r, *out;
    if (!db)
        return;
    account = create(db, "account.create", account_json("Karoo Irrigation", NULL, NULL));
    pump = create(db, "product.create", "{\"code\":\"PUMP-075\",\"name\":\"Borehole pump\",\"kind\":\"part\","
                                        "\"unit_price_minor\":125000,\"tax_rate_bp\":1500}");
    fitter = create(db, "product.create", "{\"code\":\"LAB-FIT\",\"name\":\"Fitter\",\"kind\":\"labour\","
                                          "\"unit_price_minor\":45000,\"tax_rate_bp\":1500}");
    card = create(db, "jobcard.create", S("{\"account_id\":%lld,\"serial_number\":\"GRF-1\",\"source\":\"workshop\","
                                          "\"external_ref\":\"WO-1\"}", account));
    CHECK_RC(db, crm_find_by_ref(db, "jobcard", "workshop", "WO-1", &found), CRM_OK);
    CHECK(found == card);

    /* open cannot start: both states named, nothing written */
    events0 = count_events(db);
    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "jobcard.start", S("{\"id\":%lld}", card), &out), CRM_CONSTRAINT);
    CHECK(out == NULL && strstr(crm_errmsg(db), "from open to in_progress") != NULL);
    CHECK(count_events(db) == events0);

    crm_free(EXEC(db, "jobcard.schedule", S("{\"id\":%lld,\"scheduled_on\":\"2026-12-03\"}", card), CRM_OK));
    crm_free(EXEC(db, "jobcard.start", S("{\"id\":%lld}", card), CRM_OK));
    crm_free(EXEC(db, "jobcard.log_labour", S("{\"id\":%lld,\"technician\":\"Sipho\",\"minutes\":90,\"product_id\":%lld}",
                                              card, fitter), CRM_OK));
    crm_free(EXEC(db, "jobcard.use_part", S("{\"id\":%lld,\"product_id\":%lld,\"quantity_milli\":1000}", card, pump), CRM_OK));
    CHECK_RC(db, crm_exec(db, "jobcard.complete", S("{\"id\":%lld}", card), &out), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "signed_by is required") != NULL);
    r = EXEC(db, "jobcard.complete", S("{\"id\":%lld,\"signed_by\":\"J. Botha\"}", card), CRM_OK);
    CHECK(r && jstreq(r, "status", "completed") && jstreq(r, "sign_off.name", "J. Botha"));
    /* 1250.00 + 1.5 h x 450.00 = 1925.00; tax 187.50 + 101.25 */
    CHECK(r && jintd(r, "subtotal_minor", -1) == 192500 && jintd(r, "total_minor", -1) == 221375);
    crm_free(r);
    r = EXEC(db, "jobcard.billable", S("{\"id\":%lld}", card), CRM_OK);
    CHECK(r && jlen(r, "lines") == 2 && jintd(r, "lines[1].quantity_milli", -1) == 1500);
    crm_free(r);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
