/* test_credit_policy.c -- credit control through crm_exec and the typed
** crm_credit_check: a policy configured, quote acceptance warned, job card
** creation refused with CRM_CREDIT_HOLD and the decision in json_result, an
** override heard and consumed, a hold placed by an invoice issue and
** released by a payment, each decision answered by crm_credit_check. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *one_line(long long amount)
{
    return S("\"lines\":[{\"description\":\"Work\",\"quantity_milli\":1000,\"unit_price_minor\":%lld}]", amount);
}

static long long sent_quote(crm_db *db, long long account, long long amount)
{
    long long id = create(db, "quote.create", S("{\"account_id\":%lld,%s}", account, one_line(amount)));
    crm_free(EXEC(db, "quote.send", S("{\"id\":%lld}", id), CRM_OK));
    return id;
}

static int check_decision(crm_db *db, long long account, long long amount, int stage)
{
    int decision = -1;
    CHECK_RC(db, crm_credit_check(db, account, amount, stage, &decision), CRM_OK);
    return decision;
}

void test_credit_policy(void)
{
    crm_db *db = open_db(fresh("creditpolicy.sqlite"), 0);
    tk_heard_t heard;
    int hid, decision = -1;
    long long account, quote, draft, card;
    char *r, *json = NULL;
    if (!db)
        return;
    memset(&heard, 0, sizeof heard);
    account = create(db, "account.create", account_json("Walk-in Hardware", NULL, NULL));
    /* 50,000 owed against a limit of 40,000: outside the policy. */
    (void)create(db, "invoice.record",
                  S("{\"source\":\"ledger\",\"external_ref\":\"W-1\",\"account_id\":%lld,\"number\":\"W-1\","
                    "\"issued_on\":\"2026-11-20\",\"due_on\":\"2099-12-20\",\"total_minor\":50000}", account));
    r = EXEC(db, "credit.configure_policy",
             S("{\"account_id\":%lld,\"credit_limit_minor\":40000,\"quote_acceptance\":\"warn\","
               "\"jobcard_creation\":\"block\",\"invoice_issue\":\"require_prepayment\"}", account), CRM_OK);
    CHECK(r && jstreq(r, "level", "account") && jintd(r, "version", 0) == 1);
    crm_free(r);

    /* Each decision through the typed what-if. */
    CHECK(check_decision(db, account, 1000, CRM_STAGE_QUOTE_ACCEPTANCE) == CRM_DECISION_WARN);
    CHECK(check_decision(db, account, 1000, CRM_STAGE_JOBCARD_CREATION) == CRM_DECISION_BLOCK);
    CHECK(check_decision(db, account, 1000, CRM_STAGE_INVOICE_ISSUE) == CRM_DECISION_REQUIRE_PREPAYMENT);
    crm_free(EXEC(db, "credit.configure_policy",
                  S("{\"account_id\":%lld,\"credit_limit_minor\":40000,\"quote_acceptance\":\"warn\","
                    "\"jobcard_creation\":\"block\",\"invoice_issue\":\"hold\"}", account), CRM_OK));
    CHECK(check_decision(db, account, 1000, CRM_STAGE_INVOICE_ISSUE) == CRM_DECISION_HOLD);
    CHECK(check_decision(db, account, 0, CRM_STAGE_INVOICE_ISSUE) == CRM_DECISION_HOLD);
    crm_free(EXEC(db, "credit.configure_policy",
                  S("{\"account_id\":%lld,\"credit_limit_minor\":100000,\"quote_acceptance\":\"warn\","
                    "\"jobcard_creation\":\"block\",\"invoice_issue\":\"hold\"}", account), CRM_OK));
    CHECK(check_decision(db, account, 1000, CRM_STAGE_JOBCARD_CREATION) == CRM_DECISION_ALLOW);
    crm_free(EXEC(db, "credit.configure_policy",
                  S("{\"account_id\":%lld,\"credit_limit_minor\":40000,\"quote_acceptance\":\"warn\","
                    "\"jobcard_creation\":\"block\",\"invoice_issue\":\"warn\"}", account), CRM_OK));
    /* Bad input: an unknown stage, a negative amount, no account, NULL out. */
    CHECK_RC(db, crm_credit_check(db, account, 0, 7, &decision), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "stage") != NULL);
    CHECK_RC(db, crm_credit_check(db, account, -1, CRM_STAGE_INVOICE_ISSUE, &decision), CRM_RANGE);
    CHECK(strstr(crm_errmsg(db), "amount_minor") != NULL);
    CHECK_RC(db, crm_credit_check(db, 999, 0, CRM_STAGE_INVOICE_ISSUE, &decision), CRM_NOTFOUND);
    CHECK_RC(db, crm_credit_check(db, account, 0, CRM_STAGE_INVOICE_ISSUE, NULL), CRM_INVALID);
    CHECK_RC(NULL, crm_credit_check(NULL, account, 0, CRM_STAGE_INVOICE_ISSUE, &decision), CRM_MISUSE);

    /* Quote acceptance warns: through, with the decision in the result. */
    quote = sent_quote(db, account, 2000);
    r = EXEC(db, "quote.accept", S("{\"id\":%lld}", quote), CRM_OK);
    CHECK(r && jstreq(r, "status", "accepted") && jstreq(r, "credit.decision", "warn"));
    CHECK(r && jintd(r, "credit.exposure_minor", 0) == 52000);
    crm_free(r);

    /* Job card creation is blocked: CRM_CREDIT_HOLD, the message says why,
    ** json_result carries the decision, nothing is written. */
    CHECK_RC(db, crm_exec(db, "jobcard.create", S("{\"quote_id\":%lld}", quote), &json), CRM_CREDIT_HOLD);
    CHECK(strstr(crm_errmsg(db), "jobcard.create") != NULL && strstr(crm_errmsg(db), "credit limit") != NULL);
    CHECKF(json && jstreq(json, "decision", "block") && jstreq(json, "reasons[0].rule", "credit_limit") &&
               jintd(json, "limit_minor", 0) == 40000,
           "decision %s", json ? json : "(null)");
    crm_free(json);
    json = NULL;
    r = EXEC(db, "jobcard.list", "{}", CRM_OK);
    CHECK(r && jlen(r, "items") == 0);
    crm_free(r);

    /* An override lets one through; the hook hears credit.overridden. */
    CHECK_RC(db, crm_hook_register(db, "credit.*", tk_heard, &heard, &hid), CRM_OK);
    crm_free(EXEC(db, "credit.override",
                  S("{\"account_id\":%lld,\"stage\":\"jobcard_creation\",\"user\":\"thandi\",\"reason\":\"Cash on site\"}",
                    account), CRM_OK));
    CHECKF(strcmp(tk_heard_types(&heard), "credit.overridden") == 0, "heard %s", tk_heard_types(&heard));
    r = EXEC(db, "jobcard.create", S("{\"quote_id\":%lld}", quote), CRM_OK);
    CHECK(r && jstreq(r, "credit.override.user", "thandi"));
    card = r ? jintd(r, "id", 0) : 0;
    CHECK(card > 0);
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "jobcard.create", S("{\"account_id\":%lld,%s}", account, one_line(100)), &json),
             CRM_CREDIT_HOLD);
    crm_free(json);
    json = NULL;

    /* A hold placed by an invoice issue (the policy holds at job card
    ** creation); a payment brings the account back inside and releases it. */
    crm_free(EXEC(db, "credit.configure_policy",
                  S("{\"account_id\":%lld,\"credit_limit_minor\":60000,\"invoice_issue\":\"warn\","
                    "\"jobcard_creation\":\"hold\"}", account), CRM_OK));
    draft = create(db, "invoice.create", S("{\"account_id\":%lld,%s}", account, one_line(9000)));
    r = EXEC(db, "invoice.issue", S("{\"id\":%lld}", draft), CRM_OK);
    CHECK(r && jstreq(r, "credit.decision", "warn"));    /* 50,000 + card 2,000 + 9,000 = 61,000 */
    crm_free(r);
    CHECKF(strcmp(tk_heard_types(&heard), "credit.overridden credit.policy_configured credit.held") == 0, "heard %s", tk_heard_types(&heard));
    CHECK(check_decision(db, account, 0, CRM_STAGE_JOBCARD_CREATION) == CRM_DECISION_HOLD);
    r = EXEC(db, "payment.record",
             S("{\"account_id\":%lld,\"amount_minor\":9000,\"method\":\"eft\",\"received_on\":\"2026-12-01\","
               "\"allocations\":[{\"invoice_id\":%lld,\"amount_minor\":9000}]}", account, draft), CRM_OK);
    crm_free(r);
    CHECKF(strcmp(tk_heard_types(&heard), "credit.overridden credit.policy_configured credit.held credit.released") == 0, "heard %s",
           tk_heard_types(&heard));
    CHECK(check_decision(db, account, 0, CRM_STAGE_JOBCARD_CREATION) == CRM_DECISION_ALLOW);
    r = EXEC(db, "credit.holds", S("{\"account_id\":%lld}", account), CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jstreq(r, "items[0].status", "released") &&
          jstreq(r, "items[0].release_reason", "back inside policy"));
    crm_free(r);
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    crm_close(db);
}
