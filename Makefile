# libcrm -- top-level Makefile (GNU make).
#
#   make / make lib       build the shipped, self-contained .build/release/libcrm.so
#   make check-lib        assert the .so's dependencies, exports and SONAME
#   make install          install lib + header + pkg-config file (PREFIX, DESTDIR)
#   make test-c           C ABI suite, example host and header checks under valgrind
#                         (VALGRIND= runs them without; TEST_ARGS=group... picks groups);
#                         with CRM_TEST_POSTGRES_URL set the suite runs a second time on
#                         that server (CRM_TEST_ENGINE=postgresql, a schema per database)
#   make install-test     install into a temporary prefix, build the host via pkg-config
#   make bench            C benchmark against raw SQLite (not part of the tests;
#                         BENCH_ARGS="-n 20000 -g 20000 --refs --strict")
#   make bench-documents  invoices issued from completed job cards and paid, beside raw sqlite3
#   make bench-csv        100,000 accounts imported from CSV (bridge.import_csv) beside the account.create loop
#   make bench-csv-memory the import's peak memory through a 1 GB CSV file
#   make bench-credit     crm_credit_score reads, credit.recompute of 1,000,000 invoices, a payment's observer cost
#   make bench-pipeline   report.forecast, report.funnel and report.cycle over 100,000
#                         opportunities against SQL aggregates over the same rows
#   make test-swift       swift test
#   make test-python      pytest over the Python binding (and on PostgreSQL when
#                         CRM_TEST_POSTGRES_URL is set)
#   make test             everything above except bench
#   make demo             the main job: crm-harness demo on a fresh build/demo.sqlite
#
# Test or install a library built elsewhere with CRM_LIB_DIR=/dir/holding/libcrm.so
# (nothing is rebuilt then), e.g.  make test-c CRM_LIB_DIR=/tmp/crm-dev
# SWIFT_SCRATCH=dir builds in SwiftPM scratch directory dir instead of .build.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := lib
.DELETE_ON_ERROR:

SWIFT_BIN ?= /opt/swift/usr/bin
export PATH := $(SWIFT_BIN):$(PATH)

SWIFT   ?= swift
CC      ?= cc
CXX     ?= g++
PYTHON  ?= python3
VALGRIND ?= valgrind
VALGRIND_FLAGS ?= --quiet --leak-check=full --show-leak-kinds=definite,indirect \
                  --errors-for-leak-kinds=definite,indirect \
                  --error-exitcode=1 --suppressions=$(CURDIR)/Tests/c/valgrind.supp

# How the C programs run: under valgrind, or bare with VALGRIND= (flags dropped too).
VALGRIND_RUN = $(if $(strip $(VALGRIND)),$(VALGRIND) $(VALGRIND_FLAGS))

HEADER := Include/crm.h
# Versions come from the header, the single source of truth.
hdr_define = $(shell sed -n 's/^\#define $(1)[[:space:]]\{1,\}"\{0,1\}\([0-9.]*\)"\{0,1\}.*/\1/p' $(HEADER))
VERSION := $(call hdr_define,CRM_VERSION)
ABI     := $(call hdr_define,CRM_ABI_VERSION)
ifeq ($(strip $(VERSION)),)
$(error cannot read CRM_VERSION from $(HEADER))
endif
ifeq ($(strip $(ABI)),)
$(error cannot read CRM_ABI_VERSION from $(HEADER))
endif
SONAME := libcrm.so.$(ABI)

# ---------------------------------------------------------------------------
# The library under test / to install. SWIFT_SCRATCH is SwiftPM's build
# directory (its default, .build); another one keeps a second build apart.
SWIFT_SCRATCH ?= .build
DEFAULT_LIB_DIR := $(SWIFT_SCRATCH)/release
CRM_LIB_DIR ?= $(DEFAULT_LIB_DIR)
LIB := $(CRM_LIB_DIR)/libcrm.so
# Only the default location is (re)built by this Makefile.
ifeq ($(abspath $(CRM_LIB_DIR)),$(abspath $(DEFAULT_LIB_DIR)))
LIB_DEP := lib
else
LIB_DEP :=
endif

BUILD := build
# build/lib holds libcrm.so and libcrm.so.<ABI> symlinks to $(LIB), so that
# programs linked with -lcrm find the SONAME at run time whichever CRM_LIB_DIR.
LINKDIR := $(abspath $(BUILD))/lib

SWIFT_BUILD_FLAGS := --scratch-path $(SWIFT_SCRATCH) -c release --product crm -Xswiftc -static-stdlib \
	-Xlinker --version-script=$(CURDIR)/Sources/CRM/exports.map \
	-Xlinker -soname=$(SONAME)

