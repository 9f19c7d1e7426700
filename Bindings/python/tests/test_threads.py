"""A handle shared between threads, and several handles on one file."""

from __future__ import annotations

import threading

import crm


def test_one_handle_many_threads(db):
    errors = []
    ids = []
    lock = threading.Lock()

    def work(n):
        try:
            for i in range(20):
                acct = db.accounts.create(name=f"T{n}-{i}", source="t", external_ref=f"{n}-{i}")
                with lock:
                    ids.append(acct["id"])
                try:
                    db.accounts.get(10 ** 9)
                except crm.NotFound as error:
                    assert "not an error" not in error.message
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(ids) == len(set(ids)) == 80
    assert len(list(db.accounts.iter(limit=500))) == 80
    seqs = [e["seq"] for e in db.events.fetch("t", limit=1000)]
    assert seqs == sorted(seqs) and len(seqs) == 80


def test_two_handles_one_file(db_path):
    with crm.Database(db_path) as one, crm.Database(db_path) as two:
        errors = []

        def work(db, tag):
            try:
                for i in range(15):
                    db.accounts.create(name=f"{tag}{i}")
            except Exception as error:  # pragma: no cover
                errors.append(error)

        threads = [threading.Thread(target=work, args=(one, "one")),
                   threading.Thread(target=work, args=(two, "two"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        assert len(list(one.accounts.iter())) == 30
        assert len(list(two.accounts.iter())) == 30
        seqs = [e["seq"] for e in two.events.fetch("c", limit=1000)]
        assert seqs == list(range(seqs[0], seqs[0] + 30))
