/*
** bench_leads.c -- lead capture with its duplicate check, against the plain
** indexed lookups it needs, in the same run.
**
**   bench_leads [-c CONTACTS] [-n LEADS] [-d DIR]
**
** (a) a libcrm file with one account and CONTACTS contacts (default
**     1,000,000), bulk-loaded with the sqlite3 C API after crm_open made the
**     schema (e-mail and phone keys as libcrm computes them for these ASCII
**     values; the ids recorded in crm_sequences);
** (b) lead.create through crm_exec, LEADS calls (default 2000), each its own
**     transaction, every other one with the e-mail of an existing contact
**     and every third with its phone, so the duplicate check finds matches:
**     median, p90, p99 in microseconds;
** (c) the baseline: the same e-mail and phone lookups as prepared sqlite3
**     SELECTs on the contacts' key indexes, on another connection to the
**     same file, per lead;
** then the ratio. Target: capture median <= 1 ms.
*/
#define _XOPEN_SOURCE 700
#include <crm.h>
#include <sqlite3.h>
#include "benchkit.h"
#include "bulkload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The phone of contact i and its key (the last nine digits). */
static void phone_of(int i, char *phone, size_t cap, char *key, size_t keycap)
{
    snprintf(phone, cap, "011 %03d %04d", (i / 10000) % 1000, i % 10000);
    snprintf(key, keycap, "11%03d%04d", (i / 10000) % 1000, i % 10000);
}

