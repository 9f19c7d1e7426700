"""crm.Database: one libcrm handle (``crm_db *``)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import threading
import weakref
from ctypes import byref, c_int, c_int64, c_void_p
from typing import (Any, Callable, Dict, Iterator, List, Mapping, Optional,
                    Tuple, Union)

from . import _lib
from ._target import redacted
from .errors import CRMError, HookError, InvalidArgument, Misuse, OutOfRange, error_for
from .records import (Accounts, Activities, Bridge, Contacts, Credit, CreditNotes, Documents, Dunning, Events, Interactions,
                      Invoices, JobCards, Leads, Ledger, Opportunities, Payments, Pipeline, Products,
                      Quotes, Reports, Territories)

__all__ = ["Database", "HookCallback", "CRM_OPEN_READONLY", "CRM_OPEN_EXISTING",
           "CRM_OPEN_GROUP_ACCESS"]

CRM_OPEN_READONLY = 0x1
CRM_OPEN_EXISTING = 0x2
CRM_OPEN_GROUP_ACCESS = 0x4

#: A hook: ``callback(event_type, event)`` with the event as a dict.
HookCallback = Callable[[str, Dict[str, Any]], Any]


# ---------------------------------------------------------------------------
# JSON

def _json_default(value: Any) -> Any:
    """Encode the Python values libcrm has a text form for."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        # naive datetimes are taken to be UTC already
        text = value.isoformat(timespec="seconds" if not value.microsecond
                               else "microseconds")
        return text + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(args: Mapping[str, Any]) -> str:
    return json.dumps(args, ensure_ascii=False, default=_json_default,
                      allow_nan=False, separators=(",", ":"))


def _c_string(value: Any, what: str, command: str) -> bytes:
    """UTF-8 bytes for a ``const char *`` argument, refused client-side when C
    could not receive it faithfully (not a str, lone surrogates, embedded NUL)."""
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvalidArgument(f"{what} is not valid UTF-8 text: {error}",
                                  code=InvalidArgument.code, command=command) from None
    else:
        raise InvalidArgument(f"{what} must be a string, not {type(value).__name__}",
                              code=InvalidArgument.code, command=command)
    if b"\0" in data:
        raise InvalidArgument(f"{what} contains a NUL character",
                              code=InvalidArgument.code, command=command)
    return data


def _c_integer(value: Any, what: str, command: str, low: int, high: int) -> int:
    # ctypes silently wraps integers that do not fit the C type: check first.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{what} must be an integer, not {type(value).__name__}",
                              code=InvalidArgument.code, command=command)
    if not low <= value <= high:
        raise OutOfRange(f"{what} {value} is outside {low}..{high}",
                         code=OutOfRange.code, command=command)
    return value


# ---------------------------------------------------------------------------
# Hook exception bookkeeping
#
# Hooks run on the thread that made the change, before the crm_exec or
# crm_commit that committed it returns.  Each such C call pushes a frame on a
# per-thread stack; a hook that raises stores its exception in the innermost
# frame, and the call raises HookError once C has returned.

class _Frame:
    __slots__ = ("errors",)

    def __init__(self) -> None:
        self.errors: List[Tuple[str, BaseException]] = []


_frames = threading.local()


def _frame_stack() -> List[_Frame]:
    stack = getattr(_frames, "stack", None)
    if stack is None:
        stack = _frames.stack = []
    return stack


@contextlib.contextmanager
def _hook_frame() -> Iterator[_Frame]:
    stack = _frame_stack()
    frame = _Frame()
    stack.append(frame)
    try:
        yield frame
    finally:
        stack.remove(frame)


def _raise_hook_errors(errors: List[Tuple[str, BaseException]], command: str,
                       result: Any) -> None:
    if not errors:
        return
    for _, error in errors:  # never swallow Ctrl-C or sys.exit() from a hook
        if not isinstance(error, Exception):
            raise error
    event_type, first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise HookError(
        f"hook for {event_type!r} raised {type(first).__name__}: {first}{more}; "
        "the call itself succeeded and its change is committed",
        command=command, result=result,
        exceptions=[e for _, e in errors],
        event_types=[t for t, _ in errors]) from first


# ---------------------------------------------------------------------------
# The Database's lock
#
# Every call takes it; begin() takes it once more and keeps it until commit,
# rollback or close, so a transaction holds the Database for its thread and
# other threads' calls wait instead of joining it.  A hook sets it down while
# it runs (the change it hears of is committed by then).

