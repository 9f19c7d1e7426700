/* test_leads.c -- leads through crm_exec: capture, the lifecycle, bad input,
** the refuse policy, crm_find_by_ref and lead.* hooks. */
#define _XOPEN_SOURCE 700
#include "crm.h"
#include "jsonmini.h"
#include "testkit.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int n, bad;
    char types[32][40];
    long long seqs[32];
    char transition_from[16], transition_to[16], performed_by[32];
} lead_rec_t;

static void lead_hook(const char *type, const char *json, void *ud)
{
    lead_rec_t *r = ud;
    char *t = jstr(json, "type");
    if (!type || !json || !t || strcmp(t, type) != 0 || !jvalid(json) || !jpath(json, "seq") || !jpath(json, "record") ||
        strncmp(type, "lead.", 5) != 0)
        r->bad++;
    free(t);
    if (r->n < 32) {
        snprintf(r->types[r->n], sizeof r->types[0], "%s", type ? type : "");
        r->seqs[r->n] = json ? jintd(json, "seq", -1) : -1;
    }
    if (type && json && strcmp(type, "lead.transitioned") == 0) {
        char *from = jstr(json, "record.transition.from"), *to = jstr(json, "record.transition.to");
        char *by = jstr(json, "record.transition.performed_by");
        snprintf(r->transition_from, sizeof r->transition_from, "%s", from ? from : "");
        snprintf(r->transition_to, sizeof r->transition_to, "%s", to ? to : "");
        snprintf(r->performed_by, sizeof r->performed_by, "%s", by ? by : "");
        free(from);
        free(to);
        free(by);
    }
    r->n++;
}

/* crm_exec that must fail with `want`, with every `needle` (NULL-terminated)
** in crm_errmsg. */
static void refused(crm_db *db, const char *cmd, const char *args, int want, const char *needle1,
                    const char *needle2, int line)
{
    char *out = (char *)"untouched";
    int rc = crm_exec(db, cmd, args, &out);
    const char *msg = crm_errmsg(db);
    tk_check(rc == want, __FILE__, line, "rc == want", "%s %s: %s, want %s (%s)", cmd, args, tk_rcname(rc),
             tk_rcname(want), msg);
    tk_check(out == NULL, __FILE__, line, "out == NULL", "%s: no result on failure", cmd);
    if (needle1)
        tk_check(strstr(msg, needle1) != NULL, __FILE__, line, "message names", "%s: '%s' not in \"%s\"", cmd,
                 needle1, msg);
    if (needle2)
        tk_check(strstr(msg, needle2) != NULL, __FILE__, line, "message names", "%s: '%s' not in \"%s\"", cmd,
                 needle2, msg);
}
#define REFUSED(db, cmd, args, want, n1, n2) refused((db), (cmd), (args), (want), (n1), (n2), __LINE__)

static long count_leads(crm_db *db)
{
    char *r = EXEC(db, "lead.list", "{\"limit\":500}", CRM_OK);
    long n = r ? jlen(r, "items") : -1;
    crm_free(r);
    return n;
}

static const char *capture_json(const char *region)
{
    return S("{\"first_name\":\"Naledi\",\"last_name\":\"Khumalo\",\"company\":\"Khumalo Roofing\","
             "\"email\":\"naledi@khumaloroofing.example\",\"phone\":\"082 555 0142\",\"region\":\"%s\","
             "\"interest\":\"IBR sheeting for a warehouse\",\"estimated_value_minor\":18500000,\"currency\":\"ZAR\","
             "\"owner\":\"thabo\",\"source_channel\":\"web\",\"campaign\":\"spring-2027\","
             "\"source\":\"web-form\",\"external_ref\":\"WF-1001\"}",
             region);
}

