"""Helpers shared by the tests (import with ``from _helpers import ...``)."""

from __future__ import annotations

import itertools
import pathlib

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent.parent


def repo_root():
    for directory in [PACKAGE_ROOT, *PACKAGE_ROOT.parents]:
        if (directory / "Package.swift").is_file():
            return directory
    return None


def header_path():
    root = repo_root()
    if root is None or not (root / "Include" / "crm.h").is_file():
        return None
    return root / "Include" / "crm.h"


_consumers = itertools.count(1)


def all_events(db, after_seq=0):
    """Every event in the outbox after after_seq, through a fresh consumer
    (nothing is acknowledged)."""
    consumer = f"test-reader-{next(_consumers)}"
    events = []
    while True:
        page = db.events.fetch(consumer, after_seq=after_seq, limit=1000)
        if not page:
            return events
        events.extend(page)
        after_seq = page[-1]["seq"]


def event_types(db, after_seq=0):
    return [event["type"] for event in all_events(db, after_seq)]


def last_seq(db):
    events = all_events(db)
    return events[-1]["seq"] if events else 0


def changed_fields(event):
    """The "changed" list of an *.updated event (docs: "with the record and
    changed"): inside the record, or beside it."""
    record = event.get("record", {})
    if "changed" in record:
        return record["changed"]
    return event.get("changed")