WARN    := -Wall -Wextra -Werror -pedantic
CFLAGS_C   := -std=c99 $(WARN) -g -O1 -IInclude
CFLAGS_CXX := -std=c++11 $(WARN) -g -IInclude
LINK_CRM   := -L$(LINKDIR) -Wl,-rpath,$(LINKDIR) -lcrm

TEST_SRCS := $(wildcard Tests/c/*.c)

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=

.PHONY: all lib check-lib install uninstall test-c test-c-build install-test bench bench-leads bench-pipeline bench-documents bench-credit bench-csv bench-csv-memory bench-pg bench-pg-scale \
        test-swift test-python test demo clean linkdir

all: lib

# ---------------------------------------------------------------------------
lib:
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

check-lib: $(LIB_DEP)
	Tests/c/check-lib.sh $(LIB) $(HEADER) $(SONAME)

# ---------------------------------------------------------------------------
# crm.pc stays relocatable (${prefix}-relative) unless LIBDIR/INCLUDEDIR are moved.
PC_LIBDIR     = $(if $(filter $(PREFIX)/lib,$(LIBDIR)),$${exec_prefix}/lib,$(LIBDIR))
PC_INCLUDEDIR = $(if $(filter $(PREFIX)/include,$(INCLUDEDIR)),$${prefix}/include,$(INCLUDEDIR))

# install never builds (so `make && sudo make install` runs no swift as root).
install:
	@test -f $(LIB) || { echo "no $(LIB): run make first (or set CRM_LIB_DIR)"; exit 1; }
	@mkdir -p $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    crm.pc.in > $(BUILD)/crm.pc.tmp
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 $(LIB) $(DESTDIR)$(LIBDIR)/libcrm.so.$(VERSION)
	ln -sfn libcrm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/libcrm.so
	install -m 0644 $(HEADER) $(DESTDIR)$(INCLUDEDIR)/crm.h
	install -m 0644 $(BUILD)/crm.pc.tmp $(DESTDIR)$(PKGCONFIGDIR)/crm.pc
	@rm -f $(BUILD)/crm.pc.tmp
	@# A system-wide install refreshes the loader's cache, so programs find libcrm.so.0 at once.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libcrm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libcrm.so $(DESTDIR)$(INCLUDEDIR)/crm.h \
	      $(DESTDIR)$(PKGCONFIGDIR)/crm.pc

# ---------------------------------------------------------------------------
# (Re)point build/lib at $(LIB) on every run: CRM_LIB_DIR may change between runs.
linkdir: $(LIB_DEP)
	@test -f $(LIB) || { echo "no $(LIB): run make lib (or set CRM_LIB_DIR)"; exit 1; }
	@mkdir -p $(LINKDIR)
	@ln -sfn $(abspath $(LIB)) $(LINKDIR)/libcrm.so
	@ln -sfn $(abspath $(LIB)) $(LINKDIR)/$(SONAME)
	@echo "testing $(abspath $(LIB)) ($$(readelf -d $(LIB) | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p'))"

# The binaries are relinked every run (cheap) so they always match the library.
test-c-build: linkdir
	$(CC) $(CFLAGS_C) -pthread -o $(BUILD)/test_abi $(TEST_SRCS) $(LINK_CRM) -lsqlite3
	$(CC) $(CFLAGS_C) -o $(BUILD)/host Bindings/c/host.c $(LINK_CRM)
	$(CC) $(CFLAGS_C) -c -x c -o $(BUILD)/header_check_c.o Tests/c/header_check.cpp
	$(CC) -o $(BUILD)/header_check_c $(BUILD)/header_check_c.o $(LINK_CRM)
	$(CXX) $(CFLAGS_CXX) -o $(BUILD)/header_check_cxx Tests/c/header_check.cpp $(LINK_CRM)

# Fast checks first (headers, example host, install), the long suite last.
test-c: test-c-build
	@test -z "$(VALGRIND)" || command -v $(VALGRIND) >/dev/null \
	    || { echo "valgrind missing: apt-get install -y valgrind (or make test-c VALGRIND=)"; exit 1; }
	$(BUILD)/header_check_c
	$(BUILD)/header_check_cxx
	@rm -rf $(BUILD)/host-run && mkdir -p $(BUILD)/host-run
	$(VALGRIND_RUN) $(BUILD)/host $(BUILD)/host-run/crm-example.sqlite \
	    > $(BUILD)/host-run/output.txt || { cat $(BUILD)/host-run/output.txt; exit 1; }
	@tail -n 1 $(BUILD)/host-run/output.txt
	@# a second run on the same file replays the whole feed: no duplicates
	$(BUILD)/host $(BUILD)/host-run/crm-example.sqlite > $(BUILD)/host-run/output2.txt \
	    || { cat $(BUILD)/host-run/output2.txt; exit 1; }
	@test "$$(grep -c 'already imported' $(BUILD)/host-run/output2.txt)" -ge 5 \
	    || { echo "second host run did not replay"; cat $(BUILD)/host-run/output2.txt; exit 1; }
	@grep -q 'the hook heard 0 events' $(BUILD)/host-run/output2.txt \
	    || { echo "second host run wrote events"; cat $(BUILD)/host-run/output2.txt; exit 1; }
	@echo "host re-run: every debtor replayed, no event written"
	$(MAKE) --no-print-directory install-test CRM_LIB_DIR=$(CRM_LIB_DIR)
	@test -n "$${CRM_TEST_POSTGRES_URL:-}" \
	    || echo "CRM_TEST_POSTGRES_URL unset: the C suite runs on SQLite only"
	@# Both engines run even when the first fails; the status says whether either failed.
	@status=0; \
	echo "== the C suite on SQLite"; \
	CRM_TEST_ENGINE=sqlite $(VALGRIND_RUN) $(BUILD)/test_abi $(TEST_ARGS) || status=1; \
	if [ -n "$${CRM_TEST_POSTGRES_URL:-}" ]; then \
	    echo "== the C suite on PostgreSQL"; \
	    CRM_TEST_ENGINE=postgresql $(VALGRIND_RUN) $(BUILD)/test_abi $(TEST_ARGS) || status=1; \
	fi; \
	exit $$status

# Install into a throw-away prefix (and a DESTDIR staging tree) and build the
# example host exactly as a user would: cc host.c $(pkg-config --cflags --libs crm).
install-test: $(LIB_DEP)
	@command -v pkg-config >/dev/null || { echo "pkg-config missing: apt-get install -y pkg-config"; exit 1; }
	rm -rf $(BUILD)/install-test && mkdir -p $(BUILD)/install-test
	$(MAKE) --no-print-directory install CRM_LIB_DIR=$(CRM_LIB_DIR) \
	    PREFIX=$(abspath $(BUILD))/install-test/prefix
	cd $(BUILD)/install-test && \
	  export PKG_CONFIG_PATH=$$PWD/prefix/lib/pkgconfig && \
	  test "$$(pkg-config --modversion crm)" = "$(VERSION)" && \
	  $(CC) -std=c99 $(WARN) -o host $(CURDIR)/Bindings/c/host.c $$(pkg-config --cflags --libs crm) && \
	  test "$$(readlink prefix/lib/$(SONAME))" = "libcrm.so.$(VERSION)" && \
	  test "$$(readlink prefix/lib/libcrm.so)" = "$(SONAME)" && \
	  test -f prefix/lib/libcrm.so.$(VERSION) -a ! -L prefix/lib/libcrm.so.$(VERSION) && \
	  LD_LIBRARY_PATH=$$PWD/prefix/lib ./host installed.sqlite > host-output.txt && \
	  LD_LIBRARY_PATH=$$PWD/prefix/lib ldd ./host > ldd-output.txt && \
	  grep -q "$(SONAME) => $$PWD/prefix/lib/$(SONAME)" ldd-output.txt && \
	  tail -n 1 host-output.txt
	$(MAKE) --no-print-directory install CRM_LIB_DIR=$(CRM_LIB_DIR) \
	    PREFIX=/opt/crm DESTDIR=$(abspath $(BUILD))/install-test/stage > /dev/null
	cd $(BUILD)/install-test/stage/opt/crm && \
	  test -f include/crm.h -a -f lib/libcrm.so.$(VERSION) -a -L lib/$(SONAME) -a -L lib/libcrm.so && \
	  grep -qx 'prefix=/opt/crm' lib/pkgconfig/crm.pc && \
	  grep -qx 'Libs: -L$${libdir} -lcrm' lib/pkgconfig/crm.pc && \
	  grep -qx 'Cflags: -I$${includedir}' lib/pkgconfig/crm.pc
	@echo "install-test: OK"

# ---------------------------------------------------------------------------
# A shared 2-core machine is noisy: the benchmark runs BENCH_ROUNDS times, each
# round against its own raw-SQLite baseline, and the summary gives the median round.
BENCH_ROUNDS ?= 5
bench: linkdir
	$(CC) -std=c99 $(WARN) -O2 -IInclude -o $(BUILD)/bench Benchmarks/bench.c Benchmarks/benchkit.c $(LINK_CRM) -lsqlite3
	@rm -f $(BUILD)/bench-rounds.txt
	@for round in $$(seq $(BENCH_ROUNDS)); do \
	    echo "== round $$round of $(BENCH_ROUNDS)"; \
	    $(BUILD)/bench $(BENCH_ARGS) | tee -a $(BUILD)/bench-rounds.txt; \
	done
	@awk -f Benchmarks/summary.awk $(BUILD)/bench-rounds.txt

# Lead capture with its duplicate check against 1,000,000 contacts, beside the
# plain indexed lookups (BENCH_LEADS_ARGS="-c 1000000 -n 2000").
bench-leads: linkdir
	$(CC) -std=c99 $(WARN) -O2 -IInclude -o $(BUILD)/bench_leads Benchmarks/bench_leads.c Benchmarks/benchkit.c Benchmarks/bulkload.c $(LINK_CRM) -lsqlite3
	$(BUILD)/bench_leads $(BENCH_LEADS_ARGS)

# report.forecast and report.funnel over 100,000 opportunities with 2-5 stage
# changes each, beside one SQL aggregate over the same rows (BENCH_PIPELINE_ARGS="-n 100000 -r 15").
bench-pipeline: linkdir
	$(CC) -std=c99 $(WARN) -O2 -IInclude -o $(BUILD)/bench_pipeline Benchmarks/bench_pipeline.c Benchmarks/benchkit.c Benchmarks/bulkload.c $(LINK_CRM) -lsqlite3
	$(BUILD)/bench_pipeline $(BENCH_PIPELINE_ARGS)

# Invoicing completed job cards (invoice.create + invoice.issue) and paying
# them (crm_payment_record, oldest-first), 100 per transaction, beside the
# same rows written with raw sqlite3 (BENCH_DOCUMENTS_ARGS="-n 10000 -b 100").
bench-documents: linkdir
	$(CC) -std=c99 $(WARN) -O2 -IInclude -o $(BUILD)/bench_documents Benchmarks/bench_documents.c Benchmarks/benchkit.c $(LINK_CRM) -lsqlite3
	$(BUILD)/bench_documents $(BENCH_DOCUMENTS_ARGS)

# The payment-speed score: crm_credit_score reads, credit.recompute of a bulk
# book and the cost the credit observer adds to a payment, each beside raw
# sqlite3 (BENCH_CREDIT_ARGS="-a 50000 -i 1000000 -r 20000 -p 2000").
bench-csv: linkdir
	$(CC) -std=c99 $(WARN) -O2 -IInclude -o $(BUILD)/bench_csv Benchmarks/bench_csv.c Benchmarks/benchkit.c $(LINK_CRM)
	$(BUILD)/bench_csv $(BENCH_CSV_ARGS)

# bridge.import_csv's peak memory through a 1 GB CSV file (needs about 4.5 GB free in /tmp).
bench-csv-memory: $(LIB_DEP)
	CRM_LIBRARY=$(abspath $(LIB)) $(PYTHON) Benchmarks/csv_memory.py $(BENCH_CSV_MEMORY_ARGS)

bench-credit: linkdir
	$(CC) -std=c99 $(WARN) -O2 -IInclude -o $(BUILD)/bench_credit Benchmarks/bench_credit.c Benchmarks/benchkit.c Benchmarks/bulkload.c $(LINK_CRM) -lsqlite3
	$(BUILD)/bench_credit $(BENCH_CREDIT_ARGS)

# The same on a PostgreSQL server, against raw libpq; fresh schemas per run,
# dropped at the end. Only this program links libpq (the library dlopen()s it).
BENCH_PG_URL ?=
BENCH_PG_ROUNDS ?= 5
BENCH_PG_ARGS ?=
PG_CFLAGS = -I$(or $(shell pg_config --includedir 2>/dev/null),/usr/include/postgresql)
bench-pg: linkdir
	@test -n "$(BENCH_PG_URL)" || { echo "make bench-pg BENCH_PG_URL=postgresql://user@host:port/db"; exit 1; }
	$(CC) -std=c99 $(WARN) -O2 -IInclude $(PG_CFLAGS) -o $(BUILD)/bench_pg Benchmarks/bench_pg.c Benchmarks/benchkit.c $(LINK_CRM) -lpq
	@rm -f $(BUILD)/bench-pg-rounds.txt
	@for round in $$(seq $(BENCH_PG_ROUNDS)); do \
	    echo "== round $$round of $(BENCH_PG_ROUNDS)"; \
	    $(BUILD)/bench_pg "$(BENCH_PG_URL)" $(BENCH_PG_ARGS) | tee -a $(BUILD)/bench-pg-rounds.txt; \
	done
	@awk -v baseline="raw libpq" -f Benchmarks/summary.awk $(BUILD)/bench-pg-rounds.txt

# libcrm's reads at 10,000 and at 1,000,000 accounts (2M contacts, 5M
# interactions, bulk-loaded in SQL into a fresh schema, dropped at the end).
bench-pg-scale: linkdir
	@test -n "$(BENCH_PG_URL)" || { echo "make bench-pg-scale BENCH_PG_URL=postgresql://user@host:port/db"; exit 1; }
	$(CC) -std=c99 $(WARN) -O2 -IInclude $(PG_CFLAGS) -o $(BUILD)/bench_pg_scale Benchmarks/bench_pg_scale.c Benchmarks/benchkit.c $(LINK_CRM) -lpq
	@bash Benchmarks/scale_pg.sh "$(BENCH_PG_URL)" $(BUILD) | tee $(BUILD)/bench-pg-scale.txt

# With CRM_TEST_POSTGRES_URL set, the command suites run a second time on
# that PostgreSQL server (CRM_TEST_ENGINE=postgresql: a schema per test).
# A new module adds its suite here.
SWIFT_COMMAND_SUITES := CRMOutboxTests CRMAccountsTests CRMLeadsTests CRMPipelineTests CRMActivitiesTests CRMDocumentsTests CRMCreditTests CRMBridgeTests
test-swift:
	$(SWIFT) test --scratch-path $(SWIFT_SCRATCH)
	@if [ -n "$${CRM_TEST_POSTGRES_URL:-}" ]; then \
	    echo "== the command suites again, on PostgreSQL"; \
	    CRM_TEST_ENGINE=postgresql $(SWIFT) test --scratch-path $(SWIFT_SCRATCH) $(addprefix --filter ,$(SWIFT_COMMAND_SUITES)); \
	else echo "== CRM_TEST_POSTGRES_URL is not set: the command suites ran on SQLite only"; fi

# pytest on SQLite, then, when CRM_TEST_POSTGRES_URL names a server, again
# with CRM_TEST_ENGINE=postgresql (a schema per test). Both runs always run and
# keep their summaries; the target fails if either did. Each run is bounded by
# PYTEST_TIMEOUT seconds.
PYTEST_TIMEOUT ?= 1200
PYTEST_RUN = timeout -k 30 $(PYTEST_TIMEOUT) env CRM_LIBRARY=$(abspath $(LIB)) \
	$(PYTHON) -m pytest Bindings/python/tests -q
test-python: $(LIB_DEP)
	@sqlite=passed; postgresql="not run (CRM_TEST_POSTGRES_URL is not set)"; \
	echo "== pytest on SQLite"; \
	CRM_TEST_ENGINE=sqlite $(PYTEST_RUN) || sqlite="FAILED ($$?)"; \
	if [ -n "$${CRM_TEST_POSTGRES_URL:-}" ]; then \
	    echo "== pytest on PostgreSQL (CRM_TEST_ENGINE=postgresql, the server in CRM_TEST_POSTGRES_URL)"; \
	    postgresql=passed; \
	    CRM_TEST_ENGINE=postgresql $(PYTEST_RUN) || postgresql="FAILED ($$?)"; \
	fi; \
	echo "test-python: SQLite $$sqlite; PostgreSQL $$postgresql"; \
	case "$$sqlite $$postgresql" in *FAILED*) exit 1;; esac

test: lib check-lib test-swift test-c test-python

# The main job: the test-harness CLI fills a fresh database with a wholesaler's
# customers and walks through them (DEMO_DB=path keeps another file).
DEMO_DB ?= $(BUILD)/demo.sqlite
# A PostgreSQL URL (DEMO_DB=postgresql://...) is used as it is: nothing is
# dropped on a server; a second run replays the imports with the same ids.
demo:
	$(SWIFT) build --scratch-path $(SWIFT_SCRATCH) --product crm-harness
	@case '$(DEMO_DB)' in postgresql://*|postgres://*|*=*) ;; \
	    *) mkdir -p $(dir $(DEMO_DB)); rm -rf $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).bridge ;; esac
	@echo "crm-harness demo --db ..."
	@$(SWIFT_SCRATCH)/debug/crm-harness demo --db '$(DEMO_DB)'


clean:
	rm -rf $(BUILD)
