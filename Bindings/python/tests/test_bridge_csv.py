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
