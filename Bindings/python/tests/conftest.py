"""Shared fixtures.  The suite needs the real libcrm: if it cannot be found
the run stops with an error (never a skip), so CI cannot pass without it."""

from __future__ import annotations

import pathlib
import sys

import pytest

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parent.parent
# Test the package next to these tests, installed or not.
sys.path.insert(0, str(PACKAGE_ROOT))

import crm  # noqa: E402


def pytest_sessionstart(session):
    try:
        crm.library_path()
    except crm.LibraryNotFoundError as error:
        pytest.exit(
            "\nlibcrm could not be loaded, so the Python binding cannot be "
            "tested.\nBuild the library first, or point CRM_LIBRARY at it:\n"
            "    CRM_LIBRARY=/path/to/libcrm.so python3 -m pytest "
            "Bindings/python/tests\n\n" + str(error),
            returncode=pytest.ExitCode.TESTS_FAILED)


def pytest_report_header(config):
    try:
        return (f"libcrm {crm.version()} (ABI {crm.abi_version()}) "
                f"from {crm.library_path()}")
    except Exception as error:  # reported loudly by pytest_sessionstart
        return f"libcrm: not loaded ({error})"


@pytest.fixture
def db():
    with crm.Database() as database:
        yield database


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.crm"


@pytest.fixture
def file_db(db_path):
    with crm.Database(db_path) as database:
        yield database


@pytest.fixture
def account(db):
    return db.accounts.create(name="Karoo Farm Supplies", kind="business",
                              source="ledger", external_ref="C0001")
