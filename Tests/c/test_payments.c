/* test_payments.c -- payments through crm_payment_record (the typed call,
** oldest-first) and crm_exec: payment.record/allocate/refund/reverse and
** credit_note.apply, with a hook hearing the events and every posting
** balancing. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    tk_heard_t heard;
    int postings, unbalanced;
} pay_rec_t;

/* Hears every event; sums each posting's debits and credits. */
static void pay_hook(const char *type, const char *json, void *ud)
{
    pay_rec_t *r = ud;
    int i, n;
    long long debits = 0, credits = 0;
    char path[80];
    tk_heard(type, json, &r->heard);
    if (!json || !jpath(json, "record.posting"))
        return;
    r->postings++;
    n = jlen(json, "record.posting.lines");
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "record.posting.lines[%d].debit_minor", i);
        debits += jintd(json, path, 0);
        snprintf(path, sizeof path, "record.posting.lines[%d].credit_minor", i);
        credits += jintd(json, path, 0);
    }
    if (n < 2 || debits != credits || debits <= 0)
        r->unbalanced++;
}

static long long record_invoice(crm_db *db, long long account, const char *number, const char *due, long long total)
{
    return create(db, "invoice.record",
                  S("{\"source\":\"ledger\",\"external_ref\":\"%s\",\"account_id\":%lld,\"number\":\"%s\","
                    "\"issued_on\":\"2026-10-01\",\"due_on\":\"%s\",\"total_minor\":%lld}",
                    number, account, number, due, total));
}

static void expect_invoice(crm_db *db, long long id, const char *status, long long paid, long long balance, int line)
{
    char *r = tk_exec(db, "invoice.get", S("{\"id\":%lld}", id), CRM_OK, -1, __FILE__, line);
    tk_check(r && jstreq(r, "status", status) && jintd(r, "paid_minor", -1) == paid &&
                 jintd(r, "balance_due_minor", -1) == balance,
             __FILE__, line, "invoice", "invoice %lld: want %s paid %lld balance %lld, got %s", id, status, paid, balance,
             r ? r : "(null)");
    crm_free(r);
}

