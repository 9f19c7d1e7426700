/*
** crm.h -- the public C interface of libcrm.
**
** libcrm adds CRM to accounting software that already exists: accounts
** (customers), contacts, consent and preferences, the complete history of
** every interaction, and an event outbox the host can hook into or poll.
** The data lives in one embedded SQLite file beside the host's own files,
** or, when a shop outgrows one file, in a PostgreSQL database (crm_open).
**
** This header is the whole contract. Everything here is C99 and C++ safe.
**
** CONVENTIONS (they hold for every function below unless its block says
** otherwise):
**
**  - Every function that can fail returns an int: CRM_OK (0) or one of the
**    CRM_* codes below. Results come back through out-parameters: on
**    failure a pointer out-parameter is set to NULL and an int one is left
**    as it was.
**  - A NULL pointer argument is never dereferenced: it gives CRM_MISUSE
**    (for the handle) or CRM_INVALID (for any other argument), never a crash.
**  - Strings passed in are UTF-8, NUL-terminated, copied during the call and
**    never kept after it returns. Invalid UTF-8 gives CRM_INVALID.
**  - Every pointer the library hands back through a `char **` out-parameter
**    is owned by the caller and must be released with crm_free(). Pointers
**    returned directly (crm_version, crm_errstr, crm_errmsg) are owned by the
**    library and must not be freed.
**  - Records are JSON text: snake_case fields, money as integer minor units
**    plus an ISO 4217 code ("credit_limit_minor": 500000, "currency": "ZAR"),
**    dates YYYY-MM-DD, timestamps RFC 3339 UTC ("2026-12-01T09:30:00Z").
**    An unknown or mistyped field is an error that names the field.
**    docs/COMMANDS.md documents every command and record.
**  - Timestamps are kept to the whole second, in the years 1..9999. One sent
**    with an offset is converted to UTC; a fraction of a second is dropped
**    (12:00:00.999Z is kept as 12:00:00Z); a leap second, 23:59:60, is kept
**    as 23:59:59 of the same day. A currency must be an active ISO 4217 code
**    with a minor unit (not XXX, XTS, XAU...), a country an ISO 3166-1
**    alpha-2 code, both in capitals; any other is CRM_INVALID naming the field.
**  - json_args is at most 4 MiB (4194304 bytes; more is CRM_RANGE) and nests
**    objects and arrays at most 32 levels deep (more is CRM_INVALID).
**  - A failed call leaves the database file exactly as it was before the
**    call: nothing it wrote survives, nothing is half-written.
**
** THREADS: a crm_db handle may be used from any thread; calls on one handle
** are serialized by the library. Several handles, in one process or in
** several, may open the same file (WAL mode). One of them writes at a time:
** a writer waits up to the handle's busy timeout (5 s unless crm_busy_timeout
** says otherwise) for another's write to end, and then gets CRM_BUSY (see
** that code for what to do). Readers never wait for a writer. The library
** starts no threads of its own. Error messages are kept per handle and per
** thread. A transaction opened with crm_begin belongs to the handle, not to
** the thread that opened it.
*/
#ifndef CRM_H
#define CRM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
** VERSION
**
** CRM_VERSION_* describe this header; crm_version() and crm_abi_version()
** describe the library actually loaded. A host built against ABI N runs on
** any library whose crm_abi_version() is N (the SONAME is libcrm.so.N).
*/
#define CRM_VERSION_MAJOR 0
#define CRM_VERSION_MINOR 1
#define CRM_VERSION_PATCH 0
#define CRM_VERSION "0.1.0"
#define CRM_ABI_VERSION 0

/* The loaded library's version as "MAJOR.MINOR.PATCH". Static; never free. */
const char *crm_version(void);

/* The loaded library's ABI version (the N of libcrm.so.N). */
int crm_abi_version(void);

