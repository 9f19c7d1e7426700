/*
** bench_csv.c -- importing accounts from a CSV file through bridge.import_csv,
** against the plain account.create loop in the same run.
**
**   bench_csv [-n ROWS] [-b BATCH] [-d DIR]
**
** (a) a CSV file of ROWS customers (default 100,000): code, name, kind,
**     currency, terms, credit limit as decimal text ("1000.00"), e-mail,
**     phone, tags, and a billing address, written once (not timed);
** (b) the baseline, timed: a new libcrm file, and for every row
**     account.create through crm_exec with the same fields and
**     source + external_ref, BATCH (default 1000) per crm_begin/crm_commit;
** (c) timed: a second new file, and bridge.import_csv called batch after
**     batch (batch_size BATCH, resume_from_line = the answer's next_line)
**     until done: the file read and parsed, each cell mapped and converted,
**     the duplicate rules checked, each row through account.create (the
**     rows of a batch in one savepoint on SQLite), each batch one transaction;
** then rows per second of both and the ratio, and the CPU seconds each
** took (the process's own, which other programs on a busy machine do not
** inflate as they do the wall clock). Target: at least 20,000 account rows
** per second from CSV.
*/
#define _XOPEN_SOURCE 700
#include <crm.h>
#include "benchkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Seconds of CPU this process has used. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static const char *cities[] = {"Cape Town", "Durban", "Pretoria", "Gqeberha", "Bloemfontein",
                               "Polokwane", "Nelspruit", "Kimberley", "Mahikeng", "East London"};
static const char *trades[] = {"Irrigation", "Motors", "Hardware", "Farm Supply", "Engineering",
                               "Plumbing", "Electrical", "Logistics", "Traders", "Pumps"};
static const char *kinds[] = {"business", "dealer", "distributor", "business", "consumer"};

/* One customer's fields, the same for the CSV row and the JSON of account.create. */
typedef struct {
    char code[16], name[96], email[96], phone[32], line1[32], postal[8];
    const char *city, *kind, *tag;
    int terms;
    long long limit_minor;
} row;

static void make_row(row *r, int i)
{
    r->city = cities[i % 10];
    snprintf(r->code, sizeof r->code, "C%06d", i);
    snprintf(r->name, sizeof r->name, "%s %s %06d (Pty) Ltd", r->city, trades[(i / 10) % 10], i);
    snprintf(r->email, sizeof r->email, "accounts%06d@%s.co.za", i, i % 2 ? "example" : "sample");
    snprintf(r->phone, sizeof r->phone, "+27 21 %07d", i);
    snprintf(r->line1, sizeof r->line1, "%d Main Road", 1 + i % 400);
    snprintf(r->postal, sizeof r->postal, "%04d", (i * 13) % 10000);
    r->kind = kinds[i % 5];
    r->tag = i % 3 ? "gauteng" : "coastal";
    r->terms = i % 2 ? 30 : 60;
    r->limit_minor = 100000LL * (1 + i % 500);
}

static long long next_line_of(const char *json)
{
    const char *p = strstr(json, "\"next_line\":");
    if (!p) die("bridge.import_csv", "no next_line in the answer");
    p += strlen("\"next_line\":");
    return strncmp(p, "null", 4) == 0 ? 0 : strtoll(p, NULL, 10);
}

static long long count_of(const char *json, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    return p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
}

