/*
** host.c -- an example legacy host: a debtors ledger written in C that adds
** CRM with libcrm.
**
**   cc -std=c99 host.c $(pkg-config --cflags --libs crm) -o host
**   ./host [database-file]          (default crm-example.sqlite)
**
** It imports the ledger's debtor master (customer code = external_ref, source
** "ledger"), adds contacts, logs calls, visits and complaints, records
** consent, re-imports a customer to show that a replayed feed makes no
** duplicates, lists the accounts page by page, and drains the event outbox as
** consumer "host-example". Run it twice on one file: the second run replays.
**
** The rules it follows are the whole of the ownership contract:
**   - every call returns CRM_OK or a code; crm_errmsg(db) says what went wrong;
**   - every char * the library hands back is released with crm_free();
**   - strings from crm_version/crm_errstr/crm_errmsg and the strings a hook
**     receives belong to the library and are never freed.
*/
#include <crm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
** The host's own data: its debtor master file (amounts in cents, ZAR).
*/
typedef struct {
    const char *code;           /* the ledger's customer code */
    const char *name;
    const char *kind;           /* business, dealer, distributor, consumer */
    int terms_days;             /* 30 or 60 days */
    long long credit_limit_cents;
    const char *vat_number;
    const char *email;
    const char *phone;
    const char *street, *city, *province, *postal_code;
    const char *region;
    /* the debtor's contact person */
    const char *contact_code, *first_name, *last_name, *role, *contact_email, *mobile;
} debtor;

static const debtor debtors[] = {
    {"ACME001", "Acme Hardware (Pty) Ltd", "business", 30, 5000000, "4010123456", "accounts@acmehardware.co.za",
     "+27 11 482 1000", "12 Jan Smuts Avenue", "Johannesburg", "Gauteng", "2196", "Gauteng", "ACME001-1", "Thabo",
     "Mokoena", "accounts payable", "thabo@acmehardware.co.za", "+27 82 555 0101"},
    {"KAROO02", "Karoo Farm Supplies CC", "dealer", 60, 12000000, "4020234567", "orders@karoofarm.co.za",
     "+27 23 414 2200", "3 Donkin Street", "Beaufort West", "Western Cape", "6970", "Karoo", "KAROO02-1", "Annelie",
     "van der Merwe", "owner", "annelie@karoofarm.co.za", "+27 83 555 0202"},
    {"DURB003", "Durban Spice Traders", "distributor", 30, 2500000, "4030345678", "info@durbanspice.co.za",
     "+27 31 306 3300", "88 Grey Street", "Durban", "KwaZulu-Natal", "4001", "KZN", "DURB003-1", "Priya",
     "Naidoo", "buyer", "priya@durbanspice.co.za", "+27 84 555 0303"},
    {"CAPE004", "Cape Fruit Exporters (Pty) Ltd", "business", 60, 25000000, "4040456789",
     "finance@capefruit.co.za", "+27 21 419 4400", "1 Dock Road", "Cape Town", "Western Cape", "8001",
     "Western Cape", "CAPE004-1", "Johan", "Botha", "financial manager", "johan@capefruit.co.za",
     "+27 72 555 0404"},
    {"PTA0005", "Pretoria Panelbeaters", "business", 30, 1000000, "4050567890", "admin@ptapanel.co.za",
     "+27 12 323 5500", "45 Church Street", "Pretoria", "Gauteng", "0002", "Gauteng", "PTA0005-1", "Sipho",
     "Dlamini", "workshop manager", "sipho@ptapanel.co.za", "+27 76 555 0505"},
};
#define NDEBTORS (sizeof debtors / sizeof debtors[0])

/* ---------------------------------------------------------------------------
** A tiny JSON toolkit, enough for an example: snprintf to build arguments,
** a string escaper, and a strstr-based reader of integer fields. (A real host
** would use its JSON library; the records are documented in docs/COMMANDS.md.)
*/

/* Copies s into out as the inside of a JSON string. */
static const char *esc(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return out;
}

