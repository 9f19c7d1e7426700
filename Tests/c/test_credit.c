/* test_credit.c -- the payment-speed score through crm_credit_score (the
** typed call, no JSON): the figures of credit.score, the struct's size
** rule, and bad calls naming the field. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static long long credit_invoice(crm_db *db, long long account, const char *number, const char *issued, const char *due,
                                long long total)
{
    return create(db, "invoice.record",
                  S("{\"source\":\"ledger\",\"external_ref\":\"%s\",\"account_id\":%lld,\"number\":\"%s\","
                    "\"issued_on\":\"%s\",\"due_on\":\"%s\",\"total_minor\":%lld}",
                    number, account, number, issued, due, total));
}

static void credit_pay(crm_db *db, long long account, long long invoice, long long amount, const char *day)
{
    create(db, "payment.record",
           S("{\"account_id\":%lld,\"amount_minor\":%lld,\"method\":\"eft\",\"received_on\":\"%s\","
             "\"allocations\":[{\"invoice_id\":%lld,\"amount_minor\":%lld}]}",
             account, amount, day, invoice, amount));
}

void test_credit(void)
{
    crm_db *db = open_db(fresh("credit.sqlite"), 0);
    crm_credit_score_info info;
    long long account, thin, s1, s2, s3;
    char *r;
    if (!db)
        return;
    account = create(db, "account.create", account_json("Karoo Irrigation", NULL, NULL));
    thin = create(db, "account.create", account_json("Thin", NULL, NULL));
    /* 9,000 paid on the due date and 1,000 paid 60 days late: 76. */
    s1 = credit_invoice(db, account, "S-1", "2026-09-01", "2026-10-01", 4000);
    s2 = credit_invoice(db, account, "S-2", "2026-08-01", "2026-08-31", 1000);
    s3 = credit_invoice(db, account, "S-3", "2026-09-15", "2026-10-15", 5000);
    credit_pay(db, account, s1, 4000, "2026-10-01");
    credit_pay(db, account, s2, 1000, "2026-10-30");
    credit_pay(db, account, s3, 5000, "2026-10-15");

    memset(&info, 0xAB, sizeof info);
    info.size = sizeof info;
    CHECK_RC(db, crm_credit_score(db, account, "2026-12-01", &info), CRM_OK);
    CHECKF(info.score == 76 && info.band == CRM_CREDIT_BAND_MODERATE && info.experiences == 3, "score %d band %d n %lld",
           (int)info.score, (int)info.band, (long long)info.experiences);
    CHECK(info.adbt_days == 6 && info.overdue_minor == 0 && info.trend == 0);
    CHECK(info.flags == CRM_CREDIT_ADBT_KNOWN && strcmp(info.currency, "ZAR") == 0 && info.size == sizeof info);
    /* The same figures as credit.score. */
    r = EXEC(db, "credit.score", S("{\"account_id\":%lld,\"as_of\":\"2026-12-01\"}", account), CRM_OK);
    CHECK(r && jintd(r, "score", 0) == 76 && jintd(r, "adbt", 0) == 6 && jstreq(r, "band", "moderate"));
    crm_free(r);

    /* S-4 2,000 open 31 days past due: (76,000,000 + 2000 x 4967) / 1,200,000 = 72. */
    (void)credit_invoice(db, account, "S-4", "2026-10-01", "2026-10-31", 2000);
    CHECK_RC(db, crm_credit_score(db, account, "2026-12-01", &info), CRM_OK);
    CHECK(info.score == 72 && info.overdue_minor == 2000 && info.experiences == 4);

    /* Unrated: two experiences. */
    credit_pay(db, thin, credit_invoice(db, thin, "T-1", "2026-09-01", "2026-10-01", 700), 700, "2026-10-11");
    CHECK_RC(db, crm_credit_score(db, thin, "2026-12-01", &info), CRM_OK);
    CHECK(info.score == 0 && info.band == CRM_CREDIT_BAND_UNRATED && (info.flags & CRM_CREDIT_UNRATED) && info.experiences == 1);
    /* NULL as_of_date is today. */
    CHECK_RC(db, crm_credit_score(db, account, NULL, &info), CRM_OK);
    CHECK(info.experiences >= 3);
    /* Today's score is the kept row (one lookup); credit.score computes it
    ** from the experience rows: the same figures. */
    r = EXEC(db, "credit.score", S("{\"account_id\":%lld}", account), CRM_OK);
    CHECKF(r && jintd(r, "score", 0) == info.score && jintd(r, "experiences", -1) == info.experiences
           && jintd(r, "overdue_minor", -1) == info.overdue_minor && jintd(r, "adbt", 0) == info.adbt_days,
           "kept score %d, %lld experiences; computed %s", (int)info.score, (long long)info.experiences, r ? r : "(null)");
    crm_free(r);
    /* A currency change keeps today's score again, in the new currency. */
    crm_free(EXEC(db, "account.update", S("{\"id\":%lld,\"currency\":\"USD\"}", thin), CRM_OK));
    CHECK_RC(db, crm_credit_score(db, thin, NULL, &info), CRM_OK);
    CHECK(strcmp(info.currency, "USD") == 0 && info.experiences == 0 && (info.flags & CRM_CREDIT_UNRATED));

    /* Bad calls name the field and leave the struct as it was. */
    memset(&info, 0, sizeof info);
    info.size = sizeof info - 8;
    CHECK_RC(db, crm_credit_score(db, account, "2026-12-01", &info), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "size") != NULL && info.score == 0);
    info.size = sizeof info;
    CHECK_RC(db, crm_credit_score(db, account, "2026-02-30", &info), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "as_of_date") != NULL && info.score == 0);
    CHECK_RC(db, crm_credit_score(db, 0, NULL, &info), CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "account_id") != NULL);
    CHECK_RC(db, crm_credit_score(db, 999, NULL, &info), CRM_NOTFOUND);
    CHECK(strstr(crm_errmsg(db), "account_id 999") != NULL);
    CHECK_RC(db, crm_credit_score(db, account, NULL, NULL), CRM_INVALID);
    CHECK_RC(NULL, crm_credit_score(NULL, account, NULL, &info), CRM_MISUSE);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
