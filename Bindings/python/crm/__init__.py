"""crm: Python bindings (ctypes) for libcrm, CRM for existing accounting software.

    import crm

    with crm.Database("shop.crm") as db:
        acct = db.accounts.create(name="Karoo Farm Supplies",
                                  source="ledger", external_ref="C0001")
        db.on("account.*", lambda kind, event: print(kind, event["seq"]))

The shared library is found through $CRM_LIBRARY, the source tree's
.build/{release,debug}/libcrm.so, or the system loader (see crm._lib).
"""

from __future__ import annotations

from . import errors
from ._lib import ABI_VERSION, library, library_path
from .database import (CRM_OPEN_EXISTING, CRM_OPEN_GROUP_ACCESS, CRM_OPEN_READONLY,
                       Database, HookCallback)
from .errors import *  # noqa: F401,F403  (exception classes and CRM_* codes)
from .errors import __all__ as _error_names
from .records import Accounts, Activities, Contacts, Events, Interactions, Leads, Territories

__version__ = "0.1.0"


def version() -> str:
    """The loaded library's version, crm_version() ("0.1.0")."""
    return library().crm_version().decode("utf-8")


def abi_version() -> int:
    """The loaded library's ABI version, crm_abi_version()."""
    return int(library().crm_abi_version())


def errstr(code: int) -> str:
    """crm_errstr(code): the static English phrase for a result code."""
    from ._lib import INT_MAX, INT_MIN
    if not INT_MIN <= int(code) <= INT_MAX:
        return "unknown error"
    return library().crm_errstr(int(code)).decode("utf-8")


__all__ = [
    "Database", "HookCallback", "CRM_OPEN_READONLY", "CRM_OPEN_EXISTING",
    "CRM_OPEN_GROUP_ACCESS", "ABI_VERSION",
    "version", "abi_version", "errstr", "library_path", "errors",
    "Accounts", "Activities", "Contacts", "Events", "Interactions", "Leads", "Territories",
    *_error_names,
]
