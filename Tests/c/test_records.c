/* test_records.c -- accounts, contacts, interactions, replay, refs, paging. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_timestamp(const char *json, const char *path)
{
    char *s = jstr(json, path);
    int ok = s && strlen(s) >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
             s[16] == ':' && s[strlen(s) - 1] == 'Z';
    free(s);
    return ok;
}

/* 1 if the string array at path contains s */
static int has_str(const char *json, const char *path, const char *s)
{
    char p[256], el[300];
    int i, n;
    snprintf(p, sizeof p, "%s", path);
    n = jlen(json, p);
    for (i = 0; i < n; i++) {
        snprintf(el, sizeof el, "%s[%d]", p, i);
        if (jstreq(json, el, s))
            return 1;
    }
    return 0;
}

void test_accounts(void)
{
    crm_db *db = open_db(fresh("accounts.sqlite"), 0);
    char *r;
    long long id = -1, min_id = -1;
    long ev;
    if (!db)
        return;

    r = EXEC(db, "account.create",
             "{\"name\":\"Protea Hardware (Pty) Ltd\",\"kind\":\"dealer\",\"strategic\":true,"
             "\"national\":false,\"size_band\":\"medium\",\"segment\":\"hardware\","
             "\"tags\":[\"retail\",\"building\",\"gauteng\"],\"region\":\"Gauteng\",\"currency\":\"ZAR\","
             "\"payment_terms_days\":30,\"credit_limit_minor\":25000000,\"owner\":\"sipho.dlamini\","
             "\"status\":\"active\",\"tax_number\":\"4123456789\",\"email\":\"accounts@protea.co.za\","
             "\"phone\":\"+27 11 234 5678\",\"website\":\"https://protea.co.za\",\"notes\":\"Key dealer\","
             "\"addresses\":[{\"kind\":\"billing\",\"line1\":\"45 Commissioner Street\",\"line2\":\"Unit 3\","
             "\"city\":\"Johannesburg\",\"region\":\"Gauteng\",\"postal_code\":\"2001\",\"country\":\"ZA\"},"
             "{\"kind\":\"shipping\",\"line1\":\"7 Depot Road\",\"city\":\"Germiston\",\"country\":\"ZA\"}],"
             "\"source\":\"ledger\",\"external_ref\":\"PRO001\"}",
             CRM_OK);
    if (r) {
        CHECK(jint(r, "id", &id) && id > 0);
        CHECK(jstreq(r, "name", "Protea Hardware (Pty) Ltd"));
        CHECK(jstreq(r, "kind", "dealer"));
        CHECK(jbool(r, "strategic") == 1);
        CHECK(jbool(r, "national") == 0);
        CHECK(jstreq(r, "size_band", "medium"));
        CHECK(jstreq(r, "segment", "hardware"));
        CHECKF(jlen(r, "tags") == 3 && jstreq(r, "tags[0]", "building") && jstreq(r, "tags[1]", "gauteng") &&
                   jstreq(r, "tags[2]", "retail"),
               "tags kept sorted: %s", r);
        CHECK(jstreq(r, "currency", "ZAR"));
        CHECK(jintd(r, "payment_terms_days", -1) == 30);
        CHECK(jintd(r, "credit_limit_minor", -1) == 25000000);
        CHECK(jstreq(r, "owner", "sipho.dlamini"));
        CHECK(jstreq(r, "status", "active"));
        CHECK(jstreq(r, "tax_number", "4123456789"));
        CHECK(jstreq(r, "email", "accounts@protea.co.za"));
        CHECK(jstreq(r, "phone", "+27 11 234 5678"));
        CHECK(jstreq(r, "website", "https://protea.co.za"));
        CHECK(jstreq(r, "notes", "Key dealer"));
        CHECK(jlen(r, "addresses") == 2);
        CHECK(jstreq(r, "addresses[0].line1", "45 Commissioner Street"));
        CHECK(jstreq(r, "addresses[0].country", "ZA"));
        CHECK(jstreq(r, "addresses[1].kind", "shipping"));
        CHECK(jisnull(r, "parent_account_id"));
        CHECK(jbool(r, "archived") == 0);
        CHECK(jisnull(r, "archived_at"));
        CHECK(jisnull(r, "merged_into_id"));
        CHECKF(jlen(r, "external_refs") == 1 && jstreq(r, "external_refs[0].source", "ledger") &&
                   jstreq(r, "external_refs[0].external_ref", "PRO001"),
               "%s", r);
        CHECK(jintd(r, "version", -1) == 1);
        CHECKF(is_timestamp(r, "created_at") && is_timestamp(r, "updated_at"), "%s", r);
        CHECK(jbool(r, "replayed") == 0);
        crm_free(r);
    }

    /* defaults */
    r = EXEC(db, "account.create", "{\"name\":\"Minimal Traders\"}", CRM_OK);
    if (r) {
        jint(r, "id", &min_id);
        CHECK(min_id > id);
        CHECK(jstreq(r, "kind", "business"));
        CHECK(jstreq(r, "currency", "ZAR"));
        CHECK(jintd(r, "payment_terms_days", -1) == 30);
        CHECK(jstreq(r, "status", "prospect"));
        CHECK(jbool(r, "strategic") == 0 && jbool(r, "national") == 0);
        CHECK(jisnull(r, "credit_limit_minor"));
        CHECK(jisnull(r, "size_band") && jisnull(r, "email") && jisnull(r, "owner"));
        CHECK(jlen(r, "tags") == 0 && jlen(r, "addresses") == 0 && jlen(r, "external_refs") == 0);
        CHECK(jbool(r, "replayed") == 0);
        crm_free(r);
    }

    /* a branch of a group */
    {
        long long branch = create(db, "account.create",
                                  S("{\"name\":\"Protea Hardware Pretoria\",\"parent_account_id\":%lld}", id));
        r = EXEC(db, "account.get", S("{\"id\":%lld}", branch), CRM_OK);
        CHECK(r && jintd(r, "parent_account_id", -1) == id);
        crm_free(r);
    }

    /* get by id and by reference */
    r = EXEC(db, "account.get", S("{\"id\":%lld}", id), CRM_OK);
    CHECK(r && jstreq(r, "name", "Protea Hardware (Pty) Ltd") && jpath(r, "replayed") == NULL);
    crm_free(r);
    r = EXEC(db, "account.get", "{\"source\":\"ledger\",\"external_ref\":\"PRO001\"}", CRM_OK);
    CHECK(r && jintd(r, "id", -1) == id);
    crm_free(r);

    /* update: only the given fields, version bumped, event with "changed" */
    ev = count_events(db);
    r = EXEC(db, "account.update", S("{\"id\":%lld,\"expected_version\":1,\"payment_terms_days\":60}", id), CRM_OK);
    if (r) {
        CHECK(jintd(r, "payment_terms_days", -1) == 60);
        CHECK(jintd(r, "version", -1) == 2);
        CHECK(jintd(r, "credit_limit_minor", -1) == 25000000);
        CHECK(jstreq(r, "name", "Protea Hardware (Pty) Ltd"));
        crm_free(r);
    }
    CHECK(count_events(db) == ev + 1);
    {
        char *e = NULL;
        CHECK_RC(db, crm_events_fetch(db, "accounts-test", 0, 1000, &e), CRM_OK);
        if (e) {
            int n = jlen(e, "events");
            const char *lastp = n > 0 ? S("events[%d]", n - 1) : "x";
            char *le = jstr(e, S("%s.type", lastp));
            CHECKF(le && strcmp(le, "account.updated") == 0, "last event %s", le ? le : "(none)");
            CHECKF(has_str(e, S("%s.record.changed", lastp), "payment_terms_days") ||
                       has_str(e, S("%s.changed", lastp), "payment_terms_days"),
                   "account.updated names the changed field: %.600s", jpath(e, lastp));
            CHECK(jlen(e, S("%s.record.changed", lastp)) == 1 || jlen(e, S("%s.changed", lastp)) == 1);
            free(le);
            crm_free(e);
        }
    }
    /* an update that changes nothing: no event, no version bump */
    r = EXEC(db, "account.update", S("{\"id\":%lld,\"payment_terms_days\":60}", id), CRM_OK);
    CHECK(r && jintd(r, "version", -1) == 2);
    crm_free(r);
    CHECK(count_events(db) == ev + 1);
    /* stale expected_version */
    CHECK_RC(db, crm_exec(db, "account.update", S("{\"id\":%lld,\"expected_version\":1,\"phone\":\"011\"}", id), NULL),
             CRM_CONFLICT);
    CHECKF(strstr(crm_errmsg(db), "version") != NULL, "%s", crm_errmsg(db));
    /* null clears; tags and addresses are replaced whole */
    r = EXEC(db, "account.update",
             S("{\"id\":%lld,\"credit_limit_minor\":null,\"tags\":[\"vip\"],\"addresses\":[{\"line1\":\"1 New Street\"}]}",
               id),
             CRM_OK);
    if (r) {
        CHECK(jisnull(r, "credit_limit_minor"));
        CHECK(jlen(r, "tags") == 1 && jstreq(r, "tags[0]", "vip"));
        CHECK(jlen(r, "addresses") == 1 && jstreq(r, "addresses[0].line1", "1 New Street"));
        CHECK(jstreq(r, "addresses[0].kind", "billing"));
        CHECK(jintd(r, "version", -1) == 3);
        crm_free(r);
    }
    /* update by reference */
    r = EXEC(db, "account.update", "{\"source\":\"ledger\",\"external_ref\":\"PRO001\",\"status\":\"dormant\"}", CRM_OK);
    CHECK(r && jstreq(r, "status", "dormant") && jintd(r, "id", -1) == id);
    crm_free(r);

    /* archive */
    r = EXEC(db, "account.archive", S("{\"id\":%lld}", min_id), CRM_OK);
    if (r) {
        CHECK(jbool(r, "archived") == 1);
        CHECK(is_timestamp(r, "archived_at"));
        crm_free(r);
    }
    CHECK_RC(db, crm_exec(db, "account.archive", S("{\"id\":%lld}", min_id), NULL), CRM_CONSTRAINT);
    CHECK_RC(db, crm_exec(db, "account.update", S("{\"id\":%lld,\"name\":\"Renamed\"}", min_id), NULL),
             CRM_CONSTRAINT);
    r = EXEC(db, "account.get", S("{\"id\":%lld}", min_id), CRM_OK);
    CHECK(r && jbool(r, "archived") == 1 && jstreq(r, "name", "Minimal Traders"));
    crm_free(r);
    r = EXEC(db, "account.list", "{}", CRM_OK);
    CHECKF(r && jlen(r, "items") == 2, "archived left out of list: %d", r ? jlen(r, "items") : -1);
    crm_free(r);
    r = EXEC(db, "account.list", "{\"include_archived\":true}", CRM_OK);
    CHECK(r && jlen(r, "items") == 3);
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "account.archive", "{\"id\":999999}", NULL), CRM_NOTFOUND);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_contacts(void)
{
    crm_db *db = open_db(fresh("contacts.sqlite"), 0);
    long long acct, c = -1, archived_acct;
    char *r;
    long ev;
    if (!db)
        return;
    acct = create(db, "account.create", account_json("Karoo Farm Supplies CC", "ledger", "KFS01"));
    r = EXEC(db, "contact.create",
             S("{\"account_id\":%lld,\"first_name\":\"Annelie\",\"last_name\":\"van der Merwe\","
               "\"role\":\"accounts payable\",\"email\":\"annelie@karoofarm.co.za\",\"phone\":\"+27 23 414 1234\","
               "\"mobile\":\"+27 82 555 1234\",\"preferred_channel\":\"email\","
               "\"address\":{\"kind\":\"postal\",\"line1\":\"PO Box 12\",\"city\":\"Beaufort West\","
               "\"postal_code\":\"6970\",\"country\":\"ZA\"},\"source\":\"ledger\",\"external_ref\":\"KFS01-C1\"}",
               acct),
             CRM_OK);
    if (r) {
        CHECK(jint(r, "id", &c) && c > 0);
        CHECK(jintd(r, "account_id", -1) == acct);
        CHECK(jstreq(r, "first_name", "Annelie") && jstreq(r, "last_name", "van der Merwe"));
        CHECK(jstreq(r, "preferred_channel", "email"));
        CHECK(jstreq(r, "address.city", "Beaufort West"));
        CHECK(jbool(r, "archived") == 0);
        CHECKF(jpath(r, "consent") && jisnull(r, "consent.email") && jisnull(r, "consent.sms") &&
                   jisnull(r, "consent.phone") && jisnull(r, "consent.post"),
               "consent all null at first: %s", r);
        CHECKF(jpath(r, "preferences") && *jpath(r, "preferences") == '{', "%s", r);
        CHECK(jintd(r, "version", -1) == 1);
        CHECK(jbool(r, "replayed") == 0);
        crm_free(r);
    }
    r = EXEC(db, "contact.get", "{\"source\":\"ledger\",\"external_ref\":\"KFS01-C1\"}", CRM_OK);
    CHECK(r && jintd(r, "id", -1) == c);
    crm_free(r);

    /* consent: every change kept, a repeat is a no-op */
    ev = count_events(db);
    r = EXEC(db, "contact.consent",
             S("{\"contact_id\":%lld,\"channel\":\"email\",\"status\":\"opted_in\",\"source\":\"signed application\","
               "\"recorded_at\":\"2026-01-15T08:00:00Z\"}",
               c),
             CRM_OK);
    CHECKF(r && jstreq(r, "consent.email.status", "opted_in") && jstreq(r, "consent.email.source", "signed application") &&
               jstreq(r, "consent.email.recorded_at", "2026-01-15T08:00:00Z") && jisnull(r, "consent.sms"),
           "%s", r ? r : "");
    crm_free(r);
    CHECK(count_events(db) == ev + 1);
    {
        char *e = NULL;
        CHECK_RC(db, crm_events_fetch(db, "contacts-test", 0, 1000, &e), CRM_OK);
        if (e) {
            int n = jlen(e, "events");
            const char *last = S("events[%d]", n - 1);
            CHECK(jstreq(e, S("%s.type", last), "consent.changed"));
            CHECK(jintd(e, S("%s.record.contact_id", last), -1) == c);
            CHECK(jintd(e, S("%s.record.account_id", last), -1) == acct);
            CHECK(jstreq(e, S("%s.record.channel", last), "email"));
            CHECK(jstreq(e, S("%s.record.status", last), "opted_in"));
            CHECK(jstreq(e, S("%s.record.source", last), "signed application"));
            crm_free(e);
        }
    }
    r = EXEC(db, "contact.consent",
             S("{\"contact_id\":%lld,\"channel\":\"email\",\"status\":\"opted_in\",\"source\":\"web form\"}", c), CRM_OK);
    crm_free(r);
    CHECKF(count_events(db) == ev + 1, "recording the same status again wrote an event");
    r = EXEC(db, "contact.consent",
             S("{\"contact_id\":%lld,\"channel\":\"email\",\"status\":\"opted_out\",\"source\":\"phone call\"}", c),
             CRM_OK);
    CHECK(r && jstreq(r, "consent.email.status", "opted_out"));
    crm_free(r);
    r = EXEC(db, "contact.consent",
             S("{\"contact_id\":%lld,\"channel\":\"sms\",\"status\":\"opted_in\",\"source\":\"web form\"}", c), CRM_OK);
    crm_free(r);
    r = EXEC(db, "contact.consent_history", S("{\"contact_id\":%lld}", c), CRM_OK);
    CHECKF(r && jlen(r, "items") == 3, "history: %s", r ? r : "");
    if (r) {
        CHECK(jstreq(r, "items[0].status", "opted_in") && jstreq(r, "items[0].channel", "email"));
        CHECK(jstreq(r, "items[1].status", "opted_out"));
        CHECK(jstreq(r, "items[2].channel", "sms"));
        crm_free(r);
    }
    CHECK_RC(db, crm_exec(db, "contact.consent_history", "{\"contact_id\":999999}", NULL), CRM_NOTFOUND);

    /* preferences */
    r = EXEC(db, "contact.preferences",
             S("{\"contact_id\":%lld,\"set\":{\"language\":\"af\",\"statement_delivery\":\"email\"}}", c), CRM_OK);
    CHECK(r && jstreq(r, "preferences.language", "af") && jstreq(r, "preferences.statement_delivery", "email"));
    crm_free(r);
    r = EXEC(db, "contact.preferences", S("{\"contact_id\":%lld,\"set\":{\"language\":null}}", c), CRM_OK);
    CHECK(r && jpath(r, "preferences.language") == NULL && jstreq(r, "preferences.statement_delivery", "email"));
    crm_free(r);
    {
        char *k = repeat('k', 51);
        CHECK_RC(db, crm_exec(db, "contact.preferences", S("{\"contact_id\":%lld,\"set\":{\"%s\":\"v\"}}", c, k), NULL),
                 CRM_RANGE);
        free(k);
    }

    /* update, list, archive */
    r = EXEC(db, "contact.update", S("{\"id\":%lld,\"role\":\"buyer\"}", c), CRM_OK);
    CHECK(r && jstreq(r, "role", "buyer") && jintd(r, "version", 0) >= 2);
    crm_free(r);
    create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Botha\",\"email\":\"jan@karoofarm.co.za\"}", acct));
    r = EXEC(db, "contact.list", S("{\"account_id\":%lld}", acct), CRM_OK);
    CHECK(r && jlen(r, "items") == 2 && jintd(r, "items[0].id", -1) == c);
    crm_free(r);
    r = EXEC(db, "contact.list", "{\"email\":\"jan@karoofarm.co.za\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jstreq(r, "items[0].last_name", "Botha"));
    crm_free(r);
    r = EXEC(db, "contact.archive", S("{\"id\":%lld}", c), CRM_OK);
    CHECK(r && jbool(r, "archived") == 1);
    crm_free(r);
    r = EXEC(db, "contact.list", S("{\"account_id\":%lld}", acct), CRM_OK);
    CHECK(r && jlen(r, "items") == 1);
    crm_free(r);
    r = EXEC(db, "contact.list", S("{\"account_id\":%lld,\"include_archived\":true}", acct), CRM_OK);
    CHECK(r && jlen(r, "items") == 2);
    crm_free(r);

    /* a contact needs an open account */
    archived_acct = create(db, "account.create", "{\"name\":\"Closed Shop\"}");
    crm_free(EXEC(db, "account.archive", S("{\"id\":%lld}", archived_acct), CRM_OK));
    CHECK_RC(db, crm_exec(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Late\"}", archived_acct), NULL),
             CRM_CONSTRAINT);

    /* a person's data, exported and then erased on request */
    {
        long long p = create(db, "contact.create",
                             S("{\"account_id\":%lld,\"first_name\":\"Naledi\",\"last_name\":\"Mokoena\","
                               "\"email\":\"naledi@karoofarm.co.za\",\"source\":\"ledger\",\"external_ref\":\"P-42\"}",
                               acct));
        int64_t found = 0;
        crm_free(EXEC(db, "interaction.log",
                      S("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-11-30T10:00:00Z\","
                        "\"body\":\"Naledi wants a quote\"}", acct, p),
                      CRM_OK));
        r = EXEC(db, "contact.export", "{\"source\":\"ledger\",\"external_ref\":\"P-42\"}", CRM_OK);
        CHECK(r && jstreq(r, "contact.email", "naledi@karoofarm.co.za") && jlen(r, "interactions") == 1 &&
              jlen(r, "events") == 2 && jstreq(r, "interactions[0].body", "Naledi wants a quote"));
        crm_free(r);
        r = EXEC(db, "contact.erase", S("{\"id\":%lld}", p), CRM_OK);
        CHECK(r && jbool(r, "erased") == 1 && jbool(r, "archived") == 1 && jisnull(r, "email") && jstreq(r, "last_name", ""));
        crm_free(r);
        CHECK_RC(db, crm_find_by_ref(db, "contact", "ledger", "P-42", &found), CRM_NOTFOUND);
        r = EXEC(db, "contact.export", S("{\"id\":%lld}", p), CRM_OK);
        CHECK(r && jisnull(r, "interactions[0].body") && jlen(r, "events") == 2 && r && !strstr(r, "Naledi") &&
              !strstr(r, "naledi@"));
        crm_free(r);
        CHECK_RC(db, crm_exec(db, "contact.update", S("{\"id\":%lld,\"first_name\":\"Naledi\"}", p), NULL), CRM_CONSTRAINT);
        CHECKF(strstr(crm_errmsg(db), "was erased") != NULL, "%s", crm_errmsg(db));
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_interactions(void)
{
    crm_db *db = open_db(fresh("interactions.sqlite"), 0);
    long long acct, other, c, oc, i1 = -1;
    char *r;
    if (!db)
        return;
    acct = create(db, "account.create", account_json("Umhlanga Motors (Pty) Ltd", "ledger", "UM001"));
    other = create(db, "account.create", account_json("Other Co", NULL, NULL));
    c = create(db, "contact.create", S("{\"account_id\":%lld,\"first_name\":\"Bongani\",\"last_name\":\"Zulu\"}", acct));
    oc = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Elsewhere\"}", other));

    r = EXEC(db, "interaction.log",
             S("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"call\",\"subject\":\"Overdue invoice\","
               "\"body\":\"Promised payment by Friday.\",\"performed_by\":\"lindiwe\","
               "\"occurred_at\":\"2026-03-02T09:30:00Z\",\"links\":[{\"record_type\":\"invoice\",\"record_id\":\"INV-1042\"}],"
               "\"source\":\"ledger\",\"external_ref\":\"CALL-77\"}",
               acct, c),
             CRM_OK);
    if (r) {
        CHECK(jint(r, "id", &i1) && i1 > 0);
        CHECK(jstreq(r, "kind", "call"));
        CHECK(jstreq(r, "direction", "outbound"));
        CHECK(jintd(r, "contact_id", -1) == c);
        CHECK(jstreq(r, "occurred_at", "2026-03-02T09:30:00Z"));
        CHECK(jlen(r, "links") == 1 && jstreq(r, "links[0].record_id", "INV-1042"));
        CHECK(is_timestamp(r, "created_at"));
        CHECK(jbool(r, "replayed") == 0);
        crm_free(r);
    }
    r = EXEC(db, "interaction.log",
             S("{\"account_id\":%lld,\"kind\":\"note\",\"body\":\"Prefers morning calls\",\"occurred_at\":\"2026-03-01T07:00:00Z\"}",
               acct),
             CRM_OK);
    CHECK(r && jstreq(r, "direction", "internal"));
    crm_free(r);
    r = EXEC(db, "interaction.log",
             S("{\"account_id\":%lld,\"kind\":\"complaint\",\"direction\":\"inbound\",\"subject\":\"Late delivery\","
               "\"occurred_at\":\"2026-03-03T23:59:59Z\"}",
               acct),
             CRM_OK);
    CHECK(r && jstreq(r, "direction", "inbound"));
    crm_free(r);
    r = EXEC(db, "interaction.log",
             S("{\"account_id\":%lld,\"kind\":\"visit\",\"occurred_at\":\"2026-02-20T10:00:00Z\"}", acct), CRM_OK);
    crm_free(r);

    /* ordered by occurred_at, not id */
    r = EXEC(db, "interaction.list", S("{\"account_id\":%lld}", acct), CRM_OK);
    if (r) {
        CHECK(jlen(r, "items") == 4);
        CHECK(jstreq(r, "items[0].kind", "visit"));
        CHECK(jstreq(r, "items[1].kind", "note"));
        CHECK(jstreq(r, "items[2].kind", "call"));
        CHECK(jstreq(r, "items[3].kind", "complaint"));
        crm_free(r);
    }
    r = EXEC(db, "interaction.list", "{\"kind\":\"complaint\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1);
    crm_free(r);
    r = EXEC(db, "interaction.list", S("{\"contact_id\":%lld}", c), CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jintd(r, "items[0].id", -1) == i1);
    crm_free(r);
    /* to as a date includes the whole day */
    r = EXEC(db, "interaction.list", "{\"from\":\"2026-03-01\",\"to\":\"2026-03-03\"}", CRM_OK);
    CHECKF(r && jlen(r, "items") == 3, "from/to dates: %d", r ? jlen(r, "items") : -1);
    crm_free(r);
    r = EXEC(db, "interaction.list", "{\"from\":\"2026-03-02T09:30:00Z\",\"to\":\"2026-03-02T09:30:00Z\"}", CRM_OK);
    CHECKF(r && jlen(r, "items") == 1, "inclusive timestamps: %d", r ? jlen(r, "items") : -1);
    crm_free(r);

    r = EXEC(db, "interaction.get", S("{\"id\":%lld}", i1), CRM_OK);
    CHECK(r && jstreq(r, "subject", "Overdue invoice"));
    crm_free(r);
    r = EXEC(db, "interaction.get", "{\"source\":\"ledger\",\"external_ref\":\"CALL-77\"}", CRM_OK);
    CHECK(r && jintd(r, "id", -1) == i1);
    crm_free(r);

    /* history is never updated */
    CHECK_RC(db, crm_exec(db, "interaction.update", S("{\"id\":%lld,\"subject\":\"x\"}", i1), NULL), CRM_INVALID);
    /* a contact of another account */
    {
        int rc = crm_exec(db, "interaction.log",
                          S("{\"account_id\":%lld,\"contact_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-03-02T09:00:00Z\"}",
                            acct, oc),
                          NULL);
        CHECKF(rc == CRM_INVALID || rc == CRM_CONSTRAINT, "contact of another account: %d %s", rc, crm_errmsg(db));
        CHECKF(strstr(crm_errmsg(db), "contact") != NULL, "%s", crm_errmsg(db));
    }
    CHECK_RC(db, crm_exec(db, "interaction.log", "{\"account_id\":999999,\"kind\":\"call\",\"occurred_at\":\"2026-03-02T09:00:00Z\"}", NULL),
             CRM_NOTFOUND);
    /* at most 20 links */
    {
        char links[4096];
        size_t off = 0;
        int k;
        for (k = 0; k < 21; k++)
            off += (size_t)snprintf(links + off, sizeof links - off, "%s{\"record_type\":\"invoice\",\"record_id\":\"INV-%d\"}",
                                    k ? "," : "", k);
        CHECK_RC(db, crm_exec(db, "interaction.log",
                              S("{\"account_id\":%lld,\"kind\":\"email\",\"occurred_at\":\"2026-03-02T09:00:00Z\",\"links\":[%s]}",
                                acct, links),
                              NULL),
                 CRM_RANGE);
    }
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_replay(void)
{
    const char *path = fresh("replay.sqlite");
    crm_db *db = open_db(path, 0);
    const char *json = "{\"name\":\"Durban Spice Traders\",\"currency\":\"ZAR\",\"payment_terms_days\":30,"
                       "\"credit_limit_minor\":1500000,\"source\":\"ledger\",\"external_ref\":\"DST100\"}";
    const char *reordered = "{\"external_ref\":\"DST100\",\"credit_limit_minor\":1500000,\"source\":\"ledger\","
                            "\"payment_terms_days\":30,\"currency\":\"ZAR\",\"name\":\"Durban Spice Traders\"}";
    char *r, *before, *after;
    long long id = -1, acct2, c1, c2, i1, i2;
    long ev;
    if (!db)
        return;
    r = EXEC(db, "account.create", json, CRM_OK);
    if (r) {
        jint(r, "id", &id);
        CHECK(jbool(r, "replayed") == 0);
        crm_free(r);
    }
    ev = count_events(db);
    r = EXEC(db, "account.create", json, CRM_OK);
    if (r) {
        CHECK(jintd(r, "id", -1) == id);
        CHECKF(jbool(r, "replayed") == 1, "replay marked: %s", r);
        CHECK(jstreq(r, "name", "Durban Spice Traders"));
        crm_free(r);
    }
    r = EXEC(db, "account.create", reordered, CRM_OK);
    CHECK(r && jintd(r, "id", -1) == id && jbool(r, "replayed") == 1);
    crm_free(r);
    CHECKF(count_events(db) == ev, "a replay wrote an event");
    CHECK(count_accounts(db) == 1);

    /* same reference, different content: CRM_CONFLICT naming the field, file untouched */
    before = db_fingerprint(path);
    CHECK_RC(db, crm_exec(db, "account.create",
                          "{\"name\":\"Durban Spice Traders (Pty) Ltd\",\"currency\":\"ZAR\",\"payment_terms_days\":30,"
                          "\"credit_limit_minor\":1500000,\"source\":\"ledger\",\"external_ref\":\"DST100\"}",
                          NULL),
             CRM_CONFLICT);
    CHECKF(strstr(crm_errmsg(db), "name") != NULL, "conflict names the field: %s", crm_errmsg(db));
    CHECK_RC(db, crm_exec(db, "account.create",
                          "{\"name\":\"Durban Spice Traders\",\"currency\":\"ZAR\",\"payment_terms_days\":60,"
                          "\"credit_limit_minor\":1500000,\"source\":\"ledger\",\"external_ref\":\"DST100\"}",
                          NULL),
             CRM_CONFLICT);
    CHECKF(strstr(crm_errmsg(db), "payment_terms_days") != NULL, "conflict names the field: %s", crm_errmsg(db));
    after = db_fingerprint(path);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);

    /* another source with the same code is another record */
    acct2 = create(db, "account.create",
                   "{\"name\":\"Durban Spice Traders\",\"source\":\"webshop\",\"external_ref\":\"DST100\"}");
    CHECK(acct2 > 0 && acct2 != id);

    /* contacts and interactions replay too; the same pair in another record type is independent */
    c1 = create(db, "contact.create",
                S("{\"account_id\":%lld,\"last_name\":\"Pillay\",\"source\":\"ledger\",\"external_ref\":\"DST100\"}", id));
    r = EXEC(db, "contact.create",
             S("{\"account_id\":%lld,\"last_name\":\"Pillay\",\"source\":\"ledger\",\"external_ref\":\"DST100\"}", id), CRM_OK);
    jint(r, "id", &c2);
    CHECK(r && c2 == c1 && jbool(r, "replayed") == 1);
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "contact.create",
                          S("{\"account_id\":%lld,\"last_name\":\"Naidoo\",\"source\":\"ledger\",\"external_ref\":\"DST100\"}", id),
                          NULL),
             CRM_CONFLICT);
    CHECKF(strstr(crm_errmsg(db), "last_name") != NULL, "%s", crm_errmsg(db));
    i1 = create(db, "interaction.log",
                S("{\"account_id\":%lld,\"kind\":\"visit\",\"occurred_at\":\"2026-03-04T11:00:00Z\",\"source\":\"ledger\","
                  "\"external_ref\":\"V-9\"}",
                  id));
    r = EXEC(db, "interaction.log",
             S("{\"account_id\":%lld,\"kind\":\"visit\",\"occurred_at\":\"2026-03-04T11:00:00Z\",\"source\":\"ledger\","
               "\"external_ref\":\"V-9\"}",
               id),
             CRM_OK);
    i2 = r ? jintd(r, "id", -2) : -3;
    CHECK(r && i2 == i1 && jbool(r, "replayed") == 1);
    crm_free(r);
    CHECK_RC(db, crm_exec(db, "interaction.log",
                          S("{\"account_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-03-04T11:00:00Z\",\"source\":\"ledger\","
                            "\"external_ref\":\"V-9\"}",
                            id),
                          NULL),
             CRM_CONFLICT);
    CHECKF(strstr(crm_errmsg(db), "kind") != NULL, "%s", crm_errmsg(db));

    /* a replay inside a transaction sees the uncommitted original */
    CHECK_RC(db, crm_begin(db), CRM_OK);
    {
        long long t1 = create(db, "account.create", "{\"name\":\"In Txn\",\"source\":\"ledger\",\"external_ref\":\"TX1\"}");
        r = EXEC(db, "account.create", "{\"name\":\"In Txn\",\"source\":\"ledger\",\"external_ref\":\"TX1\"}", CRM_OK);
        CHECK(r && jintd(r, "id", -1) == t1 && jbool(r, "replayed") == 1);
        crm_free(r);
    }
    CHECK_RC(db, crm_commit(db), CRM_OK);
    CHECK(count_accounts(db) == 3);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_find_by_ref(void)
{
    crm_db *db = open_db(fresh("refs.sqlite"), 0);
    long long acct, c, i;
    int64_t out = -42;
    if (!db)
        return;
    acct = create(db, "account.create", account_json("Cape Fruit Exporters", "ledger", "CFE-7"));
    c = create(db, "contact.create",
               S("{\"account_id\":%lld,\"last_name\":\"Adams\",\"source\":\"ledger\",\"external_ref\":\"CFE-7/1\"}", acct));
    i = create(db, "interaction.log",
               S("{\"account_id\":%lld,\"kind\":\"email\",\"occurred_at\":\"2026-03-05T08:15:00Z\",\"source\":\"mail\","
                 "\"external_ref\":\"<msg-1@cfe.co.za>\"}",
                 acct));
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", "CFE-7", &out), CRM_OK);
    CHECK(out == acct);
    CHECK_RC(db, crm_find_by_ref(db, "contact", "ledger", "CFE-7/1", &out), CRM_OK);
    CHECK(out == c);
    CHECK_RC(db, crm_find_by_ref(db, "interaction", "mail", "<msg-1@cfe.co.za>", &out), CRM_OK);
    CHECK(out == i);
    out = -42;
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", "CFE-8", &out), CRM_NOTFOUND);
    CHECK(out == -42);
    CHECK_RC(db, crm_find_by_ref(db, "account", "webshop", "CFE-7", &out), CRM_NOTFOUND);
    CHECK_RC(db, crm_find_by_ref(db, "contact", "ledger", "CFE-7", &out), CRM_NOTFOUND);
    CHECK_RC(db, crm_find_by_ref(db, "shipment", "ledger", "CFE-7", &out), CRM_INVALID);
    /* the message names the type asked for and lists the types that exist */
    CHECKF(strstr(crm_errmsg(db), "'shipment'") != NULL && strstr(crm_errmsg(db), "the types are account, ") != NULL &&
               strstr(crm_errmsg(db), ", contact, ") != NULL && strstr(crm_errmsg(db), ", opportunity") != NULL,
           "%s", crm_errmsg(db));
    CHECK_RC(db, crm_find_by_ref(db, "Account", "ledger", "CFE-7", &out), CRM_INVALID);
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger\xff", "CFE-7", &out), CRM_INVALID);
    CHECK_RC(db, crm_find_by_ref(db, "account", "ledger", "CFE\xc3", &out), CRM_INVALID);
    CHECK(out == -42);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_paging(void)
{
    crm_db *db = open_db(fresh("paging.sqlite"), 0);
    long long ids[60], seen[60];
    int i, nseen = 0, pages = 0;
    char cursor[512] = "";
    char *r;
    if (!db)
        return;
    CHECK_RC(db, crm_begin(db), CRM_OK);
    for (i = 0; i < 55; i++)
        ids[i] = create(db, "account.create",
                        S("{\"name\":\"Page Customer %02d\",\"status\":\"%s\",\"tags\":[\"%s\"],\"kind\":\"%s\"}", i,
                          i % 5 == 0 ? "active" : "prospect", i % 2 ? "odd" : "even", i < 3 ? "consumer" : "business"));
    CHECK_RC(db, crm_commit(db), CRM_OK);
    for (i = 1; i < 55; i++)
        CHECK(ids[i] > ids[i - 1]);
    /* limit 7 pages: 7 x 7 + 6 */
    for (;;) {
        char *next;
        int n, k;
        r = EXEC(db, "account.list", cursor[0] ? S("{\"limit\":7,\"cursor\":\"%s\"}", cursor) : "{\"limit\":7}", CRM_OK);
        if (!r)
            break;
        n = jlen(r, "items");
        pages++;
        CHECK(n == (pages <= 7 ? 7 : 6));
        for (k = 0; k < n && nseen < 60; k++)
            seen[nseen++] = jintd(r, S("items[%d].id", k), -1);
        next = jstr(r, "next_cursor");
        CHECK(next != NULL || jisnull(r, "next_cursor"));
        crm_free(r);
        if (!next || pages > 20) {
            free(next);
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", next);
        free(next);
    }
    CHECKF(pages == 8, "pages = %d", pages);
    CHECK(nseen == 55);
    for (i = 0; i < nseen && i < 55; i++)
        CHECKF(seen[i] == ids[i], "item %d: id %lld, want %lld (oldest first, no gaps, no repeats)", i, seen[i], ids[i]);
    /* default limit 50 */
    r = EXEC(db, "account.list", "{}", CRM_OK);
    CHECK(r && jlen(r, "items") == 50 && !jisnull(r, "next_cursor"));
    crm_free(r);
    r = EXEC(db, "account.list", "{\"limit\":500}", CRM_OK);
    CHECK(r && jlen(r, "items") == 55 && jisnull(r, "next_cursor"));
    crm_free(r);
    /* filters */
    r = EXEC(db, "account.list", "{\"status\":\"active\",\"limit\":500}", CRM_OK);
    CHECK(r && jlen(r, "items") == 11);
    crm_free(r);
    r = EXEC(db, "account.list", "{\"tag\":\"odd\",\"limit\":500}", CRM_OK);
    CHECK(r && jlen(r, "items") == 27);
    crm_free(r);
    r = EXEC(db, "account.list", "{\"kind\":\"consumer\",\"limit\":500}", CRM_OK);
    CHECK(r && jlen(r, "items") == 3);
    crm_free(r);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

void test_search_merge(void)
{
    crm_db *db = open_db(fresh("merge.sqlite"), 0);
    long long a, b, cb, ib, x;
    int64_t out = 0;
    char *r;
    int i, n, found;
    if (!db)
        return;
    a = create(db, "account.create",
               "{\"name\":\"Mokoena Plumbing (Pty) Ltd\",\"email\":\"info@mokoena.co.za\",\"source\":\"ledger\","
               "\"external_ref\":\"MOK01\"}");
    b = create(db, "account.create",
               "{\"name\":\"Mokoena Plumbing\",\"email\":\"INFO@mokoena.co.za\",\"phone\":\"+27 12 345 6789\","
               "\"tax_number\":\"4987654321\",\"source\":\"webshop\",\"external_ref\":\"W-88\"}");
    x = create(db, "account.create", "{\"name\":\"Caf\xc3\xa9 N\xc3\xb6ir\",\"phone\":\"012 345 6789\"}");
    cb = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Mokoena\"}", b));
    ib = create(db, "interaction.log", S("{\"account_id\":%lld,\"kind\":\"call\",\"occurred_at\":\"2026-03-01T10:00:00Z\"}", b));

    r = EXEC(db, "account.search", "{\"query\":\"mokoena\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 2 && jstreq(r, "items[0].matched_on", "name"));
    crm_free(r);
    r = EXEC(db, "account.search", "{\"query\":\"cafe noir\"}", CRM_OK);
    CHECKF(r && jlen(r, "items") == 1 && jintd(r, "items[0].id", -1) == x, "accent-insensitive: %s", r ? r : "");
    crm_free(r);
    r = EXEC(db, "account.search", "{\"query\":\"W-88\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jstreq(r, "items[0].matched_on", "external_ref"));
    crm_free(r);

    r = EXEC(db, "account.duplicates", S("{\"account_id\":%lld}", a), CRM_OK);
    if (r) {
        n = jlen(r, "items");
        found = 0;
        for (i = 0; i < n; i++) {
            long long p = jintd(r, S("items[%d].account_id", i), -1), q = jintd(r, S("items[%d].duplicate_id", i), -1);
            if ((p == a && q == b) || (p == b && q == a))
                found = 1;
        }
        CHECKF(found, "duplicates pair %lld/%lld: %s", a, b, r);
        crm_free(r);
    }
    r = EXEC(db, "account.duplicates", "{}", CRM_OK);
    CHECK(r && jlen(r, "items") >= 1);
    crm_free(r);

    r = EXEC(db, "account.merge", S("{\"survivor_id\":%lld,\"merged_id\":%lld}", a, b), CRM_OK);
    if (r) {
        CHECK(jintd(r, "id", -1) == a);
        CHECKF(jstreq(r, "phone", "+27 12 345 6789"), "empty fields filled from the merged account: %s", r);
        CHECK(jstreq(r, "email", "info@mokoena.co.za"));
        CHECK(jlen(r, "external_refs") == 2);
        crm_free(r);
    }
    r = EXEC(db, "account.get", S("{\"id\":%lld}", b), CRM_OK);
    CHECK(r && jbool(r, "archived") == 1 && jintd(r, "merged_into_id", -1) == a);
    crm_free(r);
    CHECK_RC(db, crm_find_by_ref(db, "account", "webshop", "W-88", &out), CRM_OK);
    CHECKF(out == a, "a merged account's reference leads to the survivor: %lld", (long long)out);
    r = EXEC(db, "contact.get", S("{\"id\":%lld}", cb), CRM_OK);
    CHECK(r && jintd(r, "account_id", -1) == a);
    crm_free(r);
    r = EXEC(db, "interaction.get", S("{\"id\":%lld}", ib), CRM_OK);
    CHECK(r && jintd(r, "account_id", -1) == a);
    crm_free(r);
    {
        char *e = NULL;
        crm_events_fetch(db, "merge-test", 0, 1000, &e);
        if (e) {
            int k = jlen(e, "events") - 1;
            CHECK(jstreq(e, S("events[%d].type", k), "account.merged"));
            CHECK(jintd(e, S("events[%d].record.merged_id", k), -1) == b);
            CHECK(jintd(e, S("events[%d].record.survivor.id", k), -1) == a);
            CHECK(jintd(e, S("events[%d].record.moved.contacts", k), -1) == 1);
            CHECK(jintd(e, S("events[%d].record.moved.interactions", k), -1) == 1);
            crm_free(e);
        }
    }
    CHECK_RC(db, crm_exec(db, "account.merge", S("{\"survivor_id\":%lld,\"merged_id\":%lld}", a, b), NULL), CRM_CONSTRAINT);
    CHECK_RC(db, crm_exec(db, "account.merge", S("{\"survivor_id\":%lld,\"merged_id\":%lld}", a, a), NULL), CRM_INVALID);
    CHECK_RC(db, crm_exec(db, "account.update", S("{\"id\":%lld,\"name\":\"x\"}", b), NULL), CRM_CONSTRAINT);
    r = EXEC(db, "account.search", "{\"query\":\"mokoena\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1);
    crm_free(r);
    CHECK_RC(db, crm_close(db), CRM_OK);
}
