"""The demo runs, in memory and twice on one file (the second run replays)."""

from __future__ import annotations

import os
import subprocess
import sys

from _helpers import PACKAGE_ROOT

import crm

DEMO = PACKAGE_ROOT / "demo.py"


def _run(*args):
    env = dict(os.environ, CRM_LIBRARY=crm.library_path())
    return subprocess.run([sys.executable, str(DEMO), *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_demo_in_memory_or_a_new_schema(new_target):
    # in memory on SQLite, the demo's default; a new schema on PostgreSQL
    target = new_target()
    result = _run() if target == ":memory:" else _run(target)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "replayed=True" in out
    assert "[hook]" in out and "account.created" in out
    assert "possible duplicate" in out
    assert "acknowledged up to" in out
    assert "lead.converted" in out and "opportunity.won" in out
    assert "stages: prospecting -> proposal -> won" in out


def test_demo_twice_on_a_file(new_target):
    path = str(new_target("shop.crm"))
    first = _run(path)
    assert first.returncode == 0, first.stdout + first.stderr
    second = _run(path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "replayed=False" not in second.stdout.split("The nightly export")[0]
    deal = second.stdout.split("An enquiry becomes a won deal")[1]
    assert "replayed=False" not in deal and "[hook]" not in deal, deal
