/*
** bench_documents.c -- invoicing completed job cards, against the same rows
** written with raw sqlite3, in the same run.
**
**   bench_documents [-n JOBCARDS] [-b BATCH] [-d DIR]
**
** (a) a libcrm file with one account, a part and a labour product, and
**     JOBCARDS completed job cards (default 10,000), each with one part
**     line and one labour entry, made through crm_exec (not timed);
** (b) timed: for every card, invoice.create {jobcard_id} and invoice.issue
**     through crm_exec, BATCH cards (default 100) per crm_begin/crm_commit:
**     invoices issued per second;
** (c) the baseline: raw sqlite3 on a file of its own, with the same tables
**     and indexes libcrm keeps for it, writing per invoice what libcrm
**     writes: the invoice row, its two lines and their sources, the number
**     series bump, the job card's invoiced mark and the two outbox events
**     (with the same record JSON), BATCH per transaction;
** (d) timed: a payment per invoice through the typed call crm_payment_record,
**     allocated oldest-first (each pays the oldest open invoice in full),
**     BATCH per transaction: payments recorded per second;
** (e) the baseline: raw sqlite3 writing per payment the payment row, its
**     allocation, the invoice's paid amount and status, and the two events;
** then the ratios. Targets: at least 5,000 invoices issued and 10,000
** payments recorded and allocated per second.
*/
#define _XOPEN_SOURCE 700
#include <crm.h>
#include <sqlite3.h>
#include "benchkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long made(crm_db *db, const char *command, const char *args)
{
    char *out = run(db, command, args);
    long long id = id_of(out);
    crm_free(out);
    return id;
}

static void exec_sql(sqlite3 *raw, const char *sql)
{
    char *error = NULL;
    if (sqlite3_exec(raw, sql, NULL, NULL, &error) != SQLITE_OK) die(sql, error);
}

static sqlite3_stmt *prepare(sqlite3 *raw, const char *sql)
{
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(raw, sql, -1, &statement, NULL) != SQLITE_OK) die(sql, sqlite3_errmsg(raw));
    return statement;
}

static void step(sqlite3 *raw, sqlite3_stmt *statement)
{
    if (sqlite3_step(statement) != SQLITE_DONE) die("step", sqlite3_errmsg(raw));
    sqlite3_reset(statement);
}

