"""CSV import and export through db.bridge: batches looped until done, bad
rows reported by line while good rows land, a rerun replays, money read
exactly from decimal text, an export read back."""

from __future__ import annotations

import json

import pytest

import crm

ACCOUNTS = ("\ufeffCode,Customer,Limit,Cur\r\n"
            "K1,\"Karoo, Irrigation\",\"1 500.25\",\r\n"
            "K2,\"Say \"\"Hi\"\" Ltd\",\"12,5\",\r\n"
            "K3,Bad Limit,12x,\r\n"
            "K4,,10,\r\n"
            "K5,Yen Trading,300,JPY\r\n")
MAPPING = {"external_ref": "Code", "name": "Customer", "credit_limit_minor": "Limit",
           "currency": {"column": "Cur", "default": "ZAR"}}


def test_import_in_batches_then_again_then_export(db, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(ACCOUNTS.encode("utf-8"))
    batches = []
    summary = db.bridge.import_csv("accounts", path, MAPPING, "legacy", batch_size=2, progress=batches.append)
    assert summary["batches"] == 3 and [b["next_line"] for b in batches] == [4, 6, None]
    assert summary["created"] == 3 and summary["lines_read"] == 5
    assert [(e["line"], e.get("field")) for e in summary["errors"]] == [(4, "credit_limit_minor"), (5, "name")]
    karoo = db.accounts.get(source="legacy", external_ref="K1")
    assert karoo["name"] == "Karoo, Irrigation" and karoo["credit_limit_minor"] == 150025
    assert db.accounts.get(source="legacy", external_ref="K2")["credit_limit_minor"] == 1250
    assert db.accounts.get(source="legacy", external_ref="K2")["name"] == 'Say "Hi" Ltd'
    assert db.accounts.get(source="legacy", external_ref="K5")["credit_limit_minor"] == 300

    again = db.bridge.import_csv("accounts", path, MAPPING, "legacy")
    assert again["created"] == 0 and again["replayed"] == 3 and again["error_count"] == 2
    assert len(db.accounts.list({"limit": 500})["items"]) == 3

    out = tmp_path / "out.csv"
    written = db.bridge.export_csv("accounts", out, columns=["external_ref", "name", "credit_limit", "currency"])
    assert written["rows_written"] == 3
    assert out.read_bytes().decode("utf-8") == (
        "external_ref,name,credit_limit,currency\r\n"
        "K1,\"Karoo, Irrigation\",1500.25,ZAR\r\n"
        "K2,\"Say \"\"Hi\"\" Ltd\",12.50,ZAR\r\n"
        "K5,Yen Trading,300,JPY\r\n")
    with pytest.raises(crm.Conflict):
        db.bridge.export_csv("accounts", out)


def test_dry_run_mapping_file_and_bad_input(db, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(ACCOUNTS.encode("utf-8"))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING))
    dry = db.bridge.import_csv("accounts", path, mapping, "legacy", dry_run=True)
    assert dry["created"] == 3 and dry["error_count"] == 2
    assert db.accounts.list()["items"] == []
    with pytest.raises(crm.NotFound, match="path"):
        db.bridge.import_csv("accounts", tmp_path / "missing.csv", MAPPING, "legacy")
    with pytest.raises(crm.InvalidArgument, match="nmae"):
        db.bridge.import_csv("accounts", path, {"external_ref": "Code", "nmae": "Customer"}, "legacy")
    with pytest.raises(crm.InvalidArgument, match="kind"):
        db.bridge.import_csv("suppliers", path, MAPPING, "legacy")
    assert db.accounts.list()["items"] == []


def test_a_file_rewritten_since_its_last_batch_is_refused_until_restart(db, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(ACCOUNTS.encode("utf-8"))
    # One batch, then the process stops: the position (line 4) is kept.
    first = db.exec("bridge.import_csv", {"kind": "accounts", "path": str(path), "mapping": MAPPING,
                                          "source": "legacy", "batch_size": 2})
    assert first["next_line"] == 4
    # Appended to: the import goes on with the new rows only.
    with open(path, "ab") as out:
        out.write(b"K6,Six Traders,6,\r\n")
    rest = db.bridge.import_csv("accounts", path, MAPPING, "legacy")
    assert rest["created"] == 2 and rest["replayed"] == 0  # K5 and K6
    # Stopped part-way again, then rewritten from the top: refused, nothing written.
    db.exec("bridge.import_csv", {"kind": "accounts", "path": str(path), "mapping": MAPPING,
                                  "source": "legacy", "batch_size": 2, "restart": True})
    path.write_bytes(ACCOUNTS.replace("K1,", "K0,Zero Ltd,1,\r\nK1,").encode("utf-8"))
    with pytest.raises(crm.Conflict) as refused:
        db.bridge.import_csv("accounts", path, MAPPING, "legacy")
    assert "path" in str(refused.value) and "restart: true" in str(refused.value)
    assert len(db.accounts.list({"limit": 500})["items"]) == 4
    again = db.bridge.import_csv("accounts", path, MAPPING, "legacy", restart=True)
    assert again["created"] == 1 and again["replayed"] == 3  # K0 new; K1, K2, K5 as before (K6 is gone)


def test_export_refuses_an_unknown_or_repeated_column(db, tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(crm.InvalidArgument) as unknown:
        db.bridge.export_csv("accounts", out, columns=["name", "nmae"])
    assert "nmae" in str(unknown.value) and "known:" in str(unknown.value)
    with pytest.raises(crm.InvalidArgument):
        db.bridge.export_csv("accounts", out, columns=["name", "name"])
    assert not out.exists()
