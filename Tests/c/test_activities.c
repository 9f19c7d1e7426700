/* test_activities.c -- activities, reminders and call lists through crm_exec:
** a call planned and completed (logged in the customer's history), bad
** input refused without a write, reminders made at most once, a call list
** that skips a phone opt-out, and the time report, with every event heard. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_activities(void)
{
    crm_db *db = open_db(fresh("activities.sqlite"), 0);
    tk_heard_t h;
    int hid = -1;
    long long account, contact, opted_out, call, interaction = -1, list = -1;
    long events0;
    char *r, *out;
    if (!db)
        return;
    memset(&h, 0, sizeof h);
    account = create(db, "account.create", "{\"name\":\"Bester Hardware\",\"owner\":\"thabo\",\"region\":\"Gauteng\"}");
    contact = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Bester\",\"phone\":\"082 555 0101\"}", account));
    opted_out = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Nel\",\"phone\":\"082 555 0102\"}", account));
    crm_free(EXEC(db, "contact.consent",
                  S("{\"contact_id\":%lld,\"channel\":\"phone\",\"status\":\"opted_out\",\"source\":\"call centre\"}", opted_out),
                  CRM_OK));
    CHECK_RC(db, crm_hook_register(db, "*", tk_heard, &h, &hid), CRM_OK);

    call = create(db, "activity.create",
                  S("{\"kind\":\"call\",\"subject\":\"Spring order\",\"contact_id\":%lld,\"owner\":\"thabo\"}", contact));
    /* bad input names the field and writes nothing */
    events0 = count_events(db);
    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "activity.complete", S("{\"id\":%lld,\"minutes_spent\":10081}", call), &out), CRM_RANGE);
    CHECK(out == NULL && strstr(crm_errmsg(db), "minutes_spent") != NULL);
    CHECK_RC(db, crm_exec(db, "activity.create", "{\"kind\":\"task\",\"subject\":\"x\"}", &out), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "at least one of lead_id") != NULL);
    CHECK(count_events(db) == events0);

    r = EXEC(db, "activity.complete",
             S("{\"id\":%lld,\"outcome\":\"Order promised\",\"minutes_spent\":25,\"completed_at\":\"2026-11-30T10:00:00Z\"}", call),
             CRM_OK);
    if (r) {
        CHECK(jstreq(r, "status", "done") && jintd(r, "account_id", -1) == account);
        interaction = jintd(r, "interaction_id", -1);
        crm_free(r);
    }
    r = EXEC(db, "interaction.get", S("{\"id\":%lld}", interaction), CRM_OK);
    CHECK(r && jstreq(r, "kind", "call") && jstreq(r, "body", "Order promised") && jintd(r, "contact_id", -1) == contact);
    crm_free(r);

    /* reminders: the new lead is followed up once, however often the run comes */
    create(db, "lead.create", "{\"company\":\"Khumalo Roofing\",\"owner\":\"lerato\"}");
    r = EXEC(db, "reminder.run", "{\"as_of\":\"2999-01-01\"}", CRM_OK);
    CHECK(r && jlen(r, "created") == 1 && jstreq(r, "created[0].rule", "lead_untouched") &&
          jstreq(r, "created[0].activity.owner", "lerato"));
    crm_free(r);
    r = EXEC(db, "reminder.run", "{\"as_of\":\"2999-12-31\"}", CRM_OK);
    CHECK(r && jlen(r, "created") == 0);
    crm_free(r);
    r = EXEC(db, "reminder.list", "{\"owner\":\"lerato\",\"date\":\"2999-01-01\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1);
    crm_free(r);

    /* the call list leaves out the contact who opted out of phone calls */
    r = EXEC(db, "calllist.build", "{\"from\":\"accounts\",\"name\":\"Gauteng\",\"region\":\"Gauteng\"}", CRM_OK);
    if (r) {
        CHECK(jintd(r, "entry_count", -1) == 1 && jintd(r, "skipped.opted_out", -1) == 1);
        list = jintd(r, "id", -1);
        crm_free(r);
    }
    r = EXEC(db, "calllist.get", S("{\"id\":%lld}", list), CRM_OK);
    CHECK(r && jintd(r, "entries[0].contact_id", -1) == contact && jintd(r, "skipped[0].contact_id", -1) == opted_out &&
          jstreq(r, "skipped[0].reason", "opted_out"));
    crm_free(r);

    r = EXEC(db, "report.time", "{\"from\":\"2026-11-01\",\"to\":\"2026-11-30\",\"by\":\"owner\"}", CRM_OK);
    CHECK(r && jstreq(r, "items[0].owner", "thabo") && jintd(r, "items[0].minutes_spent", -1) == 25 &&
          jintd(r, "total.completed", -1) == 1);
    crm_free(r);
    r = EXEC(db, "activity.summary", S("{\"account_id\":%lld}", account), CRM_OK);
    CHECK(r && jintd(r, "count", -1) == 1 && jstreq(r, "last_completed_at", "2026-11-30T10:00:00Z"));
    crm_free(r);

    CHECKF(strcmp(tk_heard_types(&h), "activity.created interaction.logged activity.completed lead.created reminder.due "
                                        "calllist.built") == 0,
           "heard: %s", tk_heard_types(&h));
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