/* ---------------------------------------------------------------------------
** RESULT CODES
**
** One code per failure a caller can act on. crm_errstr(code) gives a static
** English phrase per code; crm_errmsg(db) gives the message of the failure
** itself, naming the record and field at fault.
*/
#define CRM_OK          0  /* success */
#define CRM_INVALID     1  /* bad argument: malformed JSON, unknown command,
                              unknown or mistyped field, invalid UTF-8,
                              a value not allowed for its field */
#define CRM_NOTFOUND    2  /* the record, command target or hook does not exist;
                              for crm_open, a missing file it may not create */
#define CRM_CONFLICT    3  /* a duplicate: the same source + external_ref sent
                              with different content, a stale expected_version,
                              a record that already exists, a crm_backup
                              destination that already exists */
#define CRM_CONSTRAINT  4  /* a business rule refused the change (an archived or
                              merged account; later a credit hold) */
#define CRM_BUSY        5  /* another connection (handle or process) held the
                              file's write lock for longer than the busy
                              timeout. The call did nothing, so retrying it
                              is safe: wait a moment and call again (a create
                              carrying source + external_ref is an idempotent
                              retry even if an earlier try did get through).
                              The message names the call. Inside crm_begin
                              the transaction goes on. See crm_busy_timeout. */
#define CRM_IO          6  /* the file could not be read or written */
#define CRM_CORRUPT     7  /* the file is not a libcrm database or is damaged */
#define CRM_RANGE       8  /* a value outside its range: an amount that
                              overflows 64 bits, an over-long string, a limit
                              out of bounds */
#define CRM_MISUSE      9  /* the API used out of order: a NULL or closed
                              handle, crm_commit without crm_begin */
#define CRM_VERSION_ERR 10 /* the file was written by a newer libcrm; nothing
                              was touched */
#define CRM_READONLY    11 /* a write on a handle opened with CRM_OPEN_READONLY */
#define CRM_CREDIT_HOLD 12 /* the account's credit policy holds or blocks this step */
#define CRM_INTERNAL    13 /* a bug in libcrm; the message says where */

/* A static phrase for a result code ("not found"). Unknown codes give
** "unknown error". Never NULL; never free. */
const char *crm_errstr(int code);

/* ---------------------------------------------------------------------------
** OPENING AND CLOSING
*/
typedef struct crm_db crm_db;

#define CRM_OPEN_READONLY     0x1  /* open an existing file for reading only */
#define CRM_OPEN_EXISTING     0x2  /* open only a file that exists; never create */
#define CRM_OPEN_GROUP_ACCESS 0x4  /* a file this open creates is 0660, not 0600 */