/* The first integer field `key` in json ("id", "seq", "last_seq"...).
** Returns 1 and sets *out if found. Good enough for the flat records here:
** it takes the first occurrence, so ask for top-level fields only. */
static int json_int(const char *json, const char *key, long long *out)
{
    char pat[64];
    const char *p = json;
    size_t n = (size_t)snprintf(pat, sizeof pat, "\"%s\"", key);
    while (json && (p = strstr(p, pat)) != NULL) {
        const char *q = p + n;
        if (p > json && p[-1] == '\\') { /* inside a string value */
            p = q;
            continue;
        }
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (*q == ':') {
            char *end;
            long long v;
            q++;
            v = strtoll(q, &end, 10);
            if (end != q) {
                *out = v;
                return 1;
            }
        }
        p = q;
    }
    return 0;
}

/* 1 if json has "key": true */
static int json_true(const char *json, const char *key)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    p = json ? strstr(json, pat) : NULL;
    if (!p)
        return 0;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    return strncmp(p, "true", 4) == 0;
}

/* Copies the string field `key` (unescaped only as far as \" and \\). */
static const char *json_str(const char *json, const char *key, char *out, size_t cap)
{
    char pat[64];
    const char *p;
    size_t o = 0;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    out[0] = '\0';
    p = json ? strstr(json, pat) : NULL;
    if (!p)
        return out;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (*p != '"')
        return out;
    for (p++; *p && *p != '"' && o + 1 < cap; p++) {
        if (*p == '\\' && p[1])
            p++;
        out[o++] = *p;
    }
    out[o] = '\0';
    return out;
}

/* Iterates over the objects of the array field `key`: call with *p == NULL
** first; each call sets [*start, *end) to the next element and returns 1,
** or returns 0 at the end. Strings are skipped so braces inside them are safe. */
static int next_item(const char *json, const char *key, const char **p, const char **start, const char **end)
{
    int depth = 0, in_str = 0;
    const char *q;
    if (!*p) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"%s\"", key);
        q = json ? strstr(json, pat) : NULL;
        if (!q || !(q = strchr(q, '[')))
            return 0;
        *p = q + 1;
    }
    for (q = *p; *q; q++) {
        if (in_str) {
            if (*q == '\\' && q[1])
                q++;
            else if (*q == '"')
                in_str = 0;
        } else if (*q == '"') {
            in_str = 1;
        } else if (*q == '{' || *q == '[') {
            if (depth++ == 0)
                *start = q;
        } else if (*q == '}' || *q == ']') {
            if (depth == 0)
                return 0; /* the end of the array */
            if (--depth == 0) {
                *end = q + 1;
                *p = q + 1;
                return 1;
            }
        }
    }
    return 0;
}