int main(int argc, char **argv)
{
    bench_name = "bench_leads";
    int contacts = 1000000, leads = 2000;
    const char *base = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) contacts = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) leads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) base = argv[++i];
        else { fprintf(stderr, "usage: %s [-c CONTACTS] [-n LEADS] [-d DIR]\n", argv[0]); return 2; }
    }
    if (contacts < 1 || leads < 1) die("arguments", "-c and -n must be positive");
    char path[512];
    snprintf(path, sizeof path, "%s/bench-leads-%d.sqlite", base, (int)getpid());

    /* (a) the schema through libcrm, the contacts in bulk through sqlite3 */
    sqlite3 *raw = bulk_open(path, "Bulk Contacts Holding");
    double load0 = now();
    sqlite3_stmt *insert = NULL;
    if (sqlite3_prepare_v2(raw,
            "INSERT INTO contacts (id, account_id, first_name, last_name, email, email_key, phone, phone_key, version, created_at, updated_at)"
            " VALUES (?, 1, ?, ?, ?, ?, ?, ?, 1, '2026-12-01T09:30:00Z', '2026-12-01T09:30:00Z')", -1, &insert, NULL) != SQLITE_OK)
        die("prepare insert", sqlite3_errmsg(raw));
    char first[32], last[32], email[96], phone[32], key[32];
    for (int i = 1; i <= contacts; i++) {
        snprintf(first, sizeof first, "Person%d", i);
        snprintf(last, sizeof last, "Surname%d", i % 50000);
        snprintf(email, sizeof email, "person%d@contacts.example", i);
        phone_of(i, phone, sizeof phone, key, sizeof key);
        sqlite3_bind_int64(insert, 1, i);
        sqlite3_bind_text(insert, 2, first, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 3, last, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, email, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 5, email, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 6, phone, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 7, key, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(insert) != SQLITE_DONE) die("insert contact", sqlite3_errmsg(raw));
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    char seq[160];
    snprintf(seq, sizeof seq, "INSERT INTO crm_sequences (name, last_value) VALUES ('contacts', %d) "
             "ON CONFLICT (name) DO UPDATE SET last_value = excluded.last_value", contacts);
    if (sqlite3_exec(raw, seq, NULL, NULL, NULL) != SQLITE_OK) die("crm_sequences", sqlite3_errmsg(raw));
    sqlite3_exec(raw, "COMMIT; ANALYZE", NULL, NULL, NULL);
    double loaded = now() - load0;

    /* (b) lead.create through crm_exec */
    crm_db *db = NULL;
    char *out = NULL;
    if (crm_open(path, 0, &db) != CRM_OK) die("crm_open", crm_errmsg(NULL));
    double *us = malloc(sizeof(double) * (size_t)leads);
    double *raw_us = malloc(sizeof(double) * (size_t)leads);
    if (!us || !raw_us) die("malloc", "out of memory");
    reseed();
    int matched = 0;
    char json[512];
    for (int i = 0; i < leads; i++) {
        int c = 1 + (int)(next_rand() % (unsigned long long)contacts);
        phone_of(c, phone, sizeof phone, key, sizeof key);
        if (i % 2 == 0) snprintf(email, sizeof email, "person%d@contacts.example", c);
        else snprintf(email, sizeof email, "new%d@leads.example", i);
        snprintf(json, sizeof json,
                 "{\"first_name\": \"Lead\", \"last_name\": \"Number%d\", \"company\": \"Lead Company %d\", \"email\": \"%s\","
                 " \"phone\": \"%s\", \"source_channel\": \"web\"}",
                 i, i, email, i % 3 == 0 ? phone : "072 000 0000");
        double t0 = now();
        int rc = crm_exec(db, "lead.create", json, &out);
        us[i] = (now() - t0) * 1e6;
        if (rc != CRM_OK) die("lead.create", crm_errmsg(db));
        if (strstr(out, "\"record_type\":\"contact\"")) matched++;
        crm_free(out);
    }
    crm_close(db);

    /* (c) the plain indexed lookups the check needs */
    sqlite3_stmt *by_email = NULL, *by_phone = NULL;
    if (sqlite3_prepare_v2(raw, "SELECT id FROM contacts WHERE email_key = ? ORDER BY id LIMIT 20", -1, &by_email, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(raw, "SELECT id FROM contacts WHERE phone_key = ? ORDER BY id LIMIT 20", -1, &by_phone, NULL) != SQLITE_OK)
        die("prepare lookups", sqlite3_errmsg(raw));
    reseed();
    long found = 0;
    for (int i = 0; i < leads; i++) {
        int c = 1 + (int)(next_rand() % (unsigned long long)contacts);
        phone_of(c, phone, sizeof phone, key, sizeof key);
        snprintf(email, sizeof email, "person%d@contacts.example", c);
        double t0 = now();
        sqlite3_bind_text(by_email, 1, email, -1, SQLITE_STATIC);
        while (sqlite3_step(by_email) == SQLITE_ROW) found++;
        sqlite3_reset(by_email);
        sqlite3_bind_text(by_phone, 1, key, -1, SQLITE_STATIC);
        while (sqlite3_step(by_phone) == SQLITE_ROW) found++;
        sqlite3_reset(by_phone);
        raw_us[i] = (now() - t0) * 1e6;
    }
    sqlite3_finalize(by_email);
    sqlite3_finalize(by_phone);
    sqlite3_close(raw);

    stats capture = summarize(us, leads), lookup = summarize(raw_us, leads);
    printf("libcrm %s: %d contacts loaded in %.1f s; %d leads captured, %d found a contact as duplicate (lookups found %ld rows)\n",
           crm_version(), contacts, loaded, leads, matched, found);
    printf("lead.create with duplicate check   median %8.1f us  p90 %8.1f  p99 %8.1f\n", capture.median, capture.p90, capture.p99);
    printf("raw indexed e-mail + phone lookup  median %8.1f us  p90 %8.1f  p99 %8.1f\n", lookup.median, lookup.p90, lookup.p99);
    printf("libcrm/raw %.1fx; target median <= 1000 us: %s\n", capture.median / lookup.median,
           capture.median <= 1000.0 ? "PASS" : "FAIL");
    free(us);
    free(raw_us);
    char wal[600];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path); unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path); unlink(wal);
    return 0;
}
