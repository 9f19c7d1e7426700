"""Finding and loading libcrm.so, and the ctypes prototypes of Include/crm.h.

Discovery order (the first that exists wins):

1. the environment variable ``CRM_LIBRARY``: a path to the shared library.
   If it is set, nothing else is tried: a wrong path is an error.
2. the build output of the source tree this package sits in: walk up from
   this file to a directory holding ``Package.swift`` and take
   ``.build/release/libcrm.so``, then ``.build/debug/libcrm.so``.
3. the system: ``ctypes.util.find_library("crm")``, then ``libcrm.so.<ABI>``.

Ownership rules followed here (crm.h, CONVENTIONS):

* Every ``char **`` out-parameter is declared ``POINTER(c_void_p)``, never
  ``POINTER(c_char_p)``: ctypes must not turn an owned pointer into ``bytes``
  behind our back.  :func:`take_string` copies the text with ``string_at`` and
  releases the pointer with ``crm_free``.
* Pointers the library keeps (``crm_version``, ``crm_errstr``, ``crm_errmsg``)
  use ``restype = c_char_p``: ctypes copies them and nobody frees them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32, c_int64,
                    c_size_t, c_void_p)
from pathlib import Path
from typing import List, Optional, Tuple

from .errors import LibraryNotFoundError

__all__ = ["ABI_VERSION", "HOOK_FN", "CreditScoreInfo", "library", "library_path", "candidates",
           "take_string", "INT_MIN", "INT_MAX", "INT64_MIN", "INT64_MAX"]

#: The CRM_ABI_VERSION of the header this binding was written against.
ABI_VERSION = 0

INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1

#: typedef void (*crm_hook_fn)(const char *event_type, const char *event_json,
#:                             void *user_data);
#: The two strings are the library's and valid only during the call, so
#: c_char_p (ctypes copies them to bytes) is exactly right here.
HOOK_FN = CFUNCTYPE(None, c_char_p, c_char_p, c_void_p)


class CreditScoreInfo(Structure):
    """crm_credit_score_info: set ``size`` to ``ctypes.sizeof(CreditScoreInfo)``."""

    _fields_ = [("size", c_size_t), ("score", c_int32), ("band", c_int32), ("trend", c_int32),
                ("flags", c_int32), ("adbt_days", c_int64), ("overdue_minor", c_int64),
                ("experiences", c_int64), ("currency", c_char * 4)]


# name: (restype, argtypes)
PROTOTYPES = {
    "crm_version": (c_char_p, []),
    "crm_abi_version": (c_int, []),
    "crm_errstr": (c_char_p, [c_int]),
    "crm_open": (c_int, [c_char_p, c_int, POINTER(c_void_p)]),
    "crm_close": (c_int, [c_void_p]),
    "crm_errmsg": (c_char_p, [c_void_p]),
    "crm_free": (None, [c_void_p]),
    "crm_exec": (c_int, [c_void_p, c_char_p, c_char_p, POINTER(c_void_p)]),
    "crm_find_by_ref": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p,
                                POINTER(c_int64)]),
    "crm_begin": (c_int, [c_void_p]),
    "crm_commit": (c_int, [c_void_p]),
    "crm_rollback": (c_int, [c_void_p]),
    "crm_hook_register": (c_int, [c_void_p, c_char_p, HOOK_FN, c_void_p,
                                  POINTER(c_int)]),
    "crm_hook_unregister": (c_int, [c_void_p, c_int]),
    "crm_events_fetch": (c_int, [c_void_p, c_char_p, c_int64, c_int,
                                 POINTER(c_void_p)]),
    "crm_events_ack": (c_int, [c_void_p, c_char_p, c_int64]),
    "crm_busy_timeout": (c_int, [c_void_p, c_int]),
    "crm_backup": (c_int, [c_void_p, c_char_p]),
    # The typed lead capture for C hosts; Python captures through db.leads.create.
    "crm_lead_capture": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p,
                                 c_char_p, c_char_p, c_char_p, POINTER(c_int64), POINTER(c_void_p)]),
    # The typed payment for C hosts; Python records through db.payments.record.
    "crm_payment_record": (c_int, [c_void_p, c_int64, c_char_p, c_char_p, c_int64, c_char_p, c_char_p,
                                   c_char_p, c_char_p, c_char_p, c_char_p, POINTER(c_int64),
                                   POINTER(c_int64), POINTER(c_void_p)]),
    # The typed what-if credit check for C hosts; Python asks db.exec("credit.check", ...).
    "crm_credit_check": (c_int, [c_void_p, c_int64, c_int64, c_int, POINTER(c_int)]),
    # The typed score for C hosts (out: crm_credit_score_info *); Python reads credit.score.
    "crm_credit_score": (c_int, [c_void_p, c_int64, c_char_p, POINTER(CreditScoreInfo)]),
}

_lock = threading.Lock()


def _repo_root(start: Path) -> Optional[Path]:
    for directory in [start, *start.parents]:
        if (directory / "Package.swift").is_file():
            return directory
    return None


def candidates() -> List[Tuple[str, str]]:
    """Where the library is looked for, in order: ``[(how, path_or_name)]``."""
    env = os.environ.get("CRM_LIBRARY")
    if env:
        return [("CRM_LIBRARY", env)]
    found: List[Tuple[str, str]] = []
    root = _repo_root(Path(__file__).resolve().parent)
    if root is not None:
        for config in ("release", "debug"):
            found.append((f"source tree ({config} build)",
                          str(root / ".build" / config / "libcrm.so")))
    system = ctypes.util.find_library("crm")
    if system:
        found.append(("ctypes.util.find_library", system))
    found.append(("system", f"libcrm.so.{ABI_VERSION}"))
    return found


def _load() -> Tuple[ctypes.CDLL, str]:
    tried = []
    for how, where in candidates():
        is_path = os.sep in where
        if is_path and not os.path.exists(where):
            if how == "CRM_LIBRARY":
                raise LibraryNotFoundError(
                    f"CRM_LIBRARY={where!r} does not exist; set CRM_LIBRARY to "
                    "the path of a built libcrm.so")
            tried.append(f"{where} ({how}): no such file")
            continue
        try:
            dll = ctypes.CDLL(where)
        except OSError as error:
            if how == "CRM_LIBRARY":
                raise LibraryNotFoundError(
                    f"CRM_LIBRARY={where!r} could not be loaded: {error}") from error
            tried.append(f"{where} ({how}): {error}")
            continue
        return dll, where
    raise LibraryNotFoundError(
        "libcrm shared library not found. Set CRM_LIBRARY to the path of "
        "libcrm.so (for example CRM_LIBRARY=/path/to/libcrm/.build/release/"
        "libcrm.so), build it in the source tree (.build/release/libcrm.so), "
        "or install it where the dynamic loader finds it. Tried:\n  "
        + "\n  ".join(tried))


class _Missing:
    """Stands in for a function the loaded library does not export."""

    def __init__(self, name: str, path: str) -> None:
        self.name, self.path = name, path

    def __call__(self, *args, **kwargs):
        raise LibraryNotFoundError(
            f"{self.path} does not export {self.name}(): the library is older "
            "or newer than this binding (crm.h ABI "
            f"{ABI_VERSION}); set CRM_LIBRARY to a matching libcrm.so")


class Library:
    """The loaded library with every crm.h function declared."""

    def __init__(self, dll: ctypes.CDLL, path: str) -> None:
        self.dll = dll
        self.path = path
        self.missing: List[str] = []
        for name, (restype, argtypes) in PROTOTYPES.items():
            try:
                function = getattr(dll, name)
            except AttributeError:
                self.missing.append(name)
                setattr(self, name, _Missing(name, path))
                continue
            function.restype = restype
            function.argtypes = argtypes
            setattr(self, name, function)


_library: Optional[Library] = None


def library() -> Library:
    """The loaded :class:`Library`, loading it on first use."""
    global _library
    if _library is None:
        with _lock:
            if _library is None:
                dll, path = _load()
                _library = Library(dll, path)
    return _library


def library_path() -> str:
    """The path (or soname) of the loaded libcrm."""
    return library().path


def take_string(lib: Library, pointer: c_void_p) -> Optional[str]:
    """Copy a library-owned ``char *`` out-parameter to ``str`` and free it."""
    address = pointer.value
    if not address:
        return None
    try:
        return ctypes.string_at(address).decode("utf-8")
    finally:
        lib.crm_free(address)
        pointer.value = None