static const char *rands(char *out, size_t cap, long long cents)
{
    char digits[32], grouped[48];
    int n, i, g = 0;
    long long whole = (cents < 0 ? -cents : cents) / 100;
    n = snprintf(digits, sizeof digits, "%lld", whole);
    for (i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            grouped[g++] = ' ';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    snprintf(out, cap, "%sR %s.%02lld", cents < 0 ? "-" : "", grouped, (cents < 0 ? -cents : cents) % 100);
    return out;
}

/* ---------------------------------------------------------------------------
** Error handling: report, then let the caller bail out.
*/
static int failed(crm_db *db, int rc, const char *what)
{
    if (rc == CRM_OK)
        return 0;
    fprintf(stderr, "host: %s: %s (%d): %s\n", what, crm_errstr(rc), rc, crm_errmsg(db));
    return 1;
}

/* Runs a command; on success returns the result (crm_free it), else NULL. */
static char *run(crm_db *db, const char *command, const char *args, int *rc)
{
    char *result = NULL;
    *rc = crm_exec(db, command, args, &result);
    if (failed(db, *rc, command))
        return NULL;
    return result;
}

/* The hook: the ledger would post to its audit trail or queue an SMS here.
** Both strings belong to the library and live only during the call. */
static void on_event(const char *event_type, const char *event_json, void *user_data)
{
    long long seq = -1;
    int *count = user_data;
    json_int(event_json, "seq", &seq);
    (*count)++;
    printf("  [hook] event %-20s seq %lld\n", event_type, seq);
}

static int import_debtor(crm_db *db, const debtor *d, long long *account_id, long long *contact_id, int *replayed)
{
    char args[4096], e[12][256], *res;
    int rc;
    snprintf(args, sizeof args,
             "{\"source\":\"ledger\",\"external_ref\":\"%s\",\"name\":\"%s\",\"kind\":\"%s\","
             "\"currency\":\"ZAR\",\"payment_terms_days\":%d,\"credit_limit_minor\":%lld,"
             "\"tax_number\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"region\":\"%s\","
             "\"tags\":[\"ledger-import\"],"
             "\"addresses\":[{\"kind\":\"billing\",\"line1\":\"%s\",\"city\":\"%s\",\"region\":\"%s\","
             "\"postal_code\":\"%s\",\"country\":\"ZA\"}]}",
             esc(e[0], sizeof e[0], d->code), esc(e[1], sizeof e[1], d->name), d->kind, d->terms_days,
             d->credit_limit_cents, esc(e[2], sizeof e[2], d->vat_number), esc(e[3], sizeof e[3], d->email),
             esc(e[4], sizeof e[4], d->phone), esc(e[5], sizeof e[5], d->region), esc(e[6], sizeof e[6], d->street),
             esc(e[7], sizeof e[7], d->city), esc(e[8], sizeof e[8], d->province),
             esc(e[9], sizeof e[9], d->postal_code));
    res = run(db, "account.create", args, &rc);
    if (!res)
        return rc;
    if (!json_int(res, "id", account_id)) {
        crm_free(res);
        fprintf(stderr, "host: account.create returned no id\n");
        return CRM_INTERNAL;
    }
    *replayed = json_true(res, "replayed");
    crm_free(res);

    snprintf(args, sizeof args,
             "{\"source\":\"ledger\",\"external_ref\":\"%s\",\"account_id\":%lld,\"first_name\":\"%s\","
             "\"last_name\":\"%s\",\"role\":\"%s\",\"email\":\"%s\",\"mobile\":\"%s\",\"preferred_channel\":\"email\"}",
             esc(e[0], sizeof e[0], d->contact_code), *account_id, esc(e[1], sizeof e[1], d->first_name),
             esc(e[2], sizeof e[2], d->last_name), esc(e[3], sizeof e[3], d->role),
             esc(e[4], sizeof e[4], d->contact_email), esc(e[5], sizeof e[5], d->mobile));
    res = run(db, "contact.create", args, &rc);
    if (!res)
        return rc;
    json_int(res, "id", contact_id);
    crm_free(res);
    return CRM_OK;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "crm-example.sqlite";
    crm_db *db = NULL;
    long long account_ids[NDEBTORS], contact_ids[NDEBTORS], id, seq;
    int hook_id = -1, heard = 0, rc, status = 1, replayed = 0, page = 0;
    size_t i;
    char args[2048], cursor[512] = "", buf[256], money[64], *res = NULL;
    int64_t found = 0;

    printf("libcrm %s (ABI %d), built against crm.h %s\n", crm_version(), crm_abi_version(), CRM_VERSION);
    if (crm_abi_version() != CRM_ABI_VERSION) {
        fprintf(stderr, "host: libcrm ABI %d, this host needs %d\n", crm_abi_version(), CRM_ABI_VERSION);
        return 1;
    }

    rc = crm_open(path, 0, &db);
    if (failed(NULL, rc, "crm_open")) /* no handle yet: the message is crm_errmsg(NULL) */
        return 1;
    printf("opened %s\n", path);

    rc = crm_hook_register(db, "*", on_event, &heard, &hook_id);
    if (failed(db, rc, "crm_hook_register"))
        goto done;

    /* 1. Import the debtor master in one transaction: all or nothing. Hooks
    **    for the whole batch run when crm_commit makes it durable. */
    printf("\nimporting %u debtors from the ledger...\n", (unsigned)NDEBTORS);
    rc = crm_begin(db);
    if (failed(db, rc, "crm_begin"))
        goto done;
    for (i = 0; i < NDEBTORS; i++) {
        rc = import_debtor(db, &debtors[i], &account_ids[i], &contact_ids[i], &replayed);
        if (rc != CRM_OK) {
            /* nothing of the batch survives; its events are never delivered */
            failed(db, crm_rollback(db), "crm_rollback");
            goto done;
        }
        printf("  %-8s -> account %lld, contact %lld%s\n", debtors[i].code, account_ids[i], contact_ids[i],
               replayed ? " (already imported)" : "");
    }
    printf("committing the import...\n");
    rc = crm_commit(db);
    if (failed(db, rc, "crm_commit"))
        goto done;

    /* 2. The interaction history: a collections call, a sales visit, a complaint. */
    printf("\nlogging interactions...\n");
    snprintf(args, sizeof args,
             "{\"source\":\"ledger\",\"external_ref\":\"CALL-2026-0301\",\"account_id\":%lld,\"contact_id\":%lld,"
             "\"kind\":\"call\",\"direction\":\"outbound\",\"subject\":\"Invoice INV-1042 overdue\","
             "\"body\":\"Promised payment of R 12 500.00 by Friday.\",\"performed_by\":\"credit.control\","
             "\"occurred_at\":\"2026-03-01T09:30:00Z\","
             "\"links\":[{\"record_type\":\"invoice\",\"record_id\":\"INV-1042\"}]}",
             account_ids[0], contact_ids[0]);
    res = run(db, "interaction.log", args, &rc);
    if (!res)
        goto done;
    crm_free(res);
    snprintf(args, sizeof args,
             "{\"source\":\"ledger\",\"external_ref\":\"VISIT-2026-0302\",\"account_id\":%lld,\"contact_id\":%lld,"
             "\"kind\":\"visit\",\"subject\":\"Quarterly review\",\"performed_by\":\"rep.jacobs\","
             "\"occurred_at\":\"2026-03-02T11:00:00Z\"}",
             account_ids[1], contact_ids[1]);
    res = run(db, "interaction.log", args, &rc);
    if (!res)
        goto done;
    crm_free(res);
    snprintf(args, sizeof args,
             "{\"source\":\"ledger\",\"external_ref\":\"COMP-2026-0303\",\"account_id\":%lld,\"contact_id\":%lld,"
             "\"kind\":\"complaint\",\"direction\":\"inbound\",\"subject\":\"Short delivery on DN-5531\","
             "\"body\":\"Two cases of cumin missing.\",\"occurred_at\":\"2026-03-03T14:15:00Z\","
             "\"links\":[{\"record_type\":\"delivery_note\",\"record_id\":\"DN-5531\"}]}",
             account_ids[2], contact_ids[2]);
    res = run(db, "interaction.log", args, &rc);
    if (!res)
        goto done;
    crm_free(res);

    /* 3. Consent, as given on the signed credit application. */
    printf("\nrecording consent...\n");
    snprintf(args, sizeof args,
             "{\"contact_id\":%lld,\"channel\":\"email\",\"status\":\"opted_in\","
             "\"source\":\"signed credit application\",\"recorded_at\":\"2026-01-10T08:00:00Z\"}",
             contact_ids[0]);
    res = run(db, "contact.consent", args, &rc);
    if (!res)
        goto done;
    crm_free(res);
    snprintf(args, sizeof args,
             "{\"contact_id\":%lld,\"channel\":\"sms\",\"status\":\"opted_out\",\"source\":\"phone call\","
             "\"recorded_at\":\"2026-02-14T10:00:00Z\"}",
             contact_ids[0]);
    res = run(db, "contact.consent", args, &rc);
    if (!res)
        goto done;
    crm_free(res);

    /* 4. The ledger replays its feed: same code, same content -> same record. */
    printf("\nre-importing %s...\n", debtors[0].code);
    rc = import_debtor(db, &debtors[0], &id, &seq, &replayed);
    if (rc != CRM_OK)
        goto done;
    printf("  %s -> account %lld, \"replayed\": %s (%s)\n", debtors[0].code, id, replayed ? "true" : "false",
           id == account_ids[0] ? "same id, no duplicate" : "A DIFFERENT ID?");
    if (id != account_ids[0] || !replayed) {
        fprintf(stderr, "host: the replay made a new record\n");
        goto done;
    }
    /* Same code, different content: a conflict; changes go through account.update. */
    snprintf(args, sizeof args,
             "{\"source\":\"ledger\",\"external_ref\":\"%s\",\"name\":\"Acme Hardware Holdings\"}", debtors[0].code);
    rc = crm_exec(db, "account.create", args, NULL);
    printf("  %s with another name -> %s: %s\n", debtors[0].code, crm_errstr(rc),
           rc == CRM_OK ? "" : crm_errmsg(db));
    if (rc != CRM_CONFLICT) {
        fprintf(stderr, "host: expected CRM_CONFLICT, got %d\n", rc);
        goto done;
    }
    rc = crm_find_by_ref(db, "account", "ledger", debtors[0].code, &found);
    if (failed(db, rc, "crm_find_by_ref"))
        goto done;
    snprintf(args, sizeof args, "{\"id\":%lld,\"status\":\"active\",\"owner\":\"rep.jacobs\"}", (long long)found);
    res = run(db, "account.update", args, &rc);
    if (!res)
        goto done;
    crm_free(res);

    /* 5. The accounts, page by page. */
    printf("\naccounts:\n");
    for (;;) {
        const char *p, *start, *end;
        if (cursor[0])
            snprintf(args, sizeof args, "{\"limit\":2,\"cursor\":\"%s\"}", cursor);
        else
            snprintf(args, sizeof args, "{\"limit\":2}");
        res = run(db, "account.list", args, &rc);
        if (!res)
            goto done;
        printf("  page %d\n", ++page);
        p = NULL;
        while (next_item(res, "items", &p, &start, &end)) {
            long long aid = 0, terms = 0, limit = 0;
            char item[8192];
            snprintf(item, sizeof item, "%.*s", (int)(end - start), start);
            json_int(item, "id", &aid);
            json_int(item, "payment_terms_days", &terms);
            json_int(item, "credit_limit_minor", &limit);
            printf("    %4lld  %-34s %3lld days  limit %s\n", aid, json_str(item, "name", buf, sizeof buf), terms,
                   rands(money, sizeof money, limit));
        }
        json_str(res, "next_cursor", cursor, sizeof cursor);
        crm_free(res);
        res = NULL;
        if (!cursor[0] || page > 1000)
            break;
    }

    /* 6. The outbox, as an out-of-process consumer would drain it: fetch,
    **    process, ack. Unacked events come again after a restart. */
    printf("\ndraining the outbox as consumer \"host-example\"...\n");
    for (;;) {
        long long last = 0;
        int n = 0;
        const char *p, *start, *end;
        res = NULL;
        rc = crm_events_fetch(db, "host-example", 0, 100, &res);
        if (failed(db, rc, "crm_events_fetch"))
            goto done;
        p = NULL;
        while (next_item(res, "events", &p, &start, &end))
            n++;
        json_int(res, "last_seq", &last);
        crm_free(res);
        if (n == 0)
            break;
        printf("  fetched %d events up to seq %lld; acknowledging\n", n, last);
        rc = crm_events_ack(db, "host-example", last);
        if (failed(db, rc, "crm_events_ack"))
            goto done;
    }
    status = 0;
    printf("\nthe hook heard %d events\n", heard);

done:
    if (hook_id >= 0 && db)
        failed(db, crm_hook_unregister(db, hook_id), "crm_hook_unregister");
    rc = crm_close(db);
    if (failed(NULL, rc, "crm_close"))
        status = 1;
    printf("%s\n", status == 0 ? "host example: OK" : "host example: FAILED");
    return status;
}