class _HandleLock:
    """A re-entrant lock that counts the transactions its owner holds and
    can be set down wholly for the length of a hook."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: Optional[int] = None
        self._depth = 0
        self._transactions = 0

    def __enter__(self) -> None:
        me = threading.get_ident()
        if self._owner != me:
            self._lock.acquire()
            self._owner = me
        self._depth += 1

    def __exit__(self, *exc_info: Any) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            self._lock.release()

    def begin_transaction(self) -> None:
        """Keeps the lock (held by the caller) until end_transaction."""
        self.__enter__()
        self._transactions += 1

    def end_transaction(self, all_of_them: bool = False) -> None:
        """Drops the hold of this thread's transaction, if it has one."""
        while self._transactions > 0 and self._owner == threading.get_ident():
            self._transactions -= 1
            self.__exit__()
            if not all_of_them:
                break

    def set_down(self) -> Optional[Tuple[int, int]]:
        """Releases the lock if this thread holds it; what pick_up restores."""
        if self._owner != threading.get_ident():
            return None
        held = (self._depth, self._transactions)
        self._depth = self._transactions = 0
        self._owner = None
        self._lock.release()
        return held

    def pick_up(self, held: Tuple[int, int]) -> None:
        self._lock.acquire()
        self._owner = threading.get_ident()
        self._depth, self._transactions = held


# ---------------------------------------------------------------------------

