"""The binding installs with pip and works from where pip put it."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import crm

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_pip_installs_a_working_package(tmp_path):
    target = tmp_path / "site"
    # No build isolation: the installed setuptools builds it, with no download.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(PACKAGE_ROOT)],
        check=True, cwd=tmp_path)
    assert (target / "crm" / "__init__.py").exists()
    script = (
        "import crm, sys\n"
        "assert crm.__file__.startswith(sys.argv[1]), crm.__file__\n"
        "with crm.Database(':memory:') as db:\n"
        "    made = db.accounts.create(name='Installed Ltd', source='ledger', external_ref='P1')\n"
        "    again = db.accounts.create(name='Installed Ltd', source='ledger', external_ref='P1')\n"
        "    assert again['replayed'] and again['id'] == made['id']\n"
        "print('ok', crm.version())\n")
    environment = dict(os.environ, PYTHONPATH=str(target), CRM_LIBRARY=str(crm.library_path()))
    result = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True,
                            env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {crm.version()}"