void test_leads(void)
{
    crm_db *db = open_db(fresh("leads.sqlite"), 0);
    lead_rec_t rec;
    int hid = -1, wild = -1;
    lead_rec_t all;
    long long lead = -1, earlier = -1, acct = -1, contact = -1;
    int64_t found = -42;
    long events0, leads0;
    char *r;
    if (!db)
        return;
    memset(&rec, 0, sizeof rec);
    memset(&all, 0, sizeof all);
    CHECK_RC(db, crm_hook_register(db, "lead.*", lead_hook, &rec, &hid), CRM_OK);

    /* --- capture ----------------------------------------------------------- */
    r = EXEC(db, "lead.create", capture_json("Gauteng"), CRM_OK);
    if (r) {
        CHECKF(jvalid(r), "%.300s", r);
        lead = jintd(r, "id", -1);
        CHECK(lead > 0);
        CHECK(jstreq(r, "status", "new"));
        CHECK(jintd(r, "version", -1) == 1);
        CHECK(jbool(r, "replayed") == 0);
        CHECKF(jlen(r, "duplicates") == 0, "%.300s", r);
        CHECK(jstreq(r, "source_channel", "web"));
        CHECK(jstreq(r, "campaign", "spring-2027"));
        CHECK(jintd(r, "estimated_value_minor", -1) == 18500000);
        CHECK(jstreq(r, "external_refs[0].source", "web-form") && jstreq(r, "external_refs[0].external_ref", "WF-1001"));
        crm_free(r);
    }
    CHECK(rec.n == 1 && strcmp(rec.types[0], "lead.created") == 0);

    /* replay: same id, no event; another content under the same ref: conflict naming the field */
    r = EXEC(db, "lead.create", capture_json("Gauteng"), CRM_OK);
    CHECK(r && jbool(r, "replayed") == 1 && jintd(r, "id", -1) == lead && jlen(r, "duplicates") == 0);
    crm_free(r);
    CHECKF(rec.n == 1, "a replay is heard by no hook: %d", rec.n);
    REFUSED(db, "lead.create", capture_json("Limpopo"), CRM_CONFLICT, "region", NULL);

    /* crm_find_by_ref */
    CHECK_RC(db, crm_find_by_ref(db, "lead", "web-form", "WF-1001", &found), CRM_OK);
    CHECK(found == lead);
    found = -42;
    CHECK_RC(db, crm_find_by_ref(db, "lead", "web-form", "WF-9999", &found), CRM_NOTFOUND);
    CHECK_RC(db, crm_find_by_ref(db, "lead", "ledger", "WF-1001", &found), CRM_NOTFOUND);
    CHECK_RC(db, crm_find_by_ref(db, "account", "web-form", "WF-1001", &found), CRM_NOTFOUND);
    CHECK(found == -42);
    r = EXEC(db, "lead.get", "{\"source\":\"web-form\",\"external_ref\":\"WF-1001\"}", CRM_OK);
    CHECK(r && jintd(r, "id", -1) == lead && jstreq(r, "last_name", "Khumalo"));
    crm_free(r);

    /* --- bad input: the field named, nothing written ------------------------- */
    events0 = count_events(db);
    leads0 = count_leads(db);
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"source_channel\":\"fax\"}", CRM_INVALID, "source_channel", NULL);
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"source_channel\":null}", CRM_INVALID, "source_channel", NULL);
    REFUSED(db, "lead.create", "{\"first_name\":\"Ann\"}", CRM_INVALID, "last_name, company, email or phone", NULL);
    REFUSED(db, "lead.create", "{\"email\":\"not-an-address\"}", CRM_INVALID, "email", NULL);
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"currency\":\"XYZ\"}", CRM_INVALID, "currency", "XYZ");
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"estimated_value_minor\":-1}", CRM_RANGE, "estimated_value_minor", NULL);
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"referred_by_account_id\":99999}", CRM_NOTFOUND,
            "referred_by_account_id 99999", NULL);
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"nmae\":\"y\"}", CRM_INVALID, "nmae", NULL);
    REFUSED(db, "lead.create", "{\"company\":\"X\",\"status\":\"qualified\"}", CRM_INVALID, "status", NULL);
    REFUSED(db, "lead.update", S("{\"id\":%lld,\"source_channel\":\"fax\"}", lead), CRM_INVALID, "source_channel", NULL);
    REFUSED(db, "lead.update", S("{\"id\":%lld,\"status\":\"qualified\"}", lead), CRM_INVALID, "status", NULL);
    REFUSED(db, "lead.update", "{\"id\":987654,\"owner\":\"x\"}", CRM_NOTFOUND, "lead 987654", NULL);
    REFUSED(db, "lead.list", "{\"source_channel\":\"fax\"}", CRM_INVALID, "source_channel", NULL);
    REFUSED(db, "lead.list", "{\"status\":\"won\"}", CRM_INVALID, "status", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld}", lead), CRM_INVALID, "to", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"won\"}", lead), CRM_INVALID, "to", NULL);
    REFUSED(db, "lead.transition", "{\"id\":987654,\"to\":\"contacted\"}", CRM_NOTFOUND, "lead 987654", NULL);
    REFUSED(db, "lead.history", "{\"id\":987654}", CRM_NOTFOUND, "lead 987654", NULL);
    REFUSED(db, "lead.configure", "{}", CRM_INVALID, "duplicate_policy", NULL);
    REFUSED(db, "lead.configure", "{\"duplicate_policy\":\"ignore\"}", CRM_INVALID, "duplicate_policy", NULL);
    CHECKF(count_events(db) == events0, "bad input wrote events");
    CHECK(count_leads(db) == leads0);

    /* --- the lifecycle: new -> contacted -> qualified ------------------------- */
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"qualified\"}", lead), CRM_CONSTRAINT, "new", "qualified");
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"qualified\"}", lead), CRM_CONSTRAINT,
            "from new to qualified", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"converted\"}", lead), CRM_CONSTRAINT, "lead.convert", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"new\"}", lead), CRM_CONSTRAINT, "is new already", NULL);
    r = EXEC(db, "lead.transition", S("{\"id\":%lld,\"to\":\"contacted\",\"performed_by\":\"thabo\",\"expected_version\":1}", lead),
             CRM_OK);
    CHECK(r && jstreq(r, "status", "contacted") && jintd(r, "version", -1) == 2);
    crm_free(r);
    CHECK(rec.n == 2 && strcmp(rec.types[1], "lead.transitioned") == 0);
    CHECK(strcmp(rec.transition_from, "new") == 0 && strcmp(rec.transition_to, "contacted") == 0 &&
          strcmp(rec.performed_by, "thabo") == 0);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"new\"}", lead), CRM_CONSTRAINT, "from contacted to new", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"disqualified\"}", lead), CRM_INVALID, "reason is required", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"disqualified\",\"reason\":\"   \"}", lead), CRM_INVALID,
            "reason is required", NULL);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"qualified\",\"expected_version\":1}", lead), CRM_CONFLICT,
            "stale", NULL);
    r = EXEC(db, "lead.transition", S("{\"id\":%lld,\"to\":\"qualified\",\"reason\":\"budget confirmed\"}", lead), CRM_OK);
    CHECK(r && jstreq(r, "status", "qualified") && jintd(r, "version", -1) == 3);
    crm_free(r);
    CHECK(rec.n == 3 && strcmp(rec.transition_from, "contacted") == 0 && strcmp(rec.transition_to, "qualified") == 0);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"contacted\"}", lead), CRM_CONSTRAINT,
            "from qualified to contacted", NULL);
    r = EXEC(db, "lead.get", S("{\"id\":%lld}", lead), CRM_OK);
    CHECK(r && jstreq(r, "status", "qualified") && jstreq(r, "status_reason", "budget confirmed"));
    crm_free(r);

    /* history, oldest first, from the capture */
    r = EXEC(db, "lead.history", S("{\"id\":%lld}", lead), CRM_OK);
    if (r) {
        CHECKF(jlen(r, "items") == 3, "%.400s", r);
        CHECK(jintd(r, "lead_id", -1) == lead);
        CHECK(jisnull(r, "items[0].from") && jstreq(r, "items[0].to", "new"));
        CHECK(jstreq(r, "items[1].from", "new") && jstreq(r, "items[1].to", "contacted"));
        CHECK(jstreq(r, "items[1].performed_by", "thabo") && jisnull(r, "items[1].reason"));
        CHECK(jstreq(r, "items[2].from", "contacted") && jstreq(r, "items[2].to", "qualified"));
        CHECK(jstreq(r, "items[2].reason", "budget confirmed") && jpath(r, "items[2].occurred_at") != NULL);
        crm_free(r);
    }

    /* update and list filters */
    r = EXEC(db, "lead.update", S("{\"id\":%lld,\"owner\":\"zanele\",\"expected_version\":3}", lead), CRM_OK);
    CHECK(r && jstreq(r, "owner", "zanele") && jintd(r, "version", -1) == 4 && jstreq(r, "status", "qualified"));
    crm_free(r);
    CHECK(rec.n == 4 && strcmp(rec.types[3], "lead.updated") == 0);
    r = EXEC(db, "lead.list", "{\"status\":\"qualified\",\"owner\":\"zanele\",\"source_channel\":\"web\","
                              "\"campaign\":\"spring-2027\",\"region\":\"Gauteng\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 1 && jintd(r, "items[0].id", -1) == lead && jisnull(r, "next_cursor"));
    crm_free(r);
    r = EXEC(db, "lead.list", "{\"status\":\"new\"}", CRM_OK);
    CHECK(r && jlen(r, "items") == 0);
    crm_free(r);

    /* --- duplicates: listed under warn, refused (nothing written) under refuse -- */
    acct = create(db, "account.create", "{\"name\":\"Highveld Roofing (Pty) Ltd\",\"email\":\"info@highveld.example\"}");
    contact = create(db, "contact.create", S("{\"account_id\":%lld,\"last_name\":\"Botha\",\"phone\":\"+27 11 555 0100\"}", acct));
    earlier = create(db, "lead.create", "{\"first_name\":\"Johan\",\"last_name\":\"Botha\",\"email\":\"johan@highveld.example\"}");
    r = EXEC(db, "lead.settings", NULL, CRM_OK);
    CHECK(r && jstreq(r, "duplicate_policy", "warn"));
    crm_free(r);
    r = EXEC(db, "lead.create", "{\"first_name\":\"Johan\",\"last_name\":\"Botha\",\"company\":\"HIGHVELD ROOFING\","
                                "\"email\":\"Johan@Highveld.Example\",\"phone\":\"011 555 0100\"}", CRM_OK);
    if (r) {
        CHECKF(jlen(r, "duplicates") == 3, "%.500s", r);
        CHECK(jstreq(r, "duplicates[0].record_type", "lead") && jintd(r, "duplicates[0].id", -1) == earlier);
        CHECK(jstreq(r, "duplicates[0].reasons[0]", "email") && jstreq(r, "duplicates[0].reasons[1]", "name"));
        CHECK(jstreq(r, "duplicates[1].record_type", "account") && jintd(r, "duplicates[1].id", -1) == acct);
        CHECK(jstreq(r, "duplicates[1].reasons[0]", "company"));
        CHECK(jstreq(r, "duplicates[2].record_type", "contact") && jintd(r, "duplicates[2].id", -1) == contact);
        CHECK(jstreq(r, "duplicates[2].reasons[0]", "phone"));
        crm_free(r);
    }

    r = EXEC(db, "lead.configure", "{\"duplicate_policy\":\"refuse\"}", CRM_OK);
    CHECK(r && jstreq(r, "duplicate_policy", "refuse"));
    crm_free(r);
    CHECK(rec.n >= 1 && strcmp(rec.types[rec.n - 1], "lead.configured") == 0);
    events0 = count_events(db);
    leads0 = count_leads(db);
    {
        int heard = rec.n;
        REFUSED(db, "lead.create", "{\"email\":\"JOHAN@highveld.example\",\"source\":\"web-form\",\"external_ref\":\"WF-2\"}",
                CRM_CONFLICT, "duplicate policy is refuse", S("lead %lld (email)", earlier));
        CHECKF(count_events(db) == events0, "a refused duplicate wrote an event");
        CHECK(count_leads(db) == leads0);
        CHECKF(rec.n == heard, "a refused duplicate was heard by a hook");
        found = -42;
        CHECK_RC(db, crm_find_by_ref(db, "lead", "web-form", "WF-2", &found), CRM_NOTFOUND);
        CHECK(found == -42);
    }
    /* configuring the same policy again is no change and no event */
    r = EXEC(db, "lead.configure", "{\"duplicate_policy\":\"refuse\"}", CRM_OK);
    CHECK(r && jstreq(r, "duplicate_policy", "refuse"));
    crm_free(r);
    CHECK(count_events(db) == events0);
    /* a lead that looks like nothing is still made, with the next id */
    r = EXEC(db, "lead.create", "{\"email\":\"nobody@elsewhere.example\",\"source_channel\":\"walk_in\"}", CRM_OK);
    CHECK(r && jlen(r, "duplicates") == 0 && jintd(r, "id", -1) > earlier);
    crm_free(r);

    /* --- hooks: an exact pattern and the whole outbox agree ----------------- */
    CHECK_RC(db, crm_hook_register(db, "lead.transitioned", lead_hook, &all, &wild), CRM_OK);
    r = EXEC(db, "lead.transition", S("{\"id\":%lld,\"to\":\"disqualified\",\"reason\":\"no budget this year\"}", lead), CRM_OK);
    CHECK(r && jstreq(r, "status", "disqualified") && jstreq(r, "status_reason", "no budget this year"));
    crm_free(r);
    CHECK(all.n == 1 && strcmp(all.types[0], "lead.transitioned") == 0);
    CHECK(strcmp(all.transition_from, "qualified") == 0 && strcmp(all.transition_to, "disqualified") == 0);
    REFUSED(db, "lead.transition", S("{\"id\":%lld,\"to\":\"qualified\"}", lead), CRM_CONSTRAINT,
            "from disqualified to qualified", NULL);
    r = EXEC(db, "lead.transition", S("{\"id\":%lld,\"to\":\"new\",\"reason\":\"budget approved\"}", lead), CRM_OK);
    CHECK(r && jstreq(r, "status", "new"));
    crm_free(r);
    CHECK(all.n == 2 && strcmp(all.transition_from, "disqualified") == 0 && strcmp(all.transition_to, "new") == 0);
    CHECK_RC(db, crm_hook_unregister(db, wild), CRM_OK);

    CHECKF(rec.bad == 0 && all.bad == 0, "malformed hook calls: %d, %d", rec.bad, all.bad);
    {
        /* every lead.* event in the outbox was heard by the lead.* hook, in order */
        char *e = NULL;
        int i, n, k = 0;
        CHECK_RC(db, crm_events_fetch(db, "leads-test", 0, 1000, &e), CRM_OK);
        n = e ? jlen(e, "events") : -1;
        for (i = 0; i < n; i++) {
            char *t = jstr(e, S("events[%d].type", i));
            if (t && strncmp(t, "lead.", 5) == 0) {
                CHECKF(k < rec.n && strcmp(rec.types[k], t) == 0 && rec.seqs[k] == jintd(e, S("events[%d].seq", i), -2),
                       "outbox event %d (%s) is hook call %d", i, t, k);
                k++;
            }
            free(t);
        }
        CHECKF(k == rec.n, "outbox has %d lead events, the hook heard %d", k, rec.n);
        crm_free(e);
    }
    CHECK_RC(db, crm_hook_unregister(db, hid), CRM_OK);
    CHECK_RC(db, crm_close(db), CRM_OK);
}