class Database:
    """A libcrm database: one ``crm_db *`` handle.

    ``Database(path=":memory:", readonly=False)`` opens (creating it unless
    read-only) the file at ``path``.  ``must_exist=True`` opens only a file
    that exists (a missing one raises :class:`crm.NotFound` and nothing is
    created).  A new file is created owner-only (0600); ``group_access=True``
    creates it 0660 instead (an existing file keeps its mode).
    ``busy_timeout_ms`` sets :meth:`set_busy_timeout` (default 5000 ms).

    A ``postgresql://`` or ``postgres://`` URL, or a libpq ``key=value``
    conninfo, opens a PostgreSQL database instead (libpq is loaded then):
    the same commands, answers and errors.  ``group_access`` and
    ``must_exist`` are about files and change nothing there; :meth:`backup`
    raises :class:`crm.Misuse`.  Neither messages nor ``repr`` show the
    password (:attr:`display_path`).

    Use it as a context manager to close it on exit::

        with crm.Database("shop.crm") as db:
            acct = db.accounts.create(name="Karoo Farm Supplies")

    Errors are raised as :class:`crm.CRMError` subclasses, one per result
    code.  A handle may be shared between threads: each call holds the
    Database while it runs, and a transaction holds it for the thread that
    began it until its commit or rollback, so other threads' calls wait
    (without a timeout) instead of joining it.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"] = ":memory:",
                 readonly: bool = False, must_exist: bool = False,
                 group_access: bool = False,
                 busy_timeout_ms: Optional[int] = None) -> None:
        self._handle: Optional[c_void_p] = None
        self._lock = _HandleLock()
        self._hooks: Dict[int, Tuple[str, HookCallback, Any]] = {}
        self._retired: List[Any] = []   # CFUNCTYPE thunks kept alive forever
        self._stray: List[Tuple[str, BaseException]] = []
        self._lib = _lib.library()
        self.path = os.fspath(path)
        self.readonly = bool(readonly)
        flags = CRM_OPEN_READONLY if readonly else 0
        if must_exist:
            flags |= CRM_OPEN_EXISTING
        if group_access:
            flags |= CRM_OPEN_GROUP_ACCESS
        if busy_timeout_ms is not None:  # checked before anything is opened
            busy_timeout_ms = _c_integer(busy_timeout_ms, "busy_timeout_ms",
                                         "crm_busy_timeout", 0, _lib.INT_MAX)
        path_bytes = _c_string(self.path, "path", "crm_open")
        out = c_void_p()
        rc = self._lib.crm_open(path_bytes, flags, byref(out))
        if rc != 0:
            message = self._errmsg(None)
            if out.value:  # the header says NULL on failure; never leak one
                self._lib.crm_close(out)
            raise error_for(rc, message, "crm_open")
        if not out.value:
            raise error_for(13, "crm_open returned CRM_OK but no handle", "crm_open")
        self._handle = out
        if busy_timeout_ms is not None:
            try:
                self.set_busy_timeout(busy_timeout_ms)
            except BaseException:
                self.close()
                raise

    # -- the helpers (made on demand: no reference cycle keeps a dropped
    #    Database, and so its handle, alive) ---------------------------------

    @property
    def accounts(self) -> "Accounts":
        """Customers: ``db.accounts.create(...)``, ``.get``, ``.list``, ..."""
        return Accounts(self)

    @property
    def contacts(self) -> "Contacts":
        """Contacts, their consent and preferences."""
        return Contacts(self)

    @property
    def interactions(self) -> "Interactions":
        """The history of calls, visits, e-mails, ..."""
        return Interactions(self)

    @property
    def leads(self) -> "Leads":
        """Leads: capture, duplicates, the new -> contacted -> qualified lifecycle."""
        return Leads(self)

    @property
    def activities(self) -> "Activities":
        """Activities, follow-up reminders, call lists and the time report."""
        return Activities(self)

    @property
    def opportunities(self) -> "Opportunities":
        """Opportunities: deals moving through the pipeline's stages."""
        return Opportunities(self)

    @property
    def pipeline(self) -> "Pipeline":
        """The pipeline's stages and their probabilities."""
        return Pipeline(self)

    @property
    def credit(self) -> "Credit":
        """Receivables, payment speed and credit control: ageing, metrics,
        statements, rankings, scores and policies."""
        return Credit(self)

    @property
    def bridge(self) -> "Bridge":
        """Bridges to the host's books: CSV import and export, and plain-text journals of the postings."""
        return Bridge(self)

    @property
    def dunning(self) -> "Dunning":
        """Payment reminders by level, written as events for the host to send."""
        return Dunning(self)

    @property
    def ledger(self) -> "Ledger":
        """The ledger mapping postings are built from."""
        return Ledger(self)

    @property
    def products(self) -> "Products":
        """The product catalogue document lines are priced from."""
        return Products(self)

    @property
    def quotes(self) -> "Quotes":
        """Quotes: offers priced from the catalogue, sent, accepted or declined."""
        return Quotes(self)

    @property
    def jobcards(self) -> "JobCards":
        """Job cards: work orders with technicians, tasks, labour and parts."""
        return JobCards(self)

    @property
    def invoices(self) -> "Invoices":
        """Invoices: drafts from job cards, quotes or lines, issued with gapless numbers, or recorded."""
        return Invoices(self)

    @property
    def credit_notes(self) -> "CreditNotes":
        """Credit notes: corrections of issued or recorded invoices."""
        return CreditNotes(self)

    @property
    def payments(self) -> "Payments":
        """Payments: allocated to invoices, unallocated credit, refunds, reversals."""
        return Payments(self)

    @property
    def documents(self) -> "Documents":
        """Documents rendered through Mustache templates (document.render)."""
        return Documents(self)

    @property
    def reports(self) -> "Reports":
        """The pipeline reports: forecast, funnel, cycle, win/loss, lead conversion."""
        return Reports(self)

    @property
    def territories(self) -> "Territories":
        """Territories: the sales reps who take a region's leads in turn."""
        return Territories(self)

    @property
    def events(self) -> "Events":
        """The event outbox: ``db.events.fetch(consumer)``, ``.ack(...)``."""
        return Events(self)

    # -- lifetime ----------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Close the handle; an open transaction is rolled back and every hook
        dropped.  Closing again does nothing.  Waits while another thread
        is inside a call or a transaction."""
        with self._lock:
            handle, self._handle = self._handle, None
            if handle is None:
                return
            rc = self._lib.crm_close(handle)
            self._lock.end_transaction(all_of_them=True)
            # hooks are gone in C; their thunks stay referenced (self._retired)
            # in case close() was called from inside a hook still running.
            self._retired.extend(cb for _, _, cb in self._hooks.values())
            self._hooks.clear()
            if rc != 0:
                raise error_for(rc, self._errmsg(None), "crm_close")

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_handle", None) is not None:
                self.close()
        except Exception:
            pass

    @property
    def display_path(self) -> str:
        """:attr:`path` as logs and messages may show it: a PostgreSQL
        target without its password (or other secret parameters)."""
        return redacted(self.path)

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("read-only" if self.readonly else "open")
        return f"<crm.Database {self.display_path!r} {state}>"

    # -- plumbing ------------------------------------------------------------

    def _errmsg(self, handle: Optional[c_void_p]) -> str:
        raw = self._lib.crm_errmsg(handle)
        return raw.decode("utf-8", "replace") if raw is not None else ""

    def _require(self, command: str) -> c_void_p:
        handle = self._handle
        if handle is None:
            raise Misuse("the database is closed", code=Misuse.code, command=command)
        return handle

    def _check(self, rc: int, handle: c_void_p, command: str) -> None:
        if rc != 0:
            raise error_for(rc, self._errmsg(handle), command)

    def _take_stray(self) -> List[Tuple[str, BaseException]]:
        stray, self._stray = self._stray, []
        return stray

    # -- commands ------------------------------------------------------------

    def exec(self, command: str, args: Optional[Mapping[str, Any]] = None, /,
             **kwargs: Any) -> Dict[str, Any]:
        """Run one libcrm command and return its JSON result as a dict.

        ``db.exec("account.get", id=3)`` and ``db.exec("account.get", {"id": 3})``
        are the same; keyword arguments are merged over the dict.  Values are
        sent as JSON (``None`` is ``null``; ``date``/``datetime`` become ISO
        text, naive datetimes taken as UTC).

        Raises the :class:`CRMError` subclass of the result code; raises
        :class:`HookError` (chained to the hook's exception) if a hook raised
        while this call delivered its events; the change is committed then.
        """
        if args is None:
            payload: Dict[str, Any] = {}
        elif isinstance(args, Mapping):
            payload = dict(args)
        else:
            raise TypeError(f"exec() arguments must be a mapping, not {type(args).__name__}")
        payload.update(kwargs)
        try:
            text = _dumps(payload)
        except (TypeError, ValueError) as error:
            raise InvalidArgument(f"arguments cannot be sent as JSON: {error}",
                                  code=InvalidArgument.code, command=command) from error
        return self._exec(command, text, parse=True)

    def exec_raw(self, command: str, json_args: Union[str, bytes, None]) -> Optional[str]:
        """Run a command with the arguments given as JSON text (``None`` sends
        a NULL pointer, which libcrm reads as ``{}``) and return the result as
        JSON text.  Errors are raised as by :meth:`exec`."""
        return self._exec(command, json_args, parse=False)

    def _exec(self, command: str, json_args: Union[str, bytes, None], parse: bool) -> Any:
        with self._lock:
            return self._exec_held(command, json_args, parse)

    def _exec_held(self, command: str, json_args: Union[str, bytes, None],
                   parse: bool) -> Any:
        handle = self._require(command)
        command_bytes = _c_string(command, "command", command)
        if json_args is None:
            args_bytes = None
        elif isinstance(json_args, bytes):
            args_bytes = json_args
        else:
            args_bytes = _c_string(json_args, "json_args", command)
        out = c_void_p()
        with _hook_frame() as frame:
            rc = self._lib.crm_exec(handle, command_bytes, args_bytes, byref(out))
            message = self._errmsg(handle) if rc != 0 else None
        text = _lib.take_string(self._lib, out)
        errors = frame.errors + self._take_stray()
        if rc != 0:
            error = error_for(rc, message or "", command)
            if text:
                # A refusal that says more than its message (a credit hold's
                # decision) comes back in json_result.
                try:
                    error.detail = json.loads(text)
                except ValueError:
                    error.detail = text
            if errors:
                _note(error, errors)
            raise error
        result: Any = text
        if parse:
            try:
                result = json.loads(text) if text else {}
            except ValueError as parse_error:
                raise error_for(13, f"libcrm returned malformed JSON ({parse_error}): "
                                f"{text[:200]!r}", command) from None
        _raise_hook_errors(errors, command, result)
        return result

    def find_by_ref(self, record_type: str, source: str, external_ref: str) -> int:
        """The id of the ``record_type`` ("account", "contact", "interaction", "lead")
        the host knows as ``external_ref`` in ``source``.  Raises NotFound."""
        command = "crm_find_by_ref"
        with self._lock:
            handle = self._require(command)
            out = c_int64()
            rc = self._lib.crm_find_by_ref(
                handle, _c_string(record_type, "record_type", command),
                _c_string(source, "source", command),
                _c_string(external_ref, "external_ref", command), byref(out))
            self._check(rc, handle, command)
            return out.value

    # -- locks and backups ---------------------------------------------------------

    def set_busy_timeout(self, milliseconds: int) -> None:
        """crm_busy_timeout: how long a call waits for a lock another
        connection holds before it raises :class:`crm.Busy` (5000 ms at
        open; 0 raises at once).  On Busy nothing was done: retrying is
        safe, and a create carrying source + external_ref is an idempotent
        retry.  A negative value raises OutOfRange."""
        command = "crm_busy_timeout"
        self._require(command)
        milliseconds = _c_integer(milliseconds, "milliseconds", command,
                                  _lib.INT_MIN, _lib.INT_MAX)
        with self._lock:
            handle = self._require(command)  # another thread may have closed it
            self._check(self._lib.crm_busy_timeout(handle, milliseconds), handle, command)

    def backup(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """crm_backup: write a consistent copy of the database to the new
        file ``path`` (owner-only, 0600) while other handles and processes go
        on writing.  Raises Conflict if ``path`` exists (a backup never
        overwrites), Misuse inside :meth:`transaction` on this handle."""
        command = "crm_backup"
        self._require(command)
        path_bytes = _c_string(os.fspath(path), "path", command)
        with self._lock:   # waits out another thread's transaction
            handle = self._require(command)  # another thread may have closed it
            self._check(self._lib.crm_backup(handle, path_bytes), handle, command)

    # -- transactions ----------------------------------------------------------

    def begin(self) -> None:
        """crm_begin: open a write transaction (BEGIN IMMEDIATE).

        The transaction holds this Database for the calling thread until
        :meth:`commit`, :meth:`rollback` or :meth:`close`: other threads'
        calls wait for it to end (no timeout), so none of them joins it.
        Waits first while another thread's transaction is open."""
        with self._lock:
            handle = self._require("crm_begin")
            self._check(self._lib.crm_begin(handle), handle, "crm_begin")
            self._lock.begin_transaction()

    def commit(self) -> None:
        """crm_commit: make the transaction durable, then run its hooks, and
        let other threads in.  A failed commit has ended the transaction too
        (nothing committed).  Raises HookError after committing if a hook
        raised."""
        command = "crm_commit"
        with self._lock:
            handle = self._require(command)
            try:
                with _hook_frame() as frame:
                    rc = self._lib.crm_commit(handle)
                    message = self._errmsg(handle) if rc != 0 else None
            finally:
                self._lock.end_transaction()
            errors = frame.errors + self._take_stray()
        if rc != 0:
            error = error_for(rc, message or "", command)
            if errors:
                _note(error, errors)
            raise error
        _raise_hook_errors(errors, command, None)

    def rollback(self) -> None:
        """crm_rollback: undo the transaction and its events (no hook runs),
        and let other threads in."""
        with self._lock:
            handle = self._require("crm_rollback")
            try:
                rc = self._lib.crm_rollback(handle)
            finally:
                self._lock.end_transaction()
            self._check(rc, handle, "crm_rollback")

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Database"]:
        """``with db.transaction():`` groups calls into one atomic unit:
        commits when the block ends normally, rolls back when it raises (and
        re-raises).  Hooks of the block's events run at the commit; a hook
        exception is raised as HookError from the ``with`` statement.

        The block holds the Database for this thread (see :meth:`begin`):
        calls from other threads wait until it ends; calls from this thread,
        hooks included, go through."""
        self.begin()
        try:
            yield self
        except BaseException:
            if not self.closed:
                try:
                    self.rollback()
                except CRMError:
                    pass  # the original exception matters more
            raise
        try:
            self.commit()
        except HookError:
            raise  # committed; only a hook failed
        except CRMError:
            # e.g. CRM_BUSY or CRM_IO at COMMIT: do not leave it half-open
            if not self.closed:
                try:
                    self.rollback()
                except CRMError:
                    pass
            raise

    # -- hooks -------------------------------------------------------------------

    def on(self, pattern: str, callback: HookCallback) -> int:
        """Call ``callback(event_type, event)`` for every committed event whose
        type matches ``pattern``: an exact type ("account.created"), a prefix
        glob ("account.*") or "*".  Returns the hook id for :meth:`off`.

        The callback runs on the thread that made the change, after the
        commit, before the exec/commit call returns; it may call back into
        this database.  An exception it raises is caught (it never reaches C)
        and raised as :class:`HookError` from that exec/commit call."""
        if not callable(callback):
            raise TypeError("callback must be callable")
        command = "crm_hook_register"
        self._require(command)
        pattern_bytes = _c_string(pattern, "pattern", command)
        database = weakref.ref(self)  # no reference cycle through the thunk

        def trampoline(event_type: Optional[bytes], event_json: Optional[bytes],
                       user_data: Any) -> None:
            # Nothing may escape into C: catch everything, keep it, re-raise
            # it from the Python call that triggered delivery.
            type_text = ""
            try:
                type_text = event_type.decode("utf-8") if event_type is not None else ""
                event = json.loads(event_json.decode("utf-8")) if event_json else {}
                db = database()
                # Hooks run after the commit, outside the library's locks, and
                # here outside this Database's lock too: a hook waiting for
                # another thread or handle cannot deadlock on it.
                held = db._lock.set_down() if db is not None else None
                try:
                    callback(type_text, event)
                finally:
                    if held is not None:
                        db._lock.pick_up(held)
            except BaseException as error:  # noqa: B902
                try:
                    stack = _frame_stack()
                    if stack:
                        stack[-1].errors.append((type_text, error))
                    else:  # delivered outside any exec/commit of ours
                        db = database()
                        if db is not None:
                            db._stray.append((type_text, error))
                except BaseException:
                    pass

        thunk = _lib.HOOK_FN(trampoline)
        out = c_int()
        with self._lock:
            handle = self._require(command)
            rc = self._lib.crm_hook_register(handle, pattern_bytes, thunk, None, byref(out))
            if rc != 0:
                self._retired.append(thunk)  # in case C kept it despite failing
                raise error_for(rc, self._errmsg(handle), command)
            self._hooks[out.value] = (pattern, callback, thunk)
            return out.value

    def off(self, hook_id: int) -> None:
        """Unregister a hook returned by :meth:`on`.  NotFound if unknown."""
        command = "crm_hook_unregister"
        with self._lock:
            handle = self._require(command)
            hook_id = _c_integer(hook_id, "hook_id", command, _lib.INT_MIN, _lib.INT_MAX)
            rc = self._lib.crm_hook_unregister(handle, hook_id)
            self._check(rc, handle, command)
            entry = self._hooks.pop(hook_id, None)
            if entry is not None:
                # off() may run inside this very hook: keep its thunk alive.
                self._retired.append(entry[2])

    @property
    def hooks(self) -> Dict[int, Tuple[str, HookCallback]]:
        """The registered hooks: ``{hook_id: (pattern, callback)}``."""
        with self._lock:
            return {i: (p, cb) for i, (p, cb, _) in self._hooks.items()}

    # -- events (raw) ------------------------------------------------------------

    def _events_fetch(self, consumer: str, after_seq: int, limit: int) -> Dict[str, Any]:
        command = "crm_events_fetch"
        self._require(command)
        consumer_bytes = _c_string(consumer, "consumer", command)
        after_seq = _c_integer(after_seq, "after_seq", command, _lib.INT64_MIN, _lib.INT64_MAX)
        limit = _c_integer(limit, "limit", command, _lib.INT_MIN, _lib.INT_MAX)
        out = c_void_p()
        with self._lock:
            handle = self._require(command)
            rc = self._lib.crm_events_fetch(handle, consumer_bytes, after_seq, limit, byref(out))
            message = self._errmsg(handle) if rc != 0 else None
        text = _lib.take_string(self._lib, out)
        if rc != 0:
            raise error_for(rc, message or "", command)
        try:
            return json.loads(text) if text else {"events": [], "last_seq": after_seq}
        except ValueError as parse_error:
            raise error_for(13, f"libcrm returned malformed JSON ({parse_error})",
                            command) from None

    def _events_ack(self, consumer: str, seq: int) -> None:
        command = "crm_events_ack"
        self._require(command)
        consumer_bytes = _c_string(consumer, "consumer", command)
        seq = _c_integer(seq, "seq", command, _lib.INT64_MIN, _lib.INT64_MAX)
        with self._lock:
            handle = self._require(command)
            self._check(self._lib.crm_events_ack(handle, consumer_bytes, seq), handle, command)


def _note(error: BaseException, errors: List[Tuple[str, BaseException]]) -> None:
    if hasattr(error, "add_note"):
        for event_type, hook_error in errors:
            error.add_note(f"a hook for {event_type!r} also raised "
                           f"{type(hook_error).__name__}: {hook_error}")
