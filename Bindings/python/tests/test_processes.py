"""Several processes on one database: replays by source + external_ref race.

On SQLite the processes share one file; on PostgreSQL (CRM_TEST_ENGINE=
postgresql) one schema of the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import crm
from _engine import ON_POSTGRES
from _helpers import PACKAGE_ROOT, all_events

# One process: opens the database, says "ready", waits for "go" on stdin,
# then creates every account of the feed, in the same order as the others,
# and prints {"ref": [id, replayed], ...} as JSON.  Busy is retried, as
# crm.h says a caller may: the call did nothing.
WORKER = r"""
import json, sys, time
import crm

target, refs = sys.argv[1], json.loads(sys.argv[2])
got, busy = {}, 0
with crm.Database(target, must_exist=True) as db:
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    for ref in refs:
        while True:
            try:
                record = db.accounts.create(name=f"Racing {ref}", kind="business",
                                            region="Free State", payment_terms_days=30,
                                            tags=["race"], source="ledger", external_ref=ref)
                break
            except crm.Busy:
                busy += 1
                time.sleep(0.01)
        got[ref] = [record["id"], record["replayed"]]
print(json.dumps({"got": got, "busy": busy}), flush=True)
"""

PROCESSES = 3
REFS = [f"RACE{n:03d}" for n in range(60)]


def _start(target):
    env = dict(os.environ, CRM_LIBRARY=crm.library_path(),
               PYTHONPATH=str(PACKAGE_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", WORKER, str(target), json.dumps(REFS)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_processes_replaying_the_same_references_make_one_record_each(db_path):
    crm.Database(db_path).close()  # the database exists, migrated, before the race
    workers = [_start(db_path) for _ in range(PROCESSES)]
    try:
        for worker in workers:
            line = worker.stdout.readline()
            assert line.strip() == "ready", (line, worker.stderr.read() if worker.poll() is not None else "")
        for worker in workers:  # as close to together as two pipes allow
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)

    with crm.Database(db_path) as db:
        accounts = list(db.accounts.iter(limit=500))
        refs = sorted(r["external_ref"] for a in accounts for r in a["external_refs"])
        assert refs == REFS and len(accounts) == len(REFS)  # one record per reference
        created = [e for e in all_events(db) if e["type"] == "account.created"]
        assert len(created) == len(REFS)
        for ref in REFS:
            record_id = db.find_by_ref("account", "ledger", ref)
            answers = [result["got"][ref] for result in results]
            # every caller got that record's id ...
            assert [answer[0] for answer in answers] == [record_id] * PROCESSES, ref
            # ... one of them made it, the others were told it was a replay
            assert sorted(answer[1] for answer in answers) == [False] + [True] * (PROCESSES - 1), ref
            assert db.accounts.get(record_id)["version"] == 1
    engine = "PostgreSQL" if ON_POSTGRES else "SQLite"
    wins = [sum(not answer[1] for answer in result["got"].values()) for result in results]
    print(f"{engine}: records made per process {wins}, "
          f"Busy retried {sum(r['busy'] for r in results)} times")