/* Opens the database at `path`: an SQLite file path, ":memory:" for a
** private in-memory database, or a PostgreSQL database (see POSTGRESQL
** below). A missing file is created, unless CRM_OPEN_READONLY or
** CRM_OPEN_EXISTING is given: then a missing file is CRM_NOTFOUND and nothing
** is created (a host that only reads, or a tool given a path by a user,
** cannot make a new empty database by mistyping a name).
**
** A new file holds personal data, so it is created owner-only: mode 0600,
** whatever the process's umask. With CRM_OPEN_GROUP_ACCESS it is created
** 0660 instead, for a host whose users share the file through a group.
** SQLite gives the -wal and -shm files beside it the same mode. An existing
** file keeps its mode: the flags never change it.
**
** Pending schema migrations run inside one transaction; a file written by a
** newer libcrm is refused with CRM_VERSION_ERR and left untouched. A
** read-only open of a file that needs migrating gives CRM_READONLY. The
** handle starts with a busy timeout of 5000 ms (crm_busy_timeout).
**
** path    UTF-8 file name, copied.
** flags   0 or an OR of CRM_OPEN_READONLY, CRM_OPEN_EXISTING and
**         CRM_OPEN_GROUP_ACCESS (which only matters when the open creates
**         the file); other bits give CRM_INVALID. With ":memory:" the file
**         flags have no effect.
** out_db  [out] the new handle, to be released with crm_close(). Set to NULL
**         on failure; the failure's message is then crm_errmsg(NULL), and it
**         names the file: "crm_open: '/data/crm.sqlite': ...".
**
** Returns CRM_OK, CRM_INVALID, CRM_NOTFOUND (a missing file with
** CRM_OPEN_READONLY or CRM_OPEN_EXISTING), CRM_IO (a file that cannot be
** created or opened: a missing directory, no permission; a server that
** cannot be reached; libpq missing), CRM_CORRUPT, CRM_BUSY, CRM_READONLY,
** CRM_VERSION_ERR.
**
** POSTGRESQL: when many workstations or branches share one CRM, `path` may
** name a PostgreSQL database (version 10 or later, and the engines that
** speak its protocol) instead of a file:
**   "postgresql://user@host:5432/crm?sslmode=prefer"   a URL (also postgres://)
**   "host=db1 port=5432 dbname=crm user=crm"            a libpq conninfo
** A path is a PostgreSQL target when it starts with "postgresql://" or
** "postgres://", or with a libpq keyword (host, dbname, user, ...) and "=";
** anything else is a file. The database must exist on the server; the
** same migrations run on open, in one transaction, into the connection's
** current schema (set it with options=-csearch_path=... to keep several
** libcrm databases on one server). The client library, libpq.so.5, is
** loaded when the first PostgreSQL target is opened, never before: the
** library does not depend on it otherwise, and without it crm_open gives
** CRM_IO saying what to install (Debian/Ubuntu: libpq5).
** Passwords: put none in the path of a program others can read; libpq reads
** them from PGPASSWORD, the ~/.pgpass file (PGPASSFILE) or a service file,
** as it does for psql. A password in the path is never shown in a message.
** Everything a caller can observe is the same on both engines (commands,
** answers, ids, versions, events and their order, replay, transactions,
** check-then-write), except speed and when CRM_BUSY comes: on PostgreSQL
** writers take turns on a lock the server holds (pg_advisory_xact_lock),
** waiting up to the busy timeout (lock_timeout). CRM_OPEN_EXISTING and
** CRM_OPEN_GROUP_ACCESS concern files and have no effect on a server;
** crm_backup gives CRM_MISUSE there (use pg_dump). */
int crm_open(const char *path, int flags, crm_db **out_db);

/* Closes a handle. An open crm_begin transaction is rolled back. Every
** registered hook is dropped. NULL is a harmless no-op returning CRM_OK.
** After crm_close the handle must not be used again (the library detects
** most such uses and returns CRM_MISUSE, but cannot promise to).
** Returns CRM_OK, CRM_MISUSE (a handle that is not open). */
int crm_close(crm_db *db);

/* Sets how long a call on `db` waits for a lock another connection holds
** (another handle's crm_begin, another process's write) before it gives up
** with CRM_BUSY. Every handle starts at 5000 ms. 0 fails at once, for a host
** that would rather retry on its own schedule (or tell its user) than block.
** The wait is a sleep in the calling thread; the handle is held meanwhile.
**
** milliseconds  0 or more.
** Returns CRM_OK, CRM_RANGE (a negative value; the timeout is unchanged),
** CRM_MISUSE. */
int crm_busy_timeout(crm_db *db, int milliseconds);

/* ---------------------------------------------------------------------------
** ERRORS
*/

/* The message of the last failed call made on `db` from the calling thread,
** naming the record and field at fault ("account 42: currency must be a
** three-letter ISO 4217 code"), or "not an error" after a successful call.
** With db NULL: the calling thread's last failure not tied to a handle, such
** as a failed crm_open or a call given a NULL handle. Owned by the library;
** valid until the next call on that handle from this thread. Never NULL. */
const char *crm_errmsg(crm_db *db);

/* Frees any pointer the library returned through a `char **` out-parameter.
** NULL is a harmless no-op. */
void crm_free(void *p);

