/* tests.h -- the test groups of the suite, defined across Tests/c/test_*.c. */
#ifndef TESTS_H
#define TESTS_H

void hook_noop(const char *event_type, const char *event_json, void *user_data);

/* test_records.c */
void test_accounts(void);
void test_contacts(void);
void test_interactions(void);
void test_replay(void);
void test_find_by_ref(void);
void test_paging(void);
void test_search_merge(void);

/* test_events.c */
void test_events(void);
void test_hooks(void);
void test_hooks_reentrant(void);
void test_transactions(void);

/* test_files.c */
void test_persistence(void);
void test_readonly(void);
void test_future_migration(void);
void test_corrupt(void);
void test_failure_after_write(void);
void test_threads(void);
void test_two_handles(void);
void test_processes(void);
int writer_main(const char *path, const char *tag, int n); /* test_abi --writer PATH TAG N */

/* test_storage.c */
void test_open_existing(void);
void test_file_modes(void);
void test_busy(void);
void test_backup(void);

/* test_outbox.c */
void test_outbox_order(void);
void test_killed_client(void);
int outbox_child_main(const char *path, int n);                   /* test_abi --outbox-child PATH N */
int killed_child_main(const char *path, int wfd, int rfd);        /* test_abi --killed-child PATH WFD RFD */

/* test_bridge_csv.c */
void test_bridge_csv(void);

/* test_gnucash.c */
void test_gnucash(void);

/* test_leads.c */
void test_leads(void);
void test_lead_capture(void);

/* test_pipeline.c */
void test_pipeline(void);

/* test_reports.c */
void test_reports(void);

/* test_activities.c */
void test_activities(void);

/* test_quotes.c */
void test_quotes(void);

/* test_jobcards.c */
void test_jobcards(void);

/* test_invoices.c */
void test_invoice_numbers(void);
void test_invoice_limits(void);
int invoice_take_main(const char *path, long long quote);                      /* test_abi --invoice-take PATH QUOTE */
int invoice_child_main(const char *path);                                      /* test_abi --invoice-child PATH */
int invoice_killed_main(const char *path, long long id, int wfd, int rfd);     /* test_abi --invoice-killed PATH ID WFD RFD */

/* test_payments.c */
void test_payments(void);

/* test_credit.c */
void test_credit(void);
/* test_journal.c */
void test_journal(void);
/* test_credit_policy.c */
void test_credit_policy(void);

/* test_render.c */
void test_render(void);

/* test_dead_letters.c */
void test_dead_letters(void);

#endif