void test_payments(void)
{
    crm_db *db = open_db(fresh("payments.sqlite"), 0);
    pay_rec_t rec;
    int hid;
    long long account, other, a1, a2, a3;
    int64_t id = 0, left = -1, id2 = 0;
    char *r, *json = NULL;
    if (!db)
        return;
    memset(&rec, 0, sizeof rec);
    account = create(db, "account.create", account_json("Karoo Irrigation", "ledger", "C-100"));
    other = create(db, "account.create", account_json("Other", NULL, NULL));
    a1 = record_invoice(db, account, "A-1", "2026-11-30", 10000);
    a2 = record_invoice(db, account, "A-2", "2026-11-15", 5000);
    a3 = record_invoice(db, account, "A-3", "2026-12-15", 20000);
    (void)record_invoice(db, other, "B-1", "2026-11-01", 1000);
    CHECK_RC(db, crm_hook_register(db, "*", pay_hook, &rec, &hid), CRM_OK);

    /* The typed call by the host's account reference: oldest due first. */
    CHECK_RC(db, crm_payment_record(db, 0, "ledger", "C-100", 12000, NULL, "2026-12-01", "eft", "EFT 991", "ledger",
                                    "R-1", &id, &left, &json),
             CRM_OK);
    CHECK(id > 0 && left == 0);
    CHECK(json && jintd(json, "allocations[0].invoice_id", 0) == a2 && jintd(json, "allocations[1].invoice_id", 0) == a1);
    CHECK(json && jintd(json, "allocations[1].amount_minor", 0) == 7000 && jbool(json, "replayed") == 0);
    crm_free(json);
    CHECKF(strcmp(tk_heard_types(&rec.heard), "payment.recorded invoice.paid invoice.paid") == 0, "heard %s",
           tk_heard_types(&rec.heard));
    expect_invoice(db, a2, "paid", 5000, 0, __LINE__);
    expect_invoice(db, a1, "partially_paid", 7000, 3000, __LINE__);
    /* Again with the same reference: the payment made then, nothing heard. */
    rec.heard.n = 0;
    CHECK_RC(db, crm_payment_record(db, 0, "ledger", "C-100", 12000, NULL, "2026-12-01", "eft", "EFT 991", "ledger",
                                    "R-1", &id2, NULL, NULL),
             CRM_OK);
    CHECK(id2 == id && rec.heard.n == 0);
    /* By id, more than is owed: the rest stays unallocated credit. */
    CHECK_RC(db, crm_payment_record(db, account, NULL, NULL, 30000, "ZAR", NULL, "cheque", NULL, NULL, NULL, &id2, &left,
                                    NULL),
             CRM_OK);
    CHECK(id2 > id && left == 7000);
    expect_invoice(db, a1, "paid", 10000, 0, __LINE__);
    expect_invoice(db, a3, "paid", 20000, 0, __LINE__);

    /* Bad calls name what is wrong and write nothing. */
    rec.heard.n = 0;
    CHECK_RC(db, crm_payment_record(db, account, "ledger", "C-100", 100, NULL, NULL, "eft", NULL, NULL, NULL, &id2, NULL,
                                    NULL),
             CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "not both") != NULL);
    CHECK_RC(db, crm_payment_record(db, 0, NULL, NULL, 100, NULL, NULL, "eft", NULL, NULL, NULL, &id2, NULL, NULL),
             CRM_INVALID);
    CHECK_RC(db, crm_payment_record(db, 0, "ledger", "C-999", 100, NULL, NULL, "eft", NULL, NULL, NULL, &id2, NULL, NULL),
             CRM_NOTFOUND);
    CHECK_RC(db, crm_payment_record(db, account, NULL, NULL, 0, NULL, NULL, "eft", NULL, NULL, NULL, &id2, NULL, NULL),
             CRM_RANGE);
    CHECK(strstr(crm_errmsg(db), "amount_minor") != NULL);
    CHECK_RC(db, crm_payment_record(db, account, NULL, NULL, 100, NULL, NULL, "barter", NULL, NULL, NULL, &id2, NULL, NULL),
             CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "method") != NULL);
    CHECK_RC(db, crm_payment_record(db, account, NULL, NULL, 100, NULL, NULL, "eft", NULL, NULL, NULL, NULL, NULL, NULL),
             CRM_INVALID);
    CHECK_RC(db, crm_payment_record(db, account, NULL, NULL, 100, NULL, "2026-02-30", "eft", NULL, NULL, NULL, &id2, NULL,
                                    NULL),
             CRM_INVALID);
    CHECK(strstr(crm_errmsg(db), "received_on") != NULL);
    CHECK_RC(NULL, crm_payment_record(NULL, account, NULL, NULL, 100, NULL, NULL, "eft", NULL, NULL, NULL, &id2, NULL, NULL),
             CRM_MISUSE);
    CHECK(rec.heard.n == 0);

    /* Through crm_exec: refund part of the credit, allocate the rest. */
    r = EXEC(db, "payment.refund", S("{\"payment_id\":%lld,\"amount_minor\":4000,\"reason\":\"Overpaid\"}", (long long)id2), CRM_OK);
    CHECK(r && jintd(r, "unallocated_minor", -1) == 3000 && jintd(r, "refunded_minor", -1) == 4000);
    crm_free(r);
    (void)record_invoice(db, account, "A-5", "2027-01-15", 2500);
    r = EXEC(db, "payment.allocate", S("{\"payment_id\":%lld}", (long long)id2), CRM_OK);
    CHECK(r && jintd(r, "unallocated_minor", -1) == 500 && jlen(r, "allocated") == 1);
    crm_free(r);
    r = EXEC(db, "payment.reverse", S("{\"payment_id\":%lld,\"reason\":\"Bounced\"}", (long long)id2), CRM_CONSTRAINT);
    CHECK(r == NULL && strstr(crm_errmsg(db), "refunded") != NULL);
    rec.heard.n = 0;
    r = EXEC(db, "payment.reverse", S("{\"payment_id\":%lld,\"reason\":\"Bounced\",\"reversed_on\":\"2026-12-05\"}", (long long)id),
             CRM_OK);
    CHECK(r && jstreq(r, "status", "reversed") && jstreq(r, "posting.lines[0].account", "1000") && jintd(r, "posting.lines[0].credit_minor", 0) == 12000);
    crm_free(r);
    CHECKF(strcmp(tk_heard_types(&rec.heard), "payment.reversed invoice.reopened invoice.reopened") == 0, "heard %s",
           tk_heard_types(&rec.heard));
    expect_invoice(db, a2, "issued", 0, 5000, __LINE__);
    expect_invoice(db, a1, "partially_paid", 3000, 7000, __LINE__);

    /* A credit note of paid invoice A-3 offset against A-2. */
    create(db, "credit_note.create", S("{\"invoice_id\":%lld,\"quantities_milli\":[100]}", a3));
    r = EXEC(db, "credit_note.issue", "{\"id\":1}", CRM_OK);
    crm_free(r);
    rec.heard.n = 0;
    r = EXEC(db, "credit_note.apply", S("{\"credit_note_id\":1,\"invoice_id\":%lld}", a2), CRM_OK);
    CHECK(r && jintd(r, "allocation.amount_minor", 0) == 2000 && jintd(r, "open_minor", -1) == 0);
    crm_free(r);
    CHECKF(strcmp(tk_heard_types(&rec.heard), "credit_note.applied invoice.credited invoice.paid") == 0, "heard %s",
           tk_heard_types(&rec.heard));
    expect_invoice(db, a2, "partially_paid", 2000, 3000, __LINE__);
    r = EXEC(db, "credit_note.apply", S("{\"credit_note_id\":1,\"invoice_id\":%lld}", a1), CRM_CONSTRAINT);

    /* Every money event heard carried a balanced posting. */
    CHECKF(rec.postings == 6 && rec.unbalanced == 0, "postings %d, unbalanced %d", rec.postings, rec.unbalanced);
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
