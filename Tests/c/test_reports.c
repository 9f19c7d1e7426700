/* test_reports.c -- the pipeline reports through crm_exec: two deals made
** and moved by the commands, the funnel, forecast and win/loss figures
** worked out by hand; a report writes no event; bad arguments are
** CRM_INVALID naming the field, with no answer. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdio.h>
#include <string.h>

void test_reports(void)
{
    crm_db *db = open_db(fresh("reports.sqlite"), 0);
    long long account, gutters, paint;
    long events0;
    char *r, *out;
    if (!db)
        return;
    account = create(db, "account.create", "{\"name\":\"Mthembu Hardware\"}");
    gutters = create(db, "opportunity.create",
                     S("{\"account_id\":%lld,\"title\":\"Gutters\",\"amount_minor\":4350001,\"currency\":\"ZAR\","
                       "\"owner\":\"thabo\",\"expected_close_on\":\"2027-01-29\"}", account));
    paint = create(db, "opportunity.create",
                   S("{\"account_id\":%lld,\"title\":\"Paint\",\"amount_minor\":100000,\"currency\":\"ZAR\","
                     "\"competitor\":\"Acme\"}", account));
    crm_free(EXEC(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"negotiation\"}", gutters), CRM_OK));
    crm_free(EXEC(db, "opportunity.move", S("{\"id\":%lld,\"stage\":\"lost\",\"reason\":\"price\"}", paint), CRM_OK));
    events0 = count_events(db);

    /* both reached prospecting, only Gutters the rest: 1/2 = 5000 bp on to qualification */
    r = EXEC(db, "report.funnel", "{\"from\":\"2000-01-01\",\"to\":\"2099-12-31\",\"currency\":\"ZAR\"}", CRM_OK);
    CHECK(r && jintd(r, "total.created", -1) == 2 && jintd(r, "total.amount_minor", -1) == 4450001);
    CHECK(r && jintd(r, "total.stages[0].reached", -1) == 2 && jintd(r, "total.stages[0].conversion_to_next.rate_bp", -1) == 5000);
    CHECK(r && jintd(r, "total.stages[3].reached", -1) == 1 && jintd(r, "total.stages[4].reached", -1) == 0);
    CHECK(r && jintd(r, "total.lost", -1) == 1 && jintd(r, "total.win_rate.rate_bp", -1) == 0);
    crm_free(r);
    /* 4 350 001 x 70% = 3 045 000.7 -> 3 045 001 in January 2027 */
    r = EXEC(db, "report.forecast", "{\"from\":\"2027-01-01\",\"to\":\"2027-02-28\",\"currency\":\"ZAR\"}", CRM_OK);
    CHECK(r && jlen(r, "rows") == 2 && jstreq(r, "rows[0].month", "2027-01") && jintd(r, "rows[0].weighted_minor", -1) == 3045001);
    CHECK(r && jintd(r, "rows[1].opportunities", -1) == 0);
    crm_free(r);
    /* lost to Acme: a win rate of 0/1; no win at all, so the total win rate by value is 0/100000 */
    r = EXEC(db, "report.win_loss", "{\"from\":\"2000-01-01\",\"to\":\"2099-12-31\",\"currency\":\"ZAR\",\"group_by\":\"competitor\"}", CRM_OK);
    CHECK(r && jlen(r, "rows") == 1 && jstreq(r, "rows[0].competitor", "Acme") && jintd(r, "rows[0].lost.amount_minor", -1) == 100000);
    CHECK(r && jintd(r, "total.win_rate.denominator", -1) == 1 && jintd(r, "total.win_rate.rate_bp", -1) == 0);
    crm_free(r);
    CHECK(count_events(db) == events0);

    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "report.funnel", "{\"from\":\"2027-02-01\",\"to\":\"2027-01-01\",\"currency\":\"ZAR\"}", &out), CRM_INVALID);
    CHECK(out == NULL && strstr(crm_errmsg(db), "from 2027-02-01 is after to 2027-01-01") != NULL);
    CHECK_RC(db, crm_exec(db, "report.win_loss", "{\"from\":\"2027-01-01\",\"to\":\"2027-01-31\",\"currency\":\"ZAR\",\"group_by\":\"region\"}", &out),
             CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "group_by must be one of") != NULL);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