/* ---------------------------------------------------------------------------
** COMMANDS
**
** Every operation is a command named entity.verb ("account.create",
** "contact.consent", "interaction.list") with JSON arguments, answered with
** JSON. docs/COMMANDS.md lists them all with their fields.
**
** command      the command name, copied.
** json_args    a JSON object, copied; NULL means "{}".
** json_result  [out] the resulting record as JSON, free with crm_free();
**              may be NULL when the caller does not want it. The result is
**              copied out before the call commits: when the copy fails (out
**              of memory) the call fails with CRM_INTERNAL and has written
**              nothing, so no hook runs for it. A call refused with
**              CRM_CREDIT_HOLD also fills it, with the credit decision
**              (reasons, exposure, policy); every other failure leaves NULL.
**
** Outside crm_begin/crm_commit each call is its own transaction. Inside one,
** a call refused on its input (bad JSON or field, not found, conflict,
** range: every check a command makes) has written nothing, and the
** transaction goes on. A call that fails after it began writing (CRM_IO,
** a full disk, CRM_INTERNAL) rolls back the whole transaction, says so in its
** message, and every later call on the handle returns CRM_MISUSE until the
** host ends the transaction with crm_rollback (or crm_commit, which then
** commits nothing and returns CRM_MISUSE). Nothing is ever half-written.
** Hooks for the events a call wrote run after its commit, before crm_exec
** returns (or, inside crm_begin, when crm_commit does).
**
** Returns CRM_OK, CRM_INVALID (unknown command, malformed JSON, bad field),
** CRM_NOTFOUND, CRM_CONFLICT, CRM_CONSTRAINT, CRM_RANGE, CRM_BUSY, CRM_IO,
** CRM_READONLY, CRM_MISUSE, CRM_CREDIT_HOLD (quote.accept, jobcard.create,
** invoice.issue refused by credit control), CRM_INTERNAL. */
int crm_exec(crm_db *db, const char *command, const char *json_args,
             char **json_result);

/* Finds the id of the record the host knows as `external_ref` in `source`
** (its customer code, its contact number), the typed shortcut for the
** lookup a bridge makes most. record_type is any record type a module of
** the library makes: in this version "account", "contact", "interaction",
** "lead", "opportunity", "activity", "call_list", "product", "quote",
** "jobcard", "invoice", "credit_note" and "payment"; a type that does not exist is CRM_INVALID, and the message
** lists those that do. A merged account's references lead to the survivor.
**
** out_id  [out] the record's id.
** Returns CRM_OK, CRM_NOTFOUND, CRM_INVALID, CRM_MISUSE, CRM_BUSY, CRM_IO. */
int crm_find_by_ref(crm_db *db, const char *record_type, const char *source,
                    const char *external_ref, int64_t *out_id);

/* Captures a lead from plain C strings: the call a legacy host's enquiry
** screen makes most, without building JSON. It is "lead.create" with these
** fields (docs/COMMANDS.md), each copied; NULL or "" leaves a field out.
** The lead is checked for duplicates among leads, accounts and contacts as
** lead.create does. The other fields of a lead (region, owner, interest,
** estimated value, referral) go through crm_exec("lead.create", ...).
**
** source_channel  "web", "phone_in", "walk_in", "telemarketing", "email",
**                 "referral", "partner", "campaign", "social" or "other"
**                 (NULL: "other").
** source, external_ref  the host's reference, both or neither: capturing
**                 the same reference again returns the lead made then.
** out_lead_id     [out] the lead's id (the existing one on a replay).
** json_result    [out] the whole answer, the lead with "replayed" and
**                 "duplicates": [{"record_type","id","reasons"}]; free with
**                 crm_free(); may be NULL when not wanted.
** Returns what crm_exec returns for lead.create: CRM_OK, CRM_INVALID (a
** field, or a lead with none of last_name, company, email, phone; a NULL
** out_lead_id), CRM_CONFLICT (the reference with other content, or a
** duplicate under the refuse policy), CRM_RANGE, CRM_BUSY, CRM_IO,
** CRM_READONLY, CRM_MISUSE. */
int crm_lead_capture(crm_db *db, const char *first_name, const char *last_name,
                     const char *company, const char *email, const char *phone,
                     const char *source_channel, const char *source,
                     const char *external_ref, int64_t *out_lead_id,
                     char **json_result);

