"""Opening only existing files, file modes, busy timeouts and backups."""

from __future__ import annotations

import os
import re
import stat
import threading
import time

import pytest

import crm
from _helpers import header_path


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_open_flags_match_the_header():
    header = header_path()
    if header is None:
        pytest.skip("Include/crm.h not found next to this package")
    defines = dict(re.findall(r"^#define (CRM_OPEN_\w+)\s+(0x[0-9a-fA-F]+)",
                              header.read_text(), flags=re.M))
    assert {name: int(value, 16) for name, value in defines.items()} == {
        "CRM_OPEN_READONLY": crm.CRM_OPEN_READONLY,
        "CRM_OPEN_EXISTING": crm.CRM_OPEN_EXISTING,
        "CRM_OPEN_GROUP_ACCESS": crm.CRM_OPEN_GROUP_ACCESS,
    }


# -- must_exist ------------------------------------------------------------------------

@pytest.mark.sqlite_only("must_exist on a missing file")
def test_must_exist_refuses_a_missing_file_and_creates_nothing(tmp_path):
    path = tmp_path / "mistyped.crm"
    with pytest.raises(crm.NotFound) as info:
        crm.Database(path, must_exist=True)
    assert info.value.command == "crm_open"
    assert f"'{path}'" in info.value.message
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(crm.NotFound):
        crm.Database(path, readonly=True)
    assert not path.exists()


def test_must_exist_opens_an_existing_file_read_write(db_path):
    with crm.Database(db_path) as db:
        created = db.accounts.create(name="Already Here")
    with crm.Database(db_path, must_exist=True) as db:
        assert db.accounts.get(created["id"])["name"] == "Already Here"
        db.accounts.create(name="Written Too")
        assert len(db.accounts.list()["items"]) == 2


@pytest.mark.sqlite_only("messages naming a missing directory and a garbage file")
def test_open_errors_name_the_file(tmp_path):
    missing_dir = tmp_path / "no-such-dir" / "crm.sqlite"
    with pytest.raises(crm.CRMIOError) as info:
        crm.Database(missing_dir)
    assert f"'{missing_dir}'" in info.value.message
    garbage = tmp_path / "garbage.crm"
    garbage.write_bytes(b"not a database\n" * 100)
    with pytest.raises(crm.Corrupt) as info:
        crm.Database(garbage)
    assert f"'{garbage}'" in info.value.message


# -- file modes ------------------------------------------------------------------------

@pytest.mark.sqlite_only("file modes")
def test_a_new_file_is_owner_only(db_path, umask_022):
    with crm.Database(db_path) as db:
        db.accounts.create(name="Private Data (Pty) Ltd")
        assert mode_of(db_path) == 0o600
        for suffix in ("-wal", "-shm"):
            assert mode_of(f"{db_path}{suffix}") == 0o600, suffix


@pytest.mark.sqlite_only("file modes")
def test_group_access_creates_0660(db_path, umask_022):
    with crm.Database(db_path, group_access=True) as db:
        db.accounts.create(name="Shared Data (Pty) Ltd")
        assert mode_of(db_path) == 0o660
        for suffix in ("-wal", "-shm"):
            assert mode_of(f"{db_path}{suffix}") == 0o660, suffix


@pytest.mark.sqlite_only("file modes")
def test_an_existing_file_keeps_its_mode(db_path):
    crm.Database(db_path).close()
    os.chmod(db_path, 0o640)
    crm.Database(db_path, group_access=True).close()
    assert mode_of(db_path) == 0o640


# -- busy timeout ----------------------------------------------------------------------

def test_busy_timeout_zero_fails_at_once_and_the_retry_succeeds(db_path):
    with crm.Database(db_path) as one, \
            crm.Database(db_path, busy_timeout_ms=0) as two:
        one.begin()
        one.accounts.create(name="Holding The Lock")
        started = time.monotonic()
        with pytest.raises(crm.Busy) as info:
            two.accounts.create(name="Waiting", source="ledger", external_ref="W1")
        assert time.monotonic() - started < 1.0
        message = info.value.message
        assert "account.create" in message
        assert "locked by another connection" in message
        assert "retrying" in message and "external_ref" in message

        two.set_busy_timeout(200)
        started = time.monotonic()
        with pytest.raises(crm.Busy) as info:
            two.begin()
        waited = time.monotonic() - started
        assert 0.15 <= waited < 3.0
        assert "crm_begin" in info.value.message

        one.commit()
        first = two.accounts.create(name="Waiting", source="ledger", external_ref="W1")
        again = two.accounts.create(name="Waiting", source="ledger", external_ref="W1")
        assert again["id"] == first["id"] and again["replayed"] is True


