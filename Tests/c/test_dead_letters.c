/* test_dead_letters.c -- the outbox's consumers, dead letters and retention
** through crm_exec: a failing event parked after max_attempts while the
** position moves past it, replayed and settled, a retired consumer refused,
** a prune that keeps what a late consumer lacks, and bad input. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

void test_dead_letters(void)
{
    crm_db *db = open_db(fresh("deadletters.sqlite"), 0);
    char *r, *events = NULL, *out;
    long long last = 0;
    int i;
    if (!db)
        return;
    for (i = 0; i < 4; i++)
        create(db, "account.create", account_json(S("Dead Letter %d", i), NULL, NULL));
    CHECK_RC(db, crm_events_fetch(db, "ledger", 0, 10, &events), CRM_OK);
    CHECK(events && jlen(events, "events") == 4 && jint(events, "last_seq", &last));
    crm_free(events);

    /* The second event fails three times: parked; the runner acks past it. */
    CHECK_RC(db, crm_events_ack(db, "ledger", last - 3), CRM_OK);
    for (i = 1; i <= 3; i++) {
        r = EXEC(db, "events.fail", S("{\"consumer\":\"ledger\",\"seq\":%lld,\"error\":\"exit 1\",\"max_attempts\":3}", last - 2), CRM_OK);
        CHECK(r && jintd(r, "attempts", -1) == i && jbool(r, "parked") == (i == 3));
        CHECK(r && jstreq(r, "state", i == 3 ? "parked" : "failing"));
        crm_free(r);
    }
    CHECK_RC(db, crm_events_ack(db, "ledger", last), CRM_OK);
    r = EXEC(db, "events.consumers", "{}", CRM_OK);
    CHECK(r && jstreq(r, "consumers[0].name", "ledger") && jintd(r, "consumers[0].acked_seq", -1) == last);
    CHECK(r && jintd(r, "consumers[0].dead_letters", -1) == 1 && jintd(r, "consumers[0].lag", -1) == 0);
    crm_free(r);
    r = EXEC(db, "events.dead_letters", "{\"consumer\":\"ledger\"}", CRM_OK);
    CHECK(r && jlen(r, "dead_letters") == 1 && jintd(r, "dead_letters[0].seq", -1) == last - 2);
    CHECK(r && jstreq(r, "dead_letters[0].event.type", "account.created") && jstreq(r, "dead_letters[0].last_error", "exit 1"));
    crm_free(r);

    /* Replayed, delivered, settled. */
    r = EXEC(db, "events.replay", S("{\"consumer\":\"ledger\",\"seq\":%lld}", last - 2), CRM_OK);
    CHECK(r && jstreq(r, "state", "replay") && jintd(r, "attempts", -1) == 0);
    crm_free(r);
    r = EXEC(db, "events.dead_letters", "{\"consumer\":\"ledger\",\"state\":\"replay\"}", CRM_OK);
    CHECK(r && jlen(r, "dead_letters") == 1);
    crm_free(r);
    r = EXEC(db, "events.settle", S("{\"consumer\":\"ledger\",\"seq\":%lld}", last - 2), CRM_OK);
    CHECK(r && jbool(r, "settled") == 1);
    crm_free(r);

    /* A late consumer holds pruning back; retired, it holds nothing. */
    CHECK_RC(db, crm_events_ack(db, "late", last - 2), CRM_OK);
    r = EXEC(db, "events.prune", "{\"older_than_days\":0}", CRM_OK);
    CHECK(r && jstreq(r, "held_back_by", "late") && jintd(r, "up_to_seq", -1) == last - 2);
    crm_free(r);
    r = EXEC(db, "events.retire", "{\"consumer\":\"late\"}", CRM_OK);
    CHECK(r && !jisnull(r, "retired_at"));
    crm_free(r);
    events = (char *)"untouched";
    CHECK_RC(db, crm_events_fetch(db, "late", 0, 10, &events), CRM_CONSTRAINT);
    CHECK(events == NULL && strstr(crm_errmsg(db), "retired") != NULL);
    CHECK_RC(db, crm_events_ack(db, "late", last), CRM_CONSTRAINT);

    /* Bad input names the field and writes nothing. */
    out = (char *)"untouched";
    CHECK_RC(db, crm_exec(db, "events.fail", "{\"consumer\":\"ledger\",\"seq\":1}", &out), CRM_INVALID);
    CHECK(out == NULL && strstr(crm_errmsg(db), "error") != NULL);
    CHECK_RC(db, crm_exec(db, "events.fail", "{\"consumer\":\"ledger\",\"seq\":999,\"error\":\"x\"}", &out), CRM_NOTFOUND);
    CHECK_RC(db, crm_exec(db, "events.fail", S("{\"consumer\":\"ledger\",\"seq\":%lld,\"error\":\"x\"}", last), &out), CRM_CONFLICT);
    CHECK_RC(db, crm_exec(db, "events.replay", "{\"consumer\":\"ledger\",\"seq\":1}", &out), CRM_NOTFOUND);
    CHECK_RC(db, crm_exec(db, "events.retire", "{\"consumer\":\"ghost\"}", &out), CRM_NOTFOUND);
    CHECK(strstr(crm_errmsg(db), "ghost") != NULL);
    CHECK_RC(db, crm_exec(db, "events.prune", "{\"older_than_days\":-1}", &out), CRM_RANGE);
    CHECK(strstr(crm_errmsg(db), "older_than_days") != NULL);
    r = EXEC(db, "events.dead_letters", "{\"consumer\":\"ledger\"}", CRM_OK);
    CHECK(r && jlen(r, "dead_letters") == 0);
    crm_free(r);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
