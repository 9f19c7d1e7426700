"""A handle shared between threads, and several handles on one file."""

from __future__ import annotations

import threading

import pytest

import crm
from _helpers import all_events


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


# -- a transaction holds the Database for the thread that began it -------------

class Boom(Exception):
    pass


def _names(db):
    return [a["name"] for a in db.accounts.iter(limit=500)]


def _create_in_thread(db, name):
    """Starts a thread that creates an account; answers (thread, started, done, out)."""
    started, done, out = threading.Event(), threading.Event(), {}

    def work():
        started.set()
        try:
            out["account"] = db.accounts.create(name=name)
        except BaseException as error:  # pragma: no cover - reported by the test
            out["error"] = error
        done.set()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    assert started.wait(10)
    return thread, done, out


def test_another_threads_create_waits_and_survives_a_rollback(db):
    with pytest.raises(Boom):
        with db.transaction():
            db.accounts.create(name="Mine")
            thread, done, out = _create_in_thread(db, "Theirs")
            assert not done.wait(0.5), "the other thread's call did not wait"
            assert _names(db) == ["Mine"]  # it has not joined this transaction
            raise Boom()
    thread.join(30)
    assert not thread.is_alive(), "deadlock"
    assert "error" not in out and out["account"]["name"] == "Theirs"
    assert _names(db) == ["Theirs"]
    assert [e["record"]["name"] for e in all_events(db)] == ["Theirs"]


def test_another_threads_create_lands_after_the_commit(db):
    with db.transaction():
        db.accounts.create(name="Mine")
        thread, done, out = _create_in_thread(db, "Theirs")
        assert not done.wait(0.3)
        db.accounts.create(name="Mine too")
    thread.join(30)
    assert not thread.is_alive(), "deadlock"
    assert "error" not in out
    assert [e["record"]["name"] for e in all_events(db)] == ["Mine", "Mine too", "Theirs"]


def test_explicit_begin_holds_until_rollback(db):
    db.begin()
    db.accounts.create(name="Mine")
    thread, done, out = _create_in_thread(db, "Theirs")
    assert not done.wait(0.3)
    db.rollback()
    thread.join(30)
    assert not thread.is_alive() and "error" not in out
    assert _names(db) == ["Theirs"]


def test_another_threads_begin_waits_for_its_own_transaction(db):
    order = []

    def other():
        with db.transaction():
            order.append("theirs begun")
            db.accounts.create(name="Theirs")
        order.append("theirs committed")

    with db.transaction():
        order.append("mine begun")
        thread = threading.Thread(target=other, daemon=True)
        thread.start()
        assert not thread.join(0.3) and thread.is_alive()
        db.accounts.create(name="Mine")
        order.append("mine ending")
    thread.join(30)
    assert not thread.is_alive(), "deadlock"
    assert order == ["mine begun", "mine ending", "theirs begun", "theirs committed"]
    assert [e["record"]["name"] for e in all_events(db)] == ["Mine", "Theirs"]


def test_the_owner_thread_calls_everything_including_from_its_hooks(db):
    heard = []

    def hook(event_type, event):
        # on the owner thread, at the commit: calls go straight through
        heard.append((threading.get_ident(), db.accounts.get(event["record"]["id"])["name"]))
        if event["record"]["name"] == "Mine":
            db.accounts.create(name="From the hook")
            with db.transaction():
                db.accounts.create(name="Hook transaction")

    db.on("account.created", hook)
    with db.transaction():
        mine = db.accounts.create(name="Mine")
        db.accounts.update(mine["id"], status="active")
        with pytest.raises(crm.NotFound):
            db.find_by_ref("account", "ledger", "none")
        db.events.fetch("owner", limit=10)
        hook_id = db.on("contact.*", lambda t, e: None)
        db.off(hook_id)
        thread, done, out = _create_in_thread(db, "Theirs")
        assert not done.wait(0.3)
    thread.join(30)
    assert not thread.is_alive(), "deadlock"
    assert "error" not in out
    me = threading.get_ident()
    assert [name for ident, name in heard if ident == me] == [
        "Mine", "From the hook", "Hook transaction"]
    assert sorted(_names(db)) == sorted(["Mine", "From the hook", "Hook transaction", "Theirs"])


def test_a_refused_begin_or_commit_keeps_nothing_held(db):
    db.begin()
    with pytest.raises(crm.Misuse):
        db.begin()  # transactions do not nest
    db.commit()
    with pytest.raises(crm.Misuse):
        db.commit()
    with pytest.raises(crm.Misuse):
        db.rollback()
    thread, done, out = _create_in_thread(db, "Theirs")
    thread.join(30)
    assert not thread.is_alive() and "error" not in out


def test_close_waits_for_another_threads_transaction(db_path):
    db = crm.Database(db_path)
    closer = threading.Thread(target=db.close, daemon=True)
    with db.transaction():
        db.accounts.create(name="Mine")
        closer.start()
        closer.join(0.3)
        assert closer.is_alive() and not db.closed
    closer.join(30)
    assert not closer.is_alive() and db.closed
    with crm.Database(db_path) as again:
        assert _names(again) == ["Mine"]


def test_closing_inside_a_transaction_lets_other_threads_in(db):
    db.begin()
    thread, done, out = _create_in_thread(db, "Theirs")
    assert not done.wait(0.3)
    db.close()
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(out.get("error"), crm.Misuse)


def test_set_busy_timeout_and_backup_waiting_for_a_close_get_misuse(new_target, tmp_path):
    """A call waiting for another thread's transaction finds the Database
    closed when it gets its turn: Misuse, never a call on a closed handle."""
    db = crm.Database(new_target())
    db.begin()
    out = {}

    def work(name, call):
        try:
            call()
        except BaseException as error:  # reported below
            out[name] = error

    threads = [threading.Thread(target=work, args=("timeout", lambda: db.set_busy_timeout(100)),
                                daemon=True),
               threading.Thread(target=work, args=("backup", lambda: db.backup(tmp_path / "b.crm")),
                                daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(0.3)
        assert thread.is_alive()
    db.close()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    assert isinstance(out.get("timeout"), crm.Misuse), out
    assert isinstance(out.get("backup"), crm.Misuse), out
    assert not (tmp_path / "b.crm").exists()