/* Records a payment received from plain C arguments: the call a legacy
** host's cash book makes most, without building JSON. It is "payment.record"
** (docs/COMMANDS.md, Payments) allocating oldest-first: the account's open
** invoices in the payment's currency, oldest due date first (then by id),
** each up to its balance due; what no invoice takes stays as unallocated
** credit on the account (allocate it later with "payment.allocate", or
** "payment.refund" it). Every string is copied; NULL or "" leaves a field
** out. Explicit allocations go through crm_exec("payment.record", ...).
**
** account_id      the account's id; or 0 with account_source and
**                 account_ref, the host's reference of the account (as
**                 crm_find_by_ref; a merged account's leads to the
**                 survivor). Both, or neither, is CRM_INVALID.
** amount_minor    what was received, minor units, > 0 (else CRM_RANGE).
** currency        ISO 4217 (NULL: the account's currency).
** received_on     YYYY-MM-DD (NULL: today).
** method          "eft", "cash", "card", "cheque", "debit_order" or "other"
**                 (required).
** reference       the bank or cheque reference, 1..200 (NULL: none).
** source, external_ref  the host's reference of the payment, both or
**                 neither: recording it again returns the payment made then.
** out_payment_id  [out] the payment's id (the existing one on a replay).
** out_unallocated_minor [out] what stays unallocated credit; may be NULL.
** json_result     [out] the whole answer, the payment with "allocations",
**                 "posting" and "replayed"; free with crm_free(); may be
**                 NULL when not wanted.
** Events (hooks): "payment.recorded" with the posting, then "invoice.paid"
** per invoice it paid.
** Returns what crm_exec returns for payment.record: CRM_OK, CRM_INVALID (a
** field, the account named twice or not at all, a NULL out_payment_id),
** CRM_NOTFOUND (no such account or account reference), CRM_CONSTRAINT (an
** archived or merged account), CRM_CONFLICT (the reference with other
** content), CRM_RANGE, CRM_BUSY, CRM_IO, CRM_READONLY, CRM_MISUSE. */
int crm_payment_record(crm_db *db, int64_t account_id, const char *account_source,
                       const char *account_ref, int64_t amount_minor,
                       const char *currency, const char *received_on,
                       const char *method, const char *reference,
                       const char *source, const char *external_ref,
                       int64_t *out_payment_id, int64_t *out_unallocated_minor,
                       char **json_result);

/* The steps of the document chain where credit control answers (the
** "stage" of credit.check, docs/COMMANDS.md "Credit policy and credit
** control"). */
#define CRM_STAGE_QUOTE_ACCEPTANCE 1 /* quote.accept */
#define CRM_STAGE_JOBCARD_CREATION 2 /* jobcard.create */
#define CRM_STAGE_INVOICE_ISSUE    3 /* invoice.issue */

/* The decisions of credit control, mildest first (not result codes: a step
** refused by one answers CRM_CREDIT_HOLD). */
#define CRM_DECISION_ALLOW              0 /* inside policy, or the stage allows */
#define CRM_DECISION_WARN               1 /* the step goes through with a warning */
#define CRM_DECISION_REQUIRE_PREPAYMENT 2 /* through only when unallocated payments cover it */
#define CRM_DECISION_HOLD               3 /* refused: the account is, or goes, on credit hold */
#define CRM_DECISION_BLOCK              4 /* refused */

