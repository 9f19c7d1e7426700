"""In-process hooks: patterns, order, unregistering, exceptions, re-entry."""

from __future__ import annotations

import gc
import threading

import pytest

import crm


def test_patterns(db):
    heard = {"exact": [], "glob": [], "all": [], "other": []}
    db.on("account.created", lambda t, e: heard["exact"].append(t))
    db.on("account.*", lambda t, e: heard["glob"].append(t))
    db.on("*", lambda t, e: heard["all"].append(t))
    db.on("invoice.issued", lambda t, e: heard["other"].append(t))
    acct = db.accounts.create(name="Hooked")
    db.accounts.update(acct["id"], region="Karoo")
    db.contacts.create(account_id=acct["id"], last_name="Hook")
    assert heard["exact"] == ["account.created"]
    assert heard["glob"] == ["account.created", "account.updated"]
    assert heard["all"] == ["account.created", "account.updated", "contact.created"]
    assert heard["other"] == []


def test_event_shape_matches_the_outbox(db):
    got = []
    db.on("*", lambda t, e: got.append((t, e)))
    acct = db.accounts.create(name="Shape", source="ledger", external_ref="S1")
    (event_type, event), = got
    assert event_type == event["type"] == "account.created"
    assert set(event) >= {"seq", "type", "occurred_at", "idempotency_key", "record"}
    assert event["record"]["id"] == acct["id"]
    assert event["record"]["name"] == "Shape"
    outbox = db.events.fetch("shape-check")
    assert outbox == [event]


def test_hooks_run_in_registration_order(db):
    order = []
    for n in range(5):
        db.on("*", lambda t, e, n=n: order.append(n))
    db.accounts.create(name="Order")
    assert order == [0, 1, 2, 3, 4]


def test_off(db):
    heard = []
    hook = db.on("*", lambda t, e: heard.append(t))
    assert hook in db.hooks
    db.accounts.create(name="One")
    db.off(hook)
    assert hook not in db.hooks
    db.accounts.create(name="Two")
    assert heard == ["account.created"]
    with pytest.raises(crm.NotFound):
        db.off(hook)
    with pytest.raises(crm.NotFound):
        db.off(123456)


def test_bad_patterns_are_invalid(db):
    for pattern in ("", "acc*unt", "*.created", "account.**"):
        with pytest.raises(crm.InvalidArgument):
            db.on(pattern, lambda t, e: None)
    with pytest.raises(TypeError):
        db.on("*", "not callable")


def test_callback_survives_garbage_collection(db):
    heard = []

    def register():
        def local_callback(t, e):
            heard.append(t)
        db.on("*", local_callback)

    register()
    gc.collect()
    db.accounts.create(name="GC")
    assert heard == ["account.created"]


def test_hook_exception_surfaces_from_the_exec_that_triggered_it(db):
    later = []

    def broken(event_type, event):
        raise ValueError("ledger is offline")

    db.on("account.created", broken)
    db.on("*", lambda t, e: later.append(t))  # still runs after the broken one
    with pytest.raises(crm.HookError) as info:
        db.accounts.create(name="Committed Anyway")
    error = info.value
    assert isinstance(error, crm.CRMError) and error.code is None
    assert isinstance(error.__cause__, ValueError)
    assert str(error.__cause__) == "ledger is offline"
    assert error.command == "account.create"
    assert error.event_types == ["account.created"]
    assert error.result["name"] == "Committed Anyway"  # the call succeeded
    assert "ledger is offline" in error.message
    assert later == ["account.created"]
    assert db.accounts.get(error.result["id"])["name"] == "Committed Anyway"
    # the handle and the process are fine; the next call does not re-raise
    assert db.exec("account.list")["items"][0]["id"] == error.result["id"]


def test_every_hook_exception_is_kept(db):
    def broken(event_type, event):
        raise KeyError(event_type)

    db.on("*", broken)
    with pytest.raises(crm.HookError) as info:
        with db.transaction():
            a = db.accounts.create(name="A")
            db.contacts.create(account_id=a["id"], last_name="B")
    assert info.value.command == "crm_commit"
    assert info.value.event_types == ["account.created", "contact.created"]
    assert [type(e) for e in info.value.exceptions] == [KeyError, KeyError]
    assert len(db.accounts.list()["items"]) == 1  # committed


def test_base_exceptions_from_hooks_are_re_raised_as_is(db):
    def interrupt(event_type, event):
        raise KeyboardInterrupt()

    db.on("*", interrupt)
    with pytest.raises(KeyboardInterrupt):
        db.accounts.create(name="Ctrl-C")
    assert len(db.accounts.list()["items"]) == 1


