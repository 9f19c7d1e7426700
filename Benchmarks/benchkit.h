/*
** benchkit.h -- what the benchmark programs share: a monotonic clock, a
** repeatable random sequence, percentiles, and the realistic customer every
** program writes (so libcrm and each baseline store the same content).
*/
#ifndef BENCHKIT_H
#define BENCHKIT_H

#include <crm.h>
#include <stddef.h>

/* The program's name in its messages ("bench_credit"); each main sets it. */
extern const char *bench_name;

/* Prints "bench_name: what: detail" on standard error and exits 1. */
void die(const char *what, const char *detail);

/* crm_exec that must succeed: the answer (the caller frees it with crm_free), or die. */
char *run(crm_db *db, const char *command, const char *args);

/* Seconds on a monotonic clock. */
double now(void);

/* The next value of a xorshift sequence; reseed() starts it again, so two
** loops can visit the same picks. */
unsigned long long next_rand(void);
void reseed(void);

/* qsort's comparison of doubles. */
int cmp_double(const void *a, const void *b);

/* Median, 90th and 99th percentile of n timings; sorts them. */
typedef struct {
    double median, p90, p99;
} stats;
stats summarize(double *us, int n);

/* One realistic customer, the same content for both sides of a benchmark. */
typedef struct {
    char name[96], email[96], phone[32], tags[64], line1[64], city[32], postal[8];
    const char *kind;
    int terms;
    long long limit;
} customer;
void make_customer(customer *c, int i);

/* When set, account_json adds source "ledger" and external_ref "C%05d". */
extern int with_refs;

/* The account.create arguments of customer c (number i) into buf. */
int account_json(char *buf, size_t cap, const customer *c, int i);

/* The "id" of a JSON answer, or -1. */
long long id_of(const char *json);

#endif