/* Asks credit control what a step for `amount_minor` would get, without
** taking it (credit.check, read-only): the account's effective policy, its
** exposure (open receivables + accepted work not yet invoiced + this
** amount, in the policy's currency), its overdue amount, its score and
** whether it is on hold. The reasons and figures are in
** crm_exec("credit.check", ...).
**
** account_id    the account's id.
** amount_minor  the document's amount, in the policy's currency, >= 0.
** stage         CRM_STAGE_QUOTE_ACCEPTANCE, CRM_STAGE_JOBCARD_CREATION or
**               CRM_STAGE_INVOICE_ISSUE.
** out_decision  [out] CRM_DECISION_ALLOW .. CRM_DECISION_BLOCK.
** Returns CRM_OK with the decision (whatever it is), CRM_INVALID (an
** unknown stage, a NULL out_decision), CRM_RANGE (a negative amount),
** CRM_NOTFOUND (no such account), CRM_BUSY, CRM_IO, CRM_MISUSE. */
int crm_credit_check(crm_db *db, int64_t account_id, int64_t amount_minor, int stage,
                     int *out_decision);

/* ---------------------------------------------------------------------------
** TRANSACTIONS
**
** crm_begin opens a write transaction on the handle (BEGIN IMMEDIATE, so a
** busy file fails here and not halfway through); crm_commit makes every call
** since then durable at once and then runs their hooks; crm_rollback undoes
** them and their events, whose hooks never run. Transactions do not nest.
**
** A call that fails part-way through its writes rolls the transaction back
** (see crm_exec); it stays open only to be ended: crm_rollback then returns
** CRM_OK, crm_commit CRM_MISUSE naming the failure, having committed nothing.
**
** Returns CRM_OK, CRM_MISUSE (crm_begin inside a transaction, crm_commit or
** crm_rollback outside one, crm_commit of a rolled-back transaction, a bad
** handle), CRM_BUSY, CRM_IO, CRM_READONLY. */
int crm_begin(crm_db *db);
int crm_commit(crm_db *db);
int crm_rollback(crm_db *db);

/* ---------------------------------------------------------------------------
** BACKUPS
**
** Copying the database file while a handle has it open can copy a torn
** database: in WAL mode the newest commits live in the -wal file beside it,
** and a copy of the two taken at different moments does not fit together.
** Back up with crm_backup, which any handle may call while other handles and
** processes go on reading and writing; or copy the file only while no handle
** anywhere has it open. Never copy a live file with its -wal and -shm by
** hand.
*/

/* Writes a consistent copy of the database to a new file at `dest_path`,
** through SQLite's online backup API: the copy holds every transaction
** committed when the backup began and none of those committed while it runs
** (other handles and processes may write meanwhile: they are not blocked,
** and the copy is not torn). The copy is a libcrm database any crm_open
** opens; it is created owner-only (0600), as crm_open creates files. A
** ":memory:" database can be backed up to a file.
**
** A backup never overwrites: when a file (or a -wal or -journal file of that
** name) already exists at dest_path, nothing is written and the call gives
** CRM_CONFLICT. On any failure no file is left at dest_path.
**
** Inside a crm_begin transaction on this handle the call is refused with
** CRM_MISUSE (the copy would have to include or leave out writes the host
** has not decided on): end the transaction first, or back up through
** another handle, which copies the committed state.
**
** dest_path  UTF-8 file name of the new copy, copied; not ":memory:".
** Returns CRM_OK, CRM_INVALID (a NULL, empty or ":memory:" dest_path),
** CRM_CONFLICT (dest_path exists), CRM_MISUSE (inside crm_begin, a bad
** handle, a PostgreSQL database: back that up with the server's tools,
** pg_dump or a base backup), CRM_IO (a missing directory, no permission, a
** full disk), CRM_BUSY. */
int crm_backup(crm_db *db, const char *dest_path);

/* ---------------------------------------------------------------------------
** EVENTS: IN PROCESS
**
** Every change writes an event ("account.created", "contact.updated",
** "consent.changed", "interaction.logged", ...) into the outbox in the same
** transaction as the change. A hook hears the changes made through its own
** handle (other handles and processes reach the outbox through
** crm_events_fetch). It is called once per committed event whose type
** matches its pattern, on the thread that made the change, after the
** commit, outside every lock of the library: a hook may call back into the
** library, on this handle or another (a crm_exec from inside a hook runs as
** its own transaction; its events reach the hooks after the current one
** returns). Hooks never hear of rolled-back changes.
**
** event_type  the event's type, e.g. "account.created".
** event_json  the whole event {"seq","type","occurred_at","idempotency_key",
**             "record"}. Both strings are owned by the library and valid only
**             during the call: copy what you keep.
** user_data   the pointer given to crm_hook_register, untouched.
*/
typedef void (*crm_hook_fn)(const char *event_type, const char *event_json,
                            void *user_data);