def test_busy_timeout_is_checked(new_target):
    with crm.Database(new_target()) as db:
        with pytest.raises(crm.OutOfRange):
            db.set_busy_timeout(-1)
        with pytest.raises(crm.InvalidArgument):
            db.set_busy_timeout("soon")
        db.set_busy_timeout(0)
    with pytest.raises(crm.OutOfRange):
        crm.Database(busy_timeout_ms=-5)


# -- backups ---------------------------------------------------------------------------

@pytest.mark.sqlite_only("crm_backup to a file (test_backup_on_postgresql_is_misuse)")
def test_backup_while_another_handle_writes(db_path, tmp_path, umask_022):
    backup = tmp_path / "nightly.crm"
    with crm.Database(db_path) as db:
        for i in range(5):
            db.accounts.create(name=f"Backed Up {i}", source="ledger", external_ref=f"B{i}")
        stop = threading.Event()
        written = []

        def writer():
            with crm.Database(db_path, must_exist=True) as other:
                while not stop.is_set() and len(written) < 300:
                    written.append(other.accounts.create(name=f"During {len(written)}"))

        thread = threading.Thread(target=writer)
        thread.start()
        while len(written) < 3:
            time.sleep(0.001)
        db.backup(backup)
        stop.set()
        thread.join()
    assert mode_of(backup) == 0o600
    with crm.Database(backup, readonly=True) as copy:
        assert copy.find_by_ref("account", "ledger", "B4") > 0
        accounts = len(list(copy.accounts.iter()))
        events = len(copy.events.fetch("check", limit=1000))
        assert accounts >= 8 and accounts == events


@pytest.mark.sqlite_only("crm_backup to a file")
def test_backup_never_overwrites(tmp_path):
    target = tmp_path / "exists.crm"
    target.write_bytes(b"keep me")
    with crm.Database() as db:
        db.accounts.create(name="In Memory")
        with pytest.raises(crm.Conflict) as info:
            db.backup(target)
        assert f"'{target}'" in info.value.message
        assert target.read_bytes() == b"keep me"
        db.backup(tmp_path / "memory.crm")
    with crm.Database(tmp_path / "memory.crm", must_exist=True) as copy:
        assert copy.accounts.list()["items"][0]["name"] == "In Memory"


@pytest.mark.sqlite_only("crm_backup to a file")
def test_backup_inside_a_transaction_is_misuse(db_path, tmp_path):
    with crm.Database(db_path) as db:
        with db.transaction():
            db.accounts.create(name="Undecided")
            with pytest.raises(crm.Misuse):
                db.backup(tmp_path / "never.crm")
        assert not (tmp_path / "never.crm").exists()
        db.backup(tmp_path / "after.crm")
    with crm.Database(tmp_path / "after.crm") as copy:
        assert copy.accounts.list()["items"][0]["name"] == "Undecided"


@pytest.mark.postgresql_only("crm_backup refuses a PostgreSQL database")
def test_backup_on_postgresql_is_misuse(db, tmp_path):
    db.accounts.create(name="Kept On The Server")
    target = tmp_path / "copy.crm"
    with pytest.raises(crm.Misuse) as info:
        db.backup(target)
    assert info.value.code == crm.CRM_MISUSE
    assert info.value.command == "crm_backup"
    assert "pg_dump" in info.value.message
    assert not target.exists() and list(tmp_path.iterdir()) == []
    with db.transaction():
        with pytest.raises(crm.Misuse):
            db.backup(target)
        db.accounts.create(name="Still Usable")
    assert [a["name"] for a in db.accounts.iter()] == ["Kept On The Server", "Still Usable"]
