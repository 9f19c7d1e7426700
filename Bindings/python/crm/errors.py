"""Exceptions raised by the crm binding, one class per libcrm result code.

The mapping from the ``CRM_*`` result codes of ``Include/crm.h`` to exception
classes is kept in exactly one place: :data:`ERROR_TABLE` below.  The test suite
parses the header and checks that this table matches its ``#define`` lines.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Type

__all__ = [
    "CRMError",
    "InvalidArgument",
    "NotFound",
    "Conflict",
    "ConstraintViolation",
    "Busy",
    "CRMIOError",
    "Corrupt",
    "OutOfRange",
    "Misuse",
    "VersionMismatch",
    "ReadOnly",
    "CreditHold",
    "InternalError",
    "HookError",
    "LibraryNotFoundError",
    "ERROR_TABLE",
    "CODE_NAMES",
    "EXCEPTIONS",
    "error_for",
]


class CRMError(Exception):
    """Base class of every error reported by libcrm.

    Attributes:
        code: the ``CRM_*`` result code (an ``int``), or ``None`` for errors
            that do not come from a failed C call (:class:`HookError`).
        message: the message of the failure itself, ``crm_errmsg()`` text
            such as ``"account.create: unknown field 'nmae'"``.
        command: what was being done: the crm_exec command name
            (``"account.create"``) or the C function (``"crm_commit"``).
        detail: the record crm_exec handed out with the failure (a credit
            hold's decision: "decision", "reasons", "exposure_minor", ...),
            or None.
    """

    code: Optional[int] = None
    #: The record a refusal hands out besides its message (crm_exec's
    #: json_result on failure): a credit hold's decision, as a dict; None
    #: for most errors.
    detail: Any = None

    def __init__(self, message: str = "", *, code: Optional[int] = None,
                 command: Optional[str] = None, detail: Any = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.command = command
        self.detail = detail

    @property
    def code_name(self) -> Optional[str]:
        """The ``CRM_*`` macro name of :attr:`code` (``"CRM_NOTFOUND"``)."""
        return CODE_NAMES.get(self.code) if self.code is not None else None

    def __str__(self) -> str:
        where = f"{self.command}: " if self.command else ""
        if self.command and self.message.startswith(self.command):
            where = ""  # libcrm messages usually name the command already
        name = f" [{self.code_name or self.code}]" if self.code is not None else ""
        return f"{where}{self.message}{name}"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(code={self.code!r}, "
                f"message={self.message!r}, command={self.command!r})")

    def __reduce__(self):  # keep keyword-only arguments picklable
        return (_rebuild, (type(self), self.message, self.code, self.command))


def _rebuild(cls, message, code, command):
    return cls(message, code=code, command=command)


class InvalidArgument(CRMError):
    """CRM_INVALID: malformed JSON, unknown command, unknown or mistyped
    field, invalid UTF-8, a value not allowed for its field."""


class NotFound(CRMError):
    """CRM_NOTFOUND: the record, command target or hook does not exist."""


class Conflict(CRMError):
    """CRM_CONFLICT: same source + external_ref with different content, a
    stale expected_version, a record that already exists."""


class ConstraintViolation(CRMError):
    """CRM_CONSTRAINT: a business rule refused the change (an archived or
    merged account, ...)."""


class Busy(CRMError):
    """CRM_BUSY: another connection holds the file's write lock."""


class CRMIOError(CRMError):
    """CRM_IO: the file could not be read or written."""


class Corrupt(CRMError):
    """CRM_CORRUPT: the file is not a libcrm database or is damaged."""


class OutOfRange(CRMError):
    """CRM_RANGE: a value outside its range (an amount overflowing 64 bits,
    an over-long string, a limit out of bounds)."""


class Misuse(CRMError):
    """CRM_MISUSE: the API used out of order (a closed handle, commit without
    begin, begin inside a transaction)."""


class VersionMismatch(CRMError):
    """CRM_VERSION_ERR: the file was written by a newer libcrm."""


class ReadOnly(CRMError):
    """CRM_READONLY: a write on a handle opened read-only."""


class CreditHold(CRMError):
    """CRM_CREDIT_HOLD: credit control refused the step (quote acceptance,
    job card creation, invoice issue): the account is outside its credit
    policy or on credit hold.  :attr:`detail` is the decision ("decision",
    "reasons", "exposure_minor", "limit_minor", "policy", ...)."""


class InternalError(CRMError):
    """CRM_INTERNAL: a bug in libcrm; the message says where."""


class HookError(CRMError):
    """A Python hook callback raised while libcrm was delivering events.

    Exceptions are never allowed to propagate into C.  The binding catches
    them inside the callback and, once the C call that delivered the events
    (``Database.exec`` or ``Database.commit``) has returned, raises this
    error from that call, chained (``__cause__``) to the first exception.

    The C call itself **succeeded**: its change is committed and its events
    are in the outbox.  Its result is kept in :attr:`result`.

    Attributes:
        code: ``None`` (no C call failed).
        result: what the call returned (the record dict for exec, ``None``
            for commit).
        exceptions: every exception raised by hooks during the call, in order.
        event_types: the event type each of them was handling.
    """

    code = None

    def __init__(self, message: str = "", *, code: Optional[int] = None,
                 command: Optional[str] = None, result: Any = None,
                 exceptions: Optional[List[BaseException]] = None,
                 event_types: Optional[List[str]] = None) -> None:
        super().__init__(message, code=code, command=command)
        self.result = result
        self.exceptions = list(exceptions or [])
        self.event_types = list(event_types or [])

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.code, self.command))


class LibraryNotFoundError(OSError):
    """libcrm.so could not be found or loaded.  Set CRM_LIBRARY to its path."""


# ---------------------------------------------------------------------------
# The one table: (code, header macro name, exception class).  It must match
# the RESULT CODES block of Include/crm.h (tests/test_library.py checks it).
ERROR_TABLE: Tuple[Tuple[int, str, Optional[Type[CRMError]]], ...] = (
    (0, "CRM_OK", None),
    (1, "CRM_INVALID", InvalidArgument),
    (2, "CRM_NOTFOUND", NotFound),
    (3, "CRM_CONFLICT", Conflict),
    (4, "CRM_CONSTRAINT", ConstraintViolation),
    (5, "CRM_BUSY", Busy),
    (6, "CRM_IO", CRMIOError),
    (7, "CRM_CORRUPT", Corrupt),
    (8, "CRM_RANGE", OutOfRange),
    (9, "CRM_MISUSE", Misuse),
    (10, "CRM_VERSION_ERR", VersionMismatch),
    (11, "CRM_READONLY", ReadOnly),
    (12, "CRM_CREDIT_HOLD", CreditHold),
    (13, "CRM_INTERNAL", InternalError),
)

CODE_NAMES: Dict[int, str] = {code: name for code, name, _ in ERROR_TABLE}
EXCEPTIONS: Dict[int, Type[CRMError]] = {
    code: cls for code, _, cls in ERROR_TABLE if cls is not None
}
for _code, _cls in EXCEPTIONS.items():
    _cls.code = _code  # InvalidArgument.code == 1, ...
del _code, _cls

# Export the codes as module constants: errors.CRM_NOTFOUND == 2, ...
globals().update({name: code for code, name, _ in ERROR_TABLE})
__all__ += [name for _, name, _ in ERROR_TABLE]


def error_for(code: int, message: str, command: Optional[str] = None) -> CRMError:
    """The exception instance for a failed call's result code."""
    cls = EXCEPTIONS.get(code, CRMError)
    return cls(message, code=code, command=command)