int main(int argc, char **argv)
{
    bench_name = "bench_csv";
    int n = 100000, batch = 1000;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc) batch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) dir = argv[++i];
        else { fprintf(stderr, "usage: bench_csv [-n ROWS] [-b BATCH] [-d DIR]\n"); return 64; }
    }
    if (n < 1 || batch < 1 || batch > 100000) die("arguments", "-n must be >= 1 and -b 1..100000");
    char template[] = "/tmp/crm-bench-csv-XXXXXX";
    if (!dir) {
        dir = mkdtemp(template);
        if (!dir) die("mkdtemp", "failed");
    }
    char csv[512], mapping[512], base_path[512], csv_path[512];
    snprintf(csv, sizeof csv, "%s/accounts.csv", dir);
    snprintf(mapping, sizeof mapping, "%s/mapping.json", dir);
    snprintf(base_path, sizeof base_path, "%s/baseline.crm", dir);
    snprintf(csv_path, sizeof csv_path, "%s/imported.crm", dir);
    unlink(csv); unlink(mapping); unlink(base_path); unlink(csv_path);

    /* (a) the file */
    FILE *out = fopen(csv, "w");
    if (!out) die("fopen", csv);
    fputs("Code,Customer,Kind,Currency,Terms,Credit limit,E-mail,Phone,Tags,Street,City,Postal code,Country\r\n", out);
    row r;
    for (int i = 0; i < n; i++) {
        make_row(&r, i);
        fprintf(out, "%s,\"%s\",%s,ZAR,%d,%lld.%02lld,%s,%s,%s;retail,%s,%s,%s,ZA\r\n", r.code, r.name, r.kind, r.terms,
                r.limit_minor / 100, r.limit_minor % 100, r.email, r.phone, r.tag, r.line1, r.city, r.postal);
    }
    fclose(out);
    out = fopen(mapping, "w");
    if (!out) die("fopen", mapping);
    fputs("{\"external_ref\": \"Code\", \"name\": \"Customer\", \"kind\": \"Kind\", \"currency\": \"Currency\","
          " \"payment_terms_days\": \"Terms\", \"credit_limit_minor\": \"Credit limit\", \"email\": \"E-mail\","
          " \"phone\": \"Phone\", \"tags\": \"Tags\", \"address_line1\": \"Street\", \"address_city\": \"City\","
          " \"address_postal_code\": \"Postal code\", \"address_country\": \"Country\"}", out);
    fclose(out);

    /* (b) the baseline: account.create in transactions of BATCH */
    crm_db *db = NULL;
    if (crm_open(base_path, 0, &db) != CRM_OK) die("crm_open", crm_errmsg(NULL));
    char json[1024];
    double base0 = now(), base_cpu0 = cpu_now();
    for (int i = 0; i < n; i += batch) {
        if (crm_begin(db) != CRM_OK) die("crm_begin", crm_errmsg(db));
        for (int j = i; j < n && j < i + batch; j++) {
            make_row(&r, j);
            snprintf(json, sizeof json,
                     "{\"name\":\"%s\",\"kind\":\"%s\",\"currency\":\"ZAR\",\"payment_terms_days\":%d,"
                     "\"credit_limit_minor\":%lld,\"email\":\"%s\",\"phone\":\"%s\",\"tags\":[\"%s\",\"retail\"],"
                     "\"addresses\":[{\"kind\":\"billing\",\"line1\":\"%s\",\"city\":\"%s\",\"postal_code\":\"%s\","
                     "\"country\":\"ZA\"}],\"source\":\"legacy\",\"external_ref\":\"%s\"}",
                     r.name, r.kind, r.terms, r.limit_minor, r.email, r.phone, r.tag, r.line1, r.city, r.postal, r.code);
            char *answer = NULL;
            if (crm_exec(db, "account.create", json, &answer) != CRM_OK) die("account.create", crm_errmsg(db));
            crm_free(answer);
        }
        if (crm_commit(db) != CRM_OK) die("crm_commit", crm_errmsg(db));
    }
    double base = now() - base0, base_cpu = cpu_now() - base_cpu0;
    crm_close(db);

    /* (c) bridge.import_csv, batch after batch */
    if (crm_open(csv_path, 0, &db) != CRM_OK) die("crm_open", crm_errmsg(NULL));
    long long next = 0, next_offset = 0, created = 0, refused = 0, calls = 0;
    double import0 = now(), import_cpu0 = cpu_now();
    do {
        char args[2048];
        char resume[96] = "";
        if (next) snprintf(resume, sizeof resume, ",\"resume_from_line\":%lld,\"resume_from_offset\":%lld", next, next_offset);
        snprintf(args, sizeof args, "{\"kind\":\"accounts\",\"path\":\"%s\",\"mapping\":\"%s\",\"source\":\"legacy\","
                 "\"batch_size\":%d%s}", csv, mapping, batch, resume);
        char *answer = NULL;
        if (crm_exec(db, "bridge.import_csv", args, &answer) != CRM_OK) die("bridge.import_csv", crm_errmsg(db));
        created += count_of(answer, "created");
        refused += count_of(answer, "error_count") + count_of(answer, "duplicates");
        next = next_line_of(answer);
        next_offset = count_of(answer, "next_offset");
        calls++;
        crm_free(answer);
    } while (next);
    double imported = now() - import0, imported_cpu = cpu_now() - import_cpu0;
    crm_close(db);
    if (created != n || refused != 0) {
        fprintf(stderr, "bench_csv: imported %lld of %d rows, %lld refused or duplicates\n", created, n, refused);
        return 1;
    }

    double base_rate = n / base, csv_rate = n / imported;
    printf("accounts from CSV: %d rows, batches of %d\n", n, batch);
    printf("  account.create loop (baseline)  %8.2f s  %9.0f rows/s  (cpu %5.2f s)\n", base, base_rate, base_cpu);
    printf("  bridge.import_csv (%lld calls)   %8.2f s  %9.0f rows/s  (cpu %5.2f s)\n", calls, imported, csv_rate, imported_cpu);
    printf("  ratio import/baseline           %8.2f\n", csv_rate / base_rate);
    printf("  target >= 20,000 rows/s: %s\n", csv_rate >= 20000 ? "met" : "NOT met");
    unlink(csv); unlink(mapping); unlink(base_path); unlink(csv_path);
    if (dir == template) rmdir(dir);
    return 0;
}