def test_hook_may_call_back_into_the_database(db):
    seen = []

    def on_account(event_type, event):
        account_id = event["record"]["id"]
        # a read and a write, each its own call
        assert db.accounts.get(account_id)["name"] == event["record"]["name"]
        db.contacts.create(account_id=account_id, last_name="Auto Contact")
        seen.append(event_type)

    def on_contact(event_type, event):
        seen.append(event_type)

    db.on("account.created", on_account)
    db.on("contact.created", on_contact)
    acct = db.accounts.create(name="Re-entrant")
    assert seen == ["account.created", "contact.created"]
    contacts = list(db.contacts.iter(account_id=acct["id"]))
    assert [c["last_name"] for c in contacts] == ["Auto Contact"]


def test_reentrant_call_that_fails_inside_a_hook(db):
    def looks_up_missing(event_type, event):
        db.accounts.get(999999)

    db.on("account.created", looks_up_missing)
    with pytest.raises(crm.HookError) as info:
        db.accounts.create(name="Outer")
    assert isinstance(info.value.__cause__, crm.NotFound)
    assert info.value.__cause__.command == "account.get"
    db.off(next(iter(db.hooks)))
    assert db.accounts.create(name="Next")["replayed"] is False


def test_hook_can_unregister_itself(db):
    heard = []
    ids = {}

    def once(event_type, event):
        heard.append(event_type)
        db.off(ids["once"])

    ids["once"] = db.on("*", once)
    db.accounts.create(name="First")
    db.accounts.create(name="Second")
    assert heard == ["account.created"]


def test_hook_runs_on_the_thread_that_made_the_change(db):
    threads = []
    db.on("*", lambda t, e: threads.append(threading.get_ident()))
    worker = threading.Thread(target=lambda: db.accounts.create(name="From Worker"))
    worker.start()
    worker.join(30)
    assert threads == [worker.ident]


def test_hook_exception_in_another_thread_stays_in_that_thread(db):
    def broken(event_type, event):
        raise RuntimeError("worker hook")

    db.on("*", broken)
    errors = []

    def work():
        try:
            db.accounts.create(name="Worker")
        except crm.HookError as error:
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)
    assert len(errors) == 1 and isinstance(errors[0].__cause__, RuntimeError)


def test_hooks_are_per_handle_and_dropped_on_close(db_path):
    heard = []
    with crm.Database(db_path) as one, crm.Database(db_path) as two:
        one.on("*", lambda t, e: heard.append(("one", t)))
        two.accounts.create(name="Via Two")
        one.accounts.create(name="Via One")
    assert heard == [("one", "account.created")]
    with crm.Database(db_path) as again:
        again.accounts.create(name="No Hooks Now")
    assert heard == [("one", "account.created")]


def test_hook_registered_inside_a_hook(db):
    heard = []

    def registrar(event_type, event):
        heard.append(("outer", event["record"]["name"]))
        if len(heard) == 1:
            db.on("*", lambda t, e: heard.append(("inner", e["record"]["name"])))

    db.on("*", registrar)
    db.accounts.create(name="first")
    db.accounts.create(name="second")
    assert heard[0] == ("outer", "first")
    assert heard[-2:] == [("outer", "second"), ("inner", "second")]


def test_closing_inside_a_hook_does_not_crash(new_target):
    db = crm.Database(new_target())
    db.on("*", lambda t, e: db.close())
    db.on("*", lambda t, e: None)
    try:
        db.accounts.create(name="Closing")
    except crm.CRMError:
        pass  # whatever libcrm reports, the process must survive
    assert db.closed
    with pytest.raises(crm.Misuse):
        db.accounts.list()


def test_hooks_calling_across_handles_from_threads_do_not_deadlock(db_path):
    with crm.Database(db_path) as one, crm.Database(db_path) as two:
        calls = []
        one.on("account.created", lambda t, e: calls.append(two.accounts.search("x")))
        two.on("account.created", lambda t, e: calls.append(one.accounts.search("x")))
        errors = []

        def work(db, tag):
            try:
                for i in range(25):
                    db.accounts.create(name=f"{tag}{i}")
            except Exception as error:  # pragma: no cover
                errors.append(error)

        threads = [threading.Thread(target=work, args=(db, tag), daemon=True)
                   for db, tag in ((one, "a"), (two, "b"), (one, "c"), (two, "d"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(thread.is_alive() for thread in threads), "deadlock"
        assert errors == [] and len(calls) == 100