/* Registers `fn` for the events whose type matches `event_pattern`: an exact
** type ("account.created"), a prefix glob ("account.*") or "*" for all.
** Hooks run in registration order. `user_data` is passed back untouched and
** is owned by the caller, who must keep it alive until unregistering.
**
** out_hook_id  [out] the id to give crm_hook_unregister.
** Returns CRM_OK, CRM_INVALID (a NULL or malformed pattern, a NULL fn or
** out_hook_id), CRM_MISUSE. */
int crm_hook_register(crm_db *db, const char *event_pattern, crm_hook_fn fn,
                      void *user_data, int *out_hook_id);

/* Removes a hook; it is not called again once this returns (except by a
** delivery already running on another thread).
** Returns CRM_OK, CRM_NOTFOUND (no such hook on this handle), CRM_MISUSE. */
int crm_hook_unregister(crm_db *db, int hook_id);

/* ---------------------------------------------------------------------------
** EVENTS: OUT OF PROCESS AND ACROSS RESTARTS
**
** A consumer is any name the host chooses ("ledger-sync"); its acknowledged
** position is kept in the file, so delivery is at least once: whatever was
** fetched but not acknowledged comes again. Inside crm_begin, fetch and ack
** belong to the transaction: fetch sees only events committed before it
** began, an ack of a later seq is CRM_RANGE, and crm_rollback undoes an ack.
**
** The file knows a consumer from its first crm_events_ack (an ack of 0
** registers it). Everything else about consumers is a crm_exec command
** (docs/COMMANDS.md, "Outbox consumers, dead letters and retention"):
** "events.consumers" lists them with their positions and dead letters;
** "events.fail" records a failed delivery and parks the event as a dead
** letter after max_attempts, so the position may move past it;
** "events.dead_letters", "events.replay" and "events.settle" list, replay
** and settle dead letters; "events.retire" retires a consumer; and
** "events.prune" deletes the events every known consumer has acknowledged
** that are older than the retention period (90 days by default), never one
** a consumer still lacks or a dead letter's. A retired consumer's fetch and
** ack are CRM_CONSTRAINT.
*/

/* Fetches up to `limit` (1..1000) committed events with a seq greater than
** both `after_seq` and the consumer's acknowledged position, oldest first:
** a consumer that restarts with after_seq 0 resumes after its last ack.
**
** consumer     1..100 characters, copied.
** json_events  [out] {"events":[{"seq","type","occurred_at",
**              "idempotency_key","record"},...],"last_seq":N} where last_seq
**              is the seq of the last event returned (or the position
**              searched from when none). Free with crm_free().
** after_seq is 0 or more; one past the last event simply finds nothing.
** Returns CRM_OK, CRM_INVALID (NULL or empty consumer, NULL json_events),
** CRM_RANGE (a negative after_seq, limit outside 1..1000, a consumer over
** 100 characters), CRM_CONSTRAINT (a retired consumer), CRM_MISUSE, CRM_BUSY,
** CRM_IO. */
int crm_events_fetch(crm_db *db, const char *consumer, int64_t after_seq,
                     int limit, char **json_events);

/* Acknowledges every event up to and including `seq` for `consumer`. An ack
** at or below the current position changes nothing and returns CRM_OK.
** Acknowledging an event whose delivery failed ("events.fail") says a retry
** delivered it; a parked dead letter stays parked when the position passes it.
** Returns CRM_OK, CRM_INVALID (NULL or empty consumer), CRM_RANGE (a
** negative seq, a seq never written, a consumer over 100 characters),
** CRM_CONSTRAINT (a retired consumer), CRM_MISUSE, CRM_READONLY, CRM_BUSY,
** CRM_IO. */
int crm_events_ack(crm_db *db, const char *consumer, int64_t seq);