int main(int argc, char **argv)
{
    bench_name = "bench_documents";
    int cards = 10000, batch = 100;
    const char *base = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) cards = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc) batch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) base = argv[++i];
        else { fprintf(stderr, "usage: %s [-n JOBCARDS] [-b BATCH] [-d DIR]\n", argv[0]); return 2; }
    }
    if (cards < 1 || batch < 1) die("arguments", "-n and -b must be positive");
    char path[512], rawpath[512], args[512];
    snprintf(path, sizeof path, "%s/bench-documents-%d.sqlite", base, (int)getpid());
    snprintf(rawpath, sizeof rawpath, "%s/bench-documents-raw-%d.sqlite", base, (int)getpid());

    /* (a) the completed job cards */
    crm_db *db = NULL;
    if (crm_open(path, 0, &db) != CRM_OK) die("crm_open", crm_errmsg(NULL));
    double setup0 = now();
    long long account = made(db, "account.create", "{\"name\": \"Karoo Irrigation\", \"payment_terms_days\": 30}");
    long long part = made(db, "product.create", "{\"code\": \"PUMP-075\", \"name\": \"Borehole pump 0.75 kW\", \"kind\": \"part\", "
                                                "\"unit_price_minor\": 125000, \"tax_rate_bp\": 1500, \"revenue_account\": \"4010\"}");
    long long labour = made(db, "product.create", "{\"code\": \"LAB-FIT\", \"name\": \"Fitter, per hour\", \"kind\": \"labour\", "
                                                  "\"unit\": \"hour\", \"unit_price_minor\": 45000, \"tax_rate_bp\": 1500, \"revenue_account\": \"4200\"}");
    long long *ids = malloc(sizeof *ids * (size_t)cards);
    if (!ids) die("malloc", "out of memory");
    for (int i = 0; i < cards; i++) {
        if (i % 1000 == 0 && crm_begin(db) != CRM_OK) die("crm_begin", crm_errmsg(db));
        snprintf(args, sizeof args, "{\"account_id\": %lld, \"site\": \"Plot %d\", \"lines\": [{\"product_id\": %lld, \"quantity_milli\": 1000}]}",
                 account, i + 1, part);
        ids[i] = made(db, "jobcard.create", args);
        snprintf(args, sizeof args, "{\"id\": %lld, \"scheduled_on\": \"2026-12-07\", \"technicians\": [\"Sipho Dube\"]}", ids[i]);
        crm_free(run(db, "jobcard.schedule", args));
        snprintf(args, sizeof args, "{\"id\": %lld}", ids[i]);
        crm_free(run(db, "jobcard.start", args));
        snprintf(args, sizeof args, "{\"id\": %lld, \"technician\": \"Sipho Dube\", \"minutes\": 90, \"product_id\": %lld}", ids[i], labour);
        crm_free(run(db, "jobcard.log_labour", args));
        snprintf(args, sizeof args, "{\"id\": %lld, \"signed_by\": \"J. Botha\"}", ids[i]);
        crm_free(run(db, "jobcard.complete", args));
        if ((i % 1000 == 999 || i == cards - 1) && crm_commit(db) != CRM_OK) die("crm_commit", crm_errmsg(db));
    }
    double setup = now() - setup0;

    /* (b) invoice.create + invoice.issue, BATCH per transaction */
    char *sample_created = NULL, *sample_issued = NULL;
    double libcrm0 = now();
    for (int i = 0; i < cards; i++) {
        if (i % batch == 0 && crm_begin(db) != CRM_OK) die("crm_begin", crm_errmsg(db));
        snprintf(args, sizeof args, "{\"jobcard_id\": %lld}", ids[i]);
        char *created = run(db, "invoice.create", args);
        long long invoice = id_of(created);
        snprintf(args, sizeof args, "{\"id\": %lld, \"issued_on\": \"2026-12-07\"}", invoice);
        char *issued = run(db, "invoice.issue", args);
        if (i == 0) { sample_created = created; sample_issued = issued; }
        else { crm_free(created); crm_free(issued); }
        if ((i % batch == batch - 1 || i == cards - 1) && crm_commit(db) != CRM_OK) die("crm_commit", crm_errmsg(db));
    }
    double libcrm = now() - libcrm0;

    /* (d) a payment per invoice, oldest-first, BATCH per transaction */
    char *sample_payment = NULL;
    double pay0 = now();
    for (int i = 0; i < cards; i++) {
        if (i % batch == 0 && crm_begin(db) != CRM_OK) die("crm_begin", crm_errmsg(db));
        int64_t payment = 0, unallocated = 0;
        char *answer = NULL;
        char reference[32];
        snprintf(reference, sizeof reference, "EFT %06d", i + 1);
        if (crm_payment_record(db, account, NULL, NULL, 221375, "ZAR", "2026-12-20", "eft", reference, NULL, NULL,
                               &payment, &unallocated, i == 0 ? &answer : NULL) != CRM_OK)
            die("crm_payment_record", crm_errmsg(db));
        if (unallocated != 0) die("crm_payment_record", "a payment was not allocated in full");
        if (i == 0) sample_payment = answer;
        if ((i % batch == batch - 1 || i == cards - 1) && crm_commit(db) != CRM_OK) die("crm_commit", crm_errmsg(db));
    }
    double paying = now() - pay0;
    crm_close(db);

    /* (c) the same rows with raw sqlite3 */
    sqlite3 *raw = NULL;
    if (sqlite3_open(rawpath, &raw) != SQLITE_OK) die("sqlite3_open", sqlite3_errmsg(raw));
    exec_sql(raw, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                  "CREATE TABLE number_series (series TEXT PRIMARY KEY, prefix TEXT, next_number INTEGER, width INTEGER);"
                  "INSERT INTO number_series VALUES ('invoice', 'INV-', 1, 6);"
                  "CREATE TABLE jobcards (id INTEGER PRIMARY KEY, status TEXT, invoice_id INTEGER, invoiced_at TEXT, version INTEGER);"
                  "CREATE TABLE invoices (id INTEGER PRIMARY KEY, number TEXT, status TEXT, account_id INTEGER, contact_id INTEGER,"
                  " jobcard_id INTEGER, quote_id INTEGER, currency TEXT, issued_on TEXT, due_on TEXT, subtotal_minor INTEGER,"
                  " tax_minor INTEGER, total_minor INTEGER, credited_minor INTEGER, paid_minor INTEGER, recorded INTEGER, notes TEXT,"
                  " issued_at TEXT, version INTEGER, created_at TEXT, updated_at TEXT);"
                  "CREATE UNIQUE INDEX invoices_number ON invoices (recorded, number);"
                  "CREATE INDEX invoices_account ON invoices (account_id, id); CREATE INDEX invoices_status ON invoices (status, id);"
                  "CREATE INDEX invoices_jobcard ON invoices (jobcard_id);"
                  "CREATE TABLE document_lines (document_type TEXT, document_id INTEGER, position INTEGER, product_id INTEGER,"
                  " description TEXT, quantity_milli INTEGER, unit_price_minor INTEGER, discount_bp INTEGER, tax_rate_bp INTEGER,"
                  " net_minor INTEGER, tax_minor INTEGER, PRIMARY KEY (document_type, document_id, position)) WITHOUT ROWID;"
                  "CREATE TABLE invoice_sources (invoice_id INTEGER, position INTEGER, source_type TEXT, source_id INTEGER,"
                  " source_position INTEGER, quantity_milli INTEGER, PRIMARY KEY (invoice_id, position)) WITHOUT ROWID;"
                  "CREATE TABLE crm_events (seq INTEGER PRIMARY KEY, type TEXT, occurred_at TEXT, record_json TEXT);");
    exec_sql(raw, "BEGIN");
    sqlite3_stmt *card = prepare(raw, "INSERT INTO jobcards VALUES (?, 'completed', NULL, NULL, 5)");
    for (int i = 0; i < cards; i++) { sqlite3_bind_int64(card, 1, i + 1); step(raw, card); }
    exec_sql(raw, "COMMIT");
    sqlite3_stmt *insert_invoice = prepare(raw, "INSERT INTO invoices VALUES (?, NULL, 'draft', 1, NULL, ?, NULL, 'ZAR', NULL, NULL,"
                                                " 192500, 28875, 221375, 0, 0, 0, NULL, NULL, 1, '2026-12-07T08:00:00Z', '2026-12-07T08:00:00Z')");
    sqlite3_stmt *insert_line = prepare(raw, "INSERT INTO document_lines VALUES ('invoice', ?, ?, ?, ?, ?, ?, 0, 1500, ?, ?)");
    sqlite3_stmt *insert_source = prepare(raw, "INSERT INTO invoice_sources VALUES (?, ?, 'jobcard', ?, ?, ?)");
    sqlite3_stmt *take_number = prepare(raw, "UPDATE number_series SET next_number = next_number + 1 WHERE series = 'invoice' RETURNING next_number - 1");
    sqlite3_stmt *issue = prepare(raw, "UPDATE invoices SET number = ?, status = 'issued', issued_on = '2026-12-07', due_on = '2027-01-06',"
                                       " issued_at = '2026-12-07T08:00:00Z', version = 2 WHERE id = ?");
    sqlite3_stmt *mark = prepare(raw, "UPDATE jobcards SET status = 'invoiced', invoice_id = ?, invoiced_at = '2026-12-07T08:00:00Z', version = 6 WHERE id = ?");
    sqlite3_stmt *event = prepare(raw, "INSERT INTO crm_events (type, occurred_at, record_json) VALUES (?, '2026-12-07T08:00:00Z', ?)");
    double raw0 = now();
    for (int i = 0; i < cards; i++) {
        long long id = i + 1;
        if (i % batch == 0) exec_sql(raw, "BEGIN IMMEDIATE");
        sqlite3_bind_int64(insert_invoice, 1, id);
        sqlite3_bind_int64(insert_invoice, 2, id);
        step(raw, insert_invoice);
        for (int position = 0; position < 2; position++) {
            sqlite3_bind_int64(insert_line, 1, id);
            sqlite3_bind_int(insert_line, 2, position);
            sqlite3_bind_int64(insert_line, 3, position == 0 ? 1 : 2);
            sqlite3_bind_text(insert_line, 4, position == 0 ? "Borehole pump 0.75 kW" : "Fitter, per hour: Sipho Dube", -1, SQLITE_STATIC);
            sqlite3_bind_int64(insert_line, 5, position == 0 ? 1000 : 1500);
            sqlite3_bind_int64(insert_line, 6, position == 0 ? 125000 : 45000);
            sqlite3_bind_int64(insert_line, 7, position == 0 ? 125000 : 67500);
            sqlite3_bind_int64(insert_line, 8, position == 0 ? 18750 : 10125);
            step(raw, insert_line);
            sqlite3_bind_int64(insert_source, 1, id);
            sqlite3_bind_int(insert_source, 2, position);
            sqlite3_bind_int64(insert_source, 3, id);
            sqlite3_bind_int(insert_source, 4, position);
            sqlite3_bind_int64(insert_source, 5, position == 0 ? 1000 : 1500);
            step(raw, insert_source);
        }
        sqlite3_bind_text(event, 1, "invoice.created", -1, SQLITE_STATIC);
        sqlite3_bind_text(event, 2, sample_created ? sample_created : "{}", -1, SQLITE_STATIC);
        step(raw, event);
        if (sqlite3_step(take_number) != SQLITE_ROW) die("number", sqlite3_errmsg(raw));
        long long number = sqlite3_column_int64(take_number, 0);
        sqlite3_reset(take_number);
        char text[32];
        snprintf(text, sizeof text, "INV-%06lld", number);
        sqlite3_bind_text(issue, 1, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(issue, 2, id);
        step(raw, issue);
        sqlite3_bind_int64(mark, 1, id);
        sqlite3_bind_int64(mark, 2, id);
        step(raw, mark);
        sqlite3_bind_text(event, 1, "invoice.issued", -1, SQLITE_STATIC);
        sqlite3_bind_text(event, 2, sample_issued ? sample_issued : "{}", -1, SQLITE_STATIC);
        step(raw, event);
        if (i % batch == batch - 1 || i == cards - 1) exec_sql(raw, "COMMIT");
    }
    double rawtime = now() - raw0;

    /* (e) the payments with raw sqlite3 */
    exec_sql(raw, "CREATE TABLE payments (id INTEGER PRIMARY KEY, account_id INTEGER, amount_minor INTEGER, currency TEXT,"
                  " received_on TEXT, method TEXT, reference TEXT, allocated_minor INTEGER, refunded_minor INTEGER, status TEXT,"
                  " reversed_on TEXT, reversal_reason TEXT, version INTEGER, created_at TEXT, updated_at TEXT);"
                  "CREATE INDEX payments_account ON payments (account_id, id);"
                  "CREATE TABLE payment_allocations (id INTEGER PRIMARY KEY, payment_id INTEGER, credit_note_id INTEGER,"
                  " invoice_id INTEGER, amount_minor INTEGER, allocated_on TEXT, reversed INTEGER);"
                  "CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id);"
                  "CREATE INDEX invoices_open ON invoices (account_id, status, due_on, id);");
    sqlite3_stmt *oldest = prepare(raw, "SELECT id, total_minor - paid_minor - credited_minor FROM invoices"
                                        " WHERE account_id = 1 AND (status = 'issued' OR status = 'partially_paid') ORDER BY due_on, id LIMIT 1");
    sqlite3_stmt *insert_payment = prepare(raw, "INSERT INTO payments VALUES (?, 1, 221375, 'ZAR', '2026-12-20', 'eft', ?, 221375, 0,"
                                                " 'recorded', NULL, NULL, 1, '2026-12-20T08:00:00Z', '2026-12-20T08:00:00Z')");
    sqlite3_stmt *insert_allocation = prepare(raw, "INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor, allocated_on, reversed)"
                                                   " VALUES (?, ?, 221375, '2026-12-20', 0)");
    sqlite3_stmt *settle = prepare(raw, "UPDATE invoices SET paid_minor = paid_minor + 221375, status = 'paid', version = version + 1 WHERE id = ?");
    double rawpay0 = now();
    for (int i = 0; i < cards; i++) {
        if (i % batch == 0) exec_sql(raw, "BEGIN IMMEDIATE");
        if (sqlite3_step(oldest) != SQLITE_ROW) die("oldest", sqlite3_errmsg(raw));
        long long invoice = sqlite3_column_int64(oldest, 0);
        sqlite3_reset(oldest);
        char reference[32];
        snprintf(reference, sizeof reference, "EFT %06d", i + 1);
        sqlite3_bind_int64(insert_payment, 1, i + 1);
        sqlite3_bind_text(insert_payment, 2, reference, -1, SQLITE_TRANSIENT);
        step(raw, insert_payment);
        sqlite3_bind_int64(insert_allocation, 1, i + 1);
        sqlite3_bind_int64(insert_allocation, 2, invoice);
        step(raw, insert_allocation);
        sqlite3_bind_int64(settle, 1, invoice);
        step(raw, settle);
        sqlite3_bind_text(event, 1, "payment.recorded", -1, SQLITE_STATIC);
        sqlite3_bind_text(event, 2, sample_payment ? sample_payment : "{}", -1, SQLITE_STATIC);
        step(raw, event);
        sqlite3_bind_text(event, 1, "invoice.paid", -1, SQLITE_STATIC);
        sqlite3_bind_text(event, 2, sample_issued ? sample_issued : "{}", -1, SQLITE_STATIC);
        step(raw, event);
        if (i % batch == batch - 1 || i == cards - 1) exec_sql(raw, "COMMIT");
    }
    double rawpaying = now() - rawpay0;
    sqlite3_finalize(oldest); sqlite3_finalize(insert_payment); sqlite3_finalize(insert_allocation); sqlite3_finalize(settle);
    sqlite3_finalize(card); sqlite3_finalize(insert_invoice); sqlite3_finalize(insert_line); sqlite3_finalize(insert_source);
    sqlite3_finalize(take_number); sqlite3_finalize(issue); sqlite3_finalize(mark); sqlite3_finalize(event);
    sqlite3_close(raw);

    double rate = cards / libcrm, raw_rate = cards / rawtime;
    double pay_rate = cards / paying, raw_pay_rate = cards / rawpaying;
    printf("libcrm %s: %d completed job cards made in %.1f s; invoiced and paid in batches of %d\n", crm_version(), cards, setup, batch);
    printf("invoice.create + invoice.issue   %9.0f invoices/s  (%.1f us each)\n", rate, 1e6 / rate);
    printf("raw sqlite3, the same rows       %9.0f invoices/s  (%.1f us each)\n", raw_rate, 1e6 / raw_rate);
    printf("crm_payment_record, oldest-first %9.0f payments/s  (%.1f us each)\n", pay_rate, 1e6 / pay_rate);
    printf("raw sqlite3, the same rows       %9.0f payments/s  (%.1f us each)\n", raw_pay_rate, 1e6 / raw_pay_rate);
    printf("invoices libcrm/raw %.2fx, target >= 5000/s: %s; payments libcrm/raw %.2fx, target >= 10000/s: %s\n",
           rate / raw_rate, rate >= 5000 ? "PASS" : "FAIL", pay_rate / raw_pay_rate, pay_rate >= 10000 ? "PASS" : "FAIL");
    crm_free(sample_payment);
    crm_free(sample_created);
    crm_free(sample_issued);
    free(ids);
    unlink(path); unlink(rawpath);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path); unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path); unlink(wal);
    snprintf(wal, sizeof wal, "%s-wal", rawpath); unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", rawpath); unlink(wal);
    return rate >= 5000 && pay_rate >= 10000 ? 0 : 1;
}
