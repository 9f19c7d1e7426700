/* test_pipeline.c -- a lead's way to a won opportunity through crm_exec:
** qualify, convert (account, contact and opportunity in one call), move
** through the pipeline to won, with an event tk_heard for every step; a
** repeated conversion replays; bad moves are refused and write nothing. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_pipeline(void)
{
    crm_db *db = open_db(fresh("pipeline.sqlite"), 0);
    tk_heard_t h;
    int hid = -1;
    long long lead, opportunity = -1, account = -1;
    int64_t found = -1;
    long events0;
    char *r, *out;
    if (!db)
        return;
    memset(&h, 0, sizeof h);
    CHECK_RC(db, crm_hook_register(db, "*", tk_heard, &h, &hid), CRM_OK);

    lead = create(db, "lead.create",
                  "{\"first_name\":\"Naledi\",\"last_name\":\"Khumalo\",\"company\":\"Khumalo Roofing\","
                  "\"email\":\"naledi@khumaloroofing.example\",\"region\":\"Gauteng\","
                  "\"interest\":\"IBR sheeting for a warehouse\",\"estimated_value_minor\":18500000,"
                  "\"owner\":\"thabo\",\"source_channel\":\"web\"}");
    /* converting needs a qualified lead */
    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "lead.convert", S("{\"id\":%lld}", lead), &out), CRM_CONSTRAINT);
    CHECK(out == NULL && strstr(crm_errmsg(db), "from new to converted") != NULL);
    crm_free(EXEC(db, "lead.transition", S("{\"id\":%lld,\"to\":\"contacted\"}", lead), CRM_OK));
    crm_free(EXEC(db, "lead.transition", S("{\"id\":%lld,\"to\":\"qualified\"}", lead), CRM_OK));

    r = EXEC(db, "lead.convert", S("{\"id\":%lld,\"performed_by\":\"thabo\"}", lead), CRM_OK);
    if (r) {
        CHECK(jbool(r, "replayed") == 0 && jbool(r, "account_created") == 1);
        CHECK(jstreq(r, "lead.status", "converted") && jstreq(r, "account.name", "Khumalo Roofing"));
        CHECK(jstreq(r, "opportunity.stage", "prospecting") && jintd(r, "opportunity.probability", -1) == 10);
        CHECK(jintd(r, "opportunity.amount_minor", -1) == 18500000 && jintd(r, "opportunity.lead_id", -1) == lead);
        opportunity = jintd(r, "opportunity.id", -1);
        account = jintd(r, "account.id", -1);
        crm_free(r);
    }
    CHECK(opportunity > 0 && account > 0);
    /* the same conversion again replays, writes nothing */
    events0 = count_events(db);
    r = EXEC(db, "lead.convert", S("{\"id\":%lld,\"performed_by\":\"thabo\"}", lead), CRM_OK);
    CHECK(r && jbool(r, "replayed") == 1 && jintd(r, "opportunity.id", -1) == opportunity);
    crm_free(r);
    CHECK(count_events(db) == events0);

    crm_free(EXEC(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"proposal\"}", opportunity), CRM_OK));
    /* won needs a reason; a bad stage is named; neither writes */
    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"won\"}", opportunity), &out), CRM_INVALID);
    CHECK(out == NULL && strstr(crm_errmsg(db), "reason is required") != NULL);
    CHECK_RC(db, crm_exec(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"signed\"}", opportunity), &out), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "'signed'") != NULL);
    r = EXEC(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"won\",\"reason\":\"best lead time\"}", opportunity), CRM_OK);
    CHECK(r && jstreq(r, "status", "won") && jintd(r, "probability", -1) == 100 && jstreq(r, "close_reason", "best lead time"));
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"lost\",\"reason\":\"x\"}", opportunity), &out),
             CRM_CONSTRAINT);
    CHECK(strstr(crm_errmsg(db), "from won to lost") != NULL);

    CHECKF(strcmp(tk_heard_types(&h), "lead.created lead.transitioned lead.transitioned account.created contact.created "
                                    "opportunity.created lead.converted opportunity.moved opportunity.won") == 0,
           "tk_heard: %s", tk_heard_types(&h));
    r = EXEC(db, "opportunity.history", S("{\"id\":%lld}", opportunity), CRM_OK);
    CHECK(r && jlen(r, "items") == 3 && jstreq(r, "items[2].to", "won") && jstreq(r, "items[1].from", "prospecting"));
    crm_free(r);
    r = EXEC(db, "lead.referrals", S("{\"account_id\":%lld}", account), CRM_OK);
    CHECK(r && jintd(r, "referred", -1) == 0);
    crm_free(r);
    /* an opportunity made with the host's reference is found by it */
    create(db, "opportunity.create", S("{\"account_id\":%lld,\"title\":\"Gutters\",\"source\":\"erp\",\"external_ref\":\"OPP-9\"}", account));
    CHECK_RC(db, crm_find_by_ref(db, "opportunity", "erp", "OPP-9", &found), CRM_OK);
    CHECK(found > opportunity);
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