/* ---------------------------------------------------------------------------
** CREDIT: THE PAYMENT-SPEED SCORE, TYPED
**
** The figures of "credit.score" (docs/COMMANDS.md, "Credit score") for one
** account, read straight from the kept experience rows without JSON, for a
** host that checks a customer on every screen. The struct's first member is
** its own size: the host sets it to sizeof(crm_credit_score_info) as its
** header declares it, and the library writes only the members that fit, so
** the struct can grow in later versions without breaking older hosts.
*/

/* The risk band of a score (crm_credit_score_info.band). */
#define CRM_CREDIT_BAND_UNRATED  0 /* fewer than 3 experiences in the window */
#define CRM_CREDIT_BAND_LOW_RISK 1 /* score 80..100 */
#define CRM_CREDIT_BAND_MODERATE 2 /* score 50..79 */
#define CRM_CREDIT_BAND_HIGH     3 /* score 30..49 */
#define CRM_CREDIT_BAND_SEVERE   4 /* score 1..29 */

/* Bits of crm_credit_score_info.flags. */
#define CRM_CREDIT_UNRATED     0x1 /* no score: score 0, band UNRATED */
#define CRM_CREDIT_TREND_KNOWN 0x2 /* both trend scores exist; trend is meaningful */
#define CRM_CREDIT_ADBT_KNOWN  0x4 /* an invoice was settled in the window; adbt_days is meaningful */

typedef struct crm_credit_score_info {
    size_t size;            /* set by the caller to sizeof(crm_credit_score_info) */
    int32_t score;          /* 1..100; 0 when unrated */
    int32_t band;           /* CRM_CREDIT_BAND_* */
    int32_t trend;          /* score of the last 3 months minus the 12 before; 0 when unknown */
    int32_t flags;          /* CRM_CREDIT_UNRATED, CRM_CREDIT_TREND_KNOWN, CRM_CREDIT_ADBT_KNOWN */
    int64_t adbt_days;      /* average days beyond terms of the invoices settled in the window; 0 when unknown */
    int64_t overdue_minor;  /* owed on invoices past due on the scoring day, minor units */
    int64_t experiences;    /* payment experiences in the window (settled days and open past-due invoices) */
    char currency[4];       /* the account's currency, ISO 4217, NUL-terminated */
} crm_credit_score_info;

/* Fills `out` with the payment-speed score of `account_id` on `as_of_date`
** in the account's currency, over the default 24-month window, unweighted:
** the same figures as crm_exec("credit.score", {"account_id", "as_of"}).
** A read: it writes nothing and takes no write lock. The library keeps
** nothing of the caller's; `out` is the caller's.
**
** One lookup: the score of each account as of today is kept current in the
** transaction of every change (docs/COMMANDS.md, "The kept score"), so a
** call for today (NULL) on an account changed today, or rebuilt today by
** credit.recompute, reads one row with one statement and no transaction of
** its own. Any other call (another day, an account last changed before
** today) computes the score from the experience rows in a read transaction
** (a few indexed range reads); both give the same figures.
**
** account_id  the account (> 0).
** as_of_date  YYYY-MM-DD, copied; NULL means today (UTC).
** out         [in/out] out->size set by the caller; on CRM_OK the members
**             that fit in out->size are written; on failure nothing is.
** Returns CRM_OK, CRM_INVALID (NULL out, out->size smaller than the first
** version of the struct, a bad as_of_date, account_id <= 0: the message
** names the field), CRM_NOTFOUND (no such account), CRM_RANGE (amounts too
** large to sum), CRM_MISUSE, CRM_BUSY, CRM_IO. */
int crm_credit_score(crm_db *db, int64_t account_id, const char *as_of_date,
                     crm_credit_score_info *out);

#ifdef __cplusplus
}
#endif

#endif /* CRM_H */
