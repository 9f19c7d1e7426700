/* bulkload.h -- a libcrm file filled in bulk, for the benchmarks that need a
** large book (bench_leads, bench_pipeline). */
#ifndef BULKLOAD_H
#define BULKLOAD_H

#include <sqlite3.h>

/* Makes the libcrm file `path` (its schema, through libcrm, with one account
** named `account_name`: id 1), then opens it with plain sqlite3 for bulk
** inserts: WAL, synchronous off, a transaction begun. The caller commits and
** closes. Prints the failure and exits on any error. */
sqlite3 *bulk_open(const char *path, const char *account_name);

#endif
