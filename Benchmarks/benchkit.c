/*
** benchkit.c -- the helpers every benchmark program shares (benchkit.h).
*/
#define _XOPEN_SOURCE 700
#include "benchkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *bench_name = "bench";

void die(const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s: %s\n", bench_name, what, detail ? detail : "(no message)");
    exit(1);
}

char *run(crm_db *db, const char *command, const char *args)
{
    char *out = NULL;
    if (crm_exec(db, command, args, &out) != CRM_OK) die(command, crm_errmsg(db));
    return out;
}

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define SEED 0x9E3779B97F4A7C15ULL
static unsigned long long rng = SEED;

void reseed(void) { rng = SEED; }

unsigned long long next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

stats summarize(double *us, int n)
{
    stats s;
    qsort(us, (size_t)n, sizeof us[0], cmp_double);
    s.median = n % 2 ? us[n / 2] : (us[n / 2 - 1] + us[n / 2]) / 2;
    s.p90 = us[(int)((double)n * 0.90)];
    s.p99 = us[(int)((double)n * 0.99)];
    return s;
}

static const char *cities[] = {"Johannesburg", "Cape Town", "Durban", "Pretoria", "Gqeberha",
                               "Bloemfontein", "Polokwane", "Nelspruit", "Kimberley", "East London"};
static const char *trades[] = {"Hardware", "Plumbing", "Motors", "Spice Traders", "Electrical",
                               "Fruit Exporters", "Bakeries", "Panelbeaters", "Farm Supplies", "Printers"};
static const char *kinds[] = {"business", "business", "business", "dealer", "distributor"};

void make_customer(customer *c, int i)
{
    const char *city = cities[i % 10], *trade = trades[(i / 10) % 10];
    snprintf(c->name, sizeof c->name, "%s %s %05d (Pty) Ltd", city, trade, i);
    snprintf(c->email, sizeof c->email, "accounts%05d@%s.co.za", i, i % 2 ? "example" : "sample");
    snprintf(c->phone, sizeof c->phone, "+27 %02d %03d %04d", 10 + i % 80, i % 1000, (i * 7) % 10000);
    snprintf(c->tags, sizeof c->tags, "[\"%s\",\"retail\"]", i % 3 ? "gauteng" : "coastal");
    snprintf(c->line1, sizeof c->line1, "%d Main Road", 1 + i % 400);
    snprintf(c->city, sizeof c->city, "%s", city);
    snprintf(c->postal, sizeof c->postal, "%04d", (i * 13) % 10000);
    c->kind = kinds[i % 5];
    c->terms = i % 2 ? 30 : 60;
    c->limit = 100000LL * (1 + i % 500);
}

int with_refs;

int account_json(char *buf, size_t cap, const customer *c, int i)
{
    char refs[96] = "";
    if (with_refs)
        snprintf(refs, sizeof refs, ",\"source\":\"ledger\",\"external_ref\":\"C%05d\"", i);
    return snprintf(buf, cap,
                    "{\"name\":\"%s\",\"kind\":\"%s\",\"currency\":\"ZAR\",\"payment_terms_days\":%d,"
                    "\"credit_limit_minor\":%lld,\"email\":\"%s\",\"phone\":\"%s\",\"tags\":%s,"
                    "\"addresses\":[{\"kind\":\"billing\",\"line1\":\"%s\",\"city\":\"%s\","
                    "\"postal_code\":\"%s\",\"country\":\"ZA\"}]%s}",
                    c->name, c->kind, c->terms, c->limit, c->email, c->phone, c->tags, c->line1, c->city, c->postal,
                    refs);
}

long long id_of(const char *json)
{
    const char *p = json ? strstr(json, "\"id\"") : NULL;
    if (!p)
        return -1;
    p += 4;
    while (*p == ' ' || *p == ':')
        p++;
    return strtoll(p, NULL, 10);
}