/* crm_lead_capture: a lead from plain C strings, as lead.create. */
void test_lead_capture(void)
{
    crm_db *db = open_db(fresh("lead-capture.sqlite"), 0);
    int64_t id = -42, again = -42, found = -42;
    char *json = NULL;
    if (!db)
        return;
    CHECK_RC(db, crm_lead_capture(db, "Naledi", "Khumalo", "Khumalo Roofing", "naledi@khumaloroofing.example",
                                  "082 555 0142", "web", "enquiry-screen", "E-1001", &id, &json), CRM_OK);
    CHECK(id > 0);
    CHECKF(json && jintd(json, "id", -1) == id, "%s", json ? json : "(null)");
    CHECKF(json && strstr(json, "\"replayed\":false") && strstr(json, "\"duplicates\":[]"), "%s", json ? json : "(null)");
    crm_free(json);
    json = NULL;
    /* the same reference again: the same lead; NULL json_result is fine */
    CHECK_RC(db, crm_lead_capture(db, "Naledi", "Khumalo", "Khumalo Roofing", "naledi@khumaloroofing.example",
                                  "082 555 0142", "web", "enquiry-screen", "E-1001", &again, NULL), CRM_OK);
    CHECK(again == id);
    CHECK_RC(db, crm_find_by_ref(db, "lead", "enquiry-screen", "E-1001", &found), CRM_OK);
    CHECK(found == id);
    /* NULL and "" leave fields out: the second capture is a duplicate by e-mail */
    CHECK_RC(db, crm_lead_capture(db, NULL, "", NULL, "NALEDI@khumaloroofing.example", NULL, NULL, NULL, NULL, &again, &json),
             CRM_OK);
    CHECK(again != id);
    CHECKF(json && strstr(json, "\"source_channel\":\"other\"") && strstr(json, "\"reasons\":[\"email\"]"), "%s",
           json ? json : "(null)");
    crm_free(json);
    json = NULL;
    /* bad input: a code, a message naming the field, and nothing made */
    found = -42;
    CHECK_RC(db, crm_lead_capture(db, "Ann", NULL, NULL, NULL, NULL, NULL, NULL, NULL, &found, &json), CRM_INVALID);
    CHECK(json == NULL && found == -42);
    CHECKF(strstr(crm_errmsg(db), "last_name, company, email or phone") != NULL, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_lead_capture(db, NULL, "Dube", NULL, NULL, NULL, "fax", NULL, NULL, &found, NULL), CRM_INVALID);
    CHECKF(strstr(crm_errmsg(db), "source_channel") != NULL, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_lead_capture(db, NULL, "Dube", NULL, NULL, NULL, NULL, "enquiry-screen", NULL, &found, NULL), CRM_INVALID);
    CHECKF(strstr(crm_errmsg(db), "external_ref") != NULL, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_lead_capture(db, NULL, "Dube", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), CRM_INVALID);
    CHECKF(strstr(crm_errmsg(db), "out_lead_id") != NULL, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_lead_capture(db, NULL, "Dube\xff", NULL, NULL, NULL, NULL, NULL, NULL, &found, NULL), CRM_INVALID);
    CHECK(found == -42);
    CHECK_RC(NULL, crm_lead_capture(NULL, NULL, "Dube", NULL, NULL, NULL, NULL, NULL, NULL, &found, NULL), CRM_MISUSE);
    /* a data subject's request: lead.export hands the person over, lead.erase removes them everywhere */
    json = NULL;
    CHECK_RC(db, crm_exec(db, "lead.export", "{\"source\":\"enquiry-screen\",\"external_ref\":\"E-1001\"}", &json), CRM_OK);
    CHECKF(json && strstr(json, "naledi@khumaloroofing.example") && jlen(json, "history") == 1, "%s", json ? json : "(null)");
    crm_free(json);
    json = NULL;
    CHECK_RC(db, crm_exec(db, "lead.erase", "{\"source\":\"enquiry-screen\",\"external_ref\":\"E-1001\"}", &json), CRM_OK);
    CHECKF(json && jisnull(json, "email") && jisnull(json, "last_name") && !jisnull(json, "erased_at"), "%s", json ? json : "(null)");
    crm_free(json);
    json = NULL;
    CHECK_RC(db, crm_exec(db, "lead.export", "{\"source\":\"enquiry-screen\",\"external_ref\":\"E-1001\"}", &json), CRM_OK);
    CHECKF(json && !strstr(json, "naledi@") && !strstr(json, "Khumalo\""), "%s", json ? json : "(null)");
    crm_free(json);
    CHECK_RC(db, crm_exec(db, "lead.update", "{\"source\":\"enquiry-screen\",\"external_ref\":\"E-1001\",\"first_name\":\"N\"}", NULL),
             CRM_CONSTRAINT);
    CHECKF(strstr(crm_errmsg(db), "was erased") != NULL, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_close(db), CRM_OK);
}
