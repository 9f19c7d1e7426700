"""Pythonic helpers over Database.exec: db.accounts, db.contacts,
db.interactions, db.leads, db.activities and db.events.

Every helper is a thin wrapper that builds the JSON arguments of one
documented command (docs/COMMANDS.md) and returns its result as a dict;
nothing is validated or defaulted here, so the library's errors reach you
unchanged.
"""

from __future__ import annotations

import keyword
import os
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

if TYPE_CHECKING:  # pragma: no cover
    from .database import Database

__all__ = ["Bridge", "Accounts", "Contacts", "Interactions", "Leads", "Activities", "Quotes", "JobCards", "Invoices", "CreditNotes", "Payments", "Documents", "Events"]


def _merge(positional: Optional[Mapping[str, Any]], keywords: Dict[str, Any],
           drop_none: bool) -> Dict[str, Any]:
    """One argument object from an optional dict and keyword arguments.
    ``from_`` (a Python keyword with a trailing underscore) is sent as ``from``."""
    args: Dict[str, Any] = dict(positional or {})
    for name, value in keywords.items():
        if name.endswith("_") and keyword.iskeyword(name[:-1]):
            name = name[:-1]
        args[name] = value
    if drop_none:
        args = {k: v for k, v in args.items() if v is not None}
    return args


def _ident(id: Optional[int], source: Optional[str],
           external_ref: Optional[str]) -> Dict[str, Any]:
    """``{"id": N}`` or ``{"source": S, "external_ref": R}`` (whatever is given;
    the library decides what is missing or too much)."""
    args: Dict[str, Any] = {}
    if id is not None:
        args["id"] = id
    if source is not None:
        args["source"] = source
    if external_ref is not None:
        args["external_ref"] = external_ref
    return args


class _Records:
    """The commands every record type shares: get, list and iter."""

    entity = ""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def _exec(self, verb: str, args: Dict[str, Any]) -> Dict[str, Any]:
        return self._db.exec(f"{self.entity}.{verb}", args)

    def get(self, id: Optional[int] = None, source: Optional[str] = None,
            external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``<entity>.get`` by id or by source + external_ref.  Raises NotFound."""
        return self._exec("get", _ident(id, source, external_ref))

    def list(self, filters: Optional[Mapping[str, Any]] = None, /,
             **kwargs: Any) -> Dict[str, Any]:
        """One page: ``{"items": [...], "next_cursor": str | None}``.  Filters
        given as None are left out; pass ``limit`` and ``cursor`` to page."""
        return self._exec("list", _merge(filters, kwargs, drop_none=True))

    def iter(self, filters: Optional[Mapping[str, Any]] = None, /,
             **kwargs: Any) -> Iterator[Dict[str, Any]]:
        """Every record matching the filters, page after page (``limit`` is
        the page size), following ``next_cursor`` until it is null."""
        args = _merge(filters, kwargs, drop_none=True)
        seen = set()
        while True:
            page = self._exec("list", args)
            yield from page.get("items", [])
            cursor = page.get("next_cursor")
            if not cursor:
                return
            if cursor in seen:
                raise RuntimeError(f"{self.entity}.list returned the cursor "
                                   f"{cursor!r} twice: libcrm bug, stopping")
            seen.add(cursor)
            args = dict(args, cursor=cursor)


class _Updatable(_Records):
    """Records created with source/external_ref replay and updated."""

    def create(self, fields: Optional[Mapping[str, Any]] = None, /,
               **kwargs: Any) -> Dict[str, Any]:
        """``<entity>.create``: the new record plus ``"replayed": bool``.
        Include ``source`` and ``external_ref`` to make the create replayable."""
        return self._exec("create", _merge(fields, kwargs, drop_none=False))

    def update(self, id: Optional[int] = None,
               changes: Optional[Mapping[str, Any]] = None, *,
               source: Optional[str] = None, external_ref: Optional[str] = None,
               expected_version: Optional[int] = None,
               **fields: Any) -> Dict[str, Any]:
        """``<entity>.update``: only the fields given change; a field given as
        None is cleared (JSON null).  ``expected_version`` guards against lost
        updates (Conflict when stale)."""
        args = _ident(id, source, external_ref)
        if expected_version is not None:
            args["expected_version"] = expected_version
        args.update(_merge(changes, fields, drop_none=False))
        return self._exec("update", args)



class _Editable(_Updatable):
    """Records created with source/external_ref replay, updated and archived."""

    def archive(self, id: Optional[int] = None, source: Optional[str] = None,
                external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``<entity>.archive``: the archived record."""
        return self._exec("archive", _ident(id, source, external_ref))


class Matches(list):
    """The items of a search or duplicate check, a plain list, with
    ``truncated``: whether more matched than the limit let through."""

    def __init__(self, answer: Dict[str, Any]):
        super().__init__(answer.get("items", []))
        self.truncated: bool = bool(answer.get("truncated", False))


class Accounts(_Editable):
    """``db.accounts``: customers (account.* commands)."""

    entity = "account"

    def search(self, query: str, limit: Optional[int] = None) -> "Matches":
        """``account.search``: matching open accounts, each with ``matched_on``;
        ``.truncated`` is True when more matched than ``limit`` shows."""
        args: Dict[str, Any] = {"query": query}
        if limit is not None:
            args["limit"] = limit
        return Matches(self._exec("search", args))

    def duplicates(self, account_id: Optional[int] = None,
                   limit: Optional[int] = None) -> "Matches":
        """``account.duplicates``: ``[{"account_id", "duplicate_id", "reasons",
        "name_similarity"}]``, optionally only the pairs of ``account_id``;
        ``.truncated`` is True when more pairs exist than ``limit`` shows."""
        args = _merge(None, {"account_id": account_id, "limit": limit}, drop_none=True)
        return Matches(self._exec("duplicates", args))

    def merge(self, survivor_id: int, merged_id: int) -> Dict[str, Any]:
        """``account.merge``: moves everything of ``merged_id`` onto
        ``survivor_id`` and returns the survivor."""
        return self._exec("merge", {"survivor_id": survivor_id, "merged_id": merged_id})


class Contacts(_Editable):
    """``db.contacts``: people at accounts, their consent and preferences."""

    entity = "contact"

    def consent(self, contact_id: int, channel: str, status: str,
                source: str, recorded_at: Any = None) -> Dict[str, Any]:
        """``contact.consent``: record ``status`` ("opted_in"/"opted_out") for
        ``channel`` ("email", "sms", "phone", "post"), given through
        ``source`` ("web form").  Returns the contact."""
        args: Dict[str, Any] = {"contact_id": contact_id, "channel": channel,
                                "status": status, "source": source}
        if recorded_at is not None:
            args["recorded_at"] = recorded_at
        return self._exec("consent", args)

    def consent_history(self, contact_id: int) -> List[Dict[str, Any]]:
        """``contact.consent_history``: every consent change, oldest first."""
        return self._exec("consent_history", {"contact_id": contact_id}).get("items", [])

    def preferences(self, contact_id: int, set: Optional[Mapping[str, Any]] = None,
                    /, **set_kwargs: Any) -> Dict[str, Any]:
        """``contact.preferences``: set the given keys (None removes a key) and
        return the contact; with nothing to set, just return the contact.
        ``db.contacts.preferences(7, language="af", newsletter=None)``."""
        changes = dict(set or {})
        changes.update(set_kwargs)
        args: Dict[str, Any] = {"contact_id": contact_id}
        if changes:
            args["set"] = changes
        return self._exec("preferences", args)

    def export(self, id: Optional[int] = None, source: Optional[str] = None,
               external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``contact.export``: everything held about the person (a data
        subject's request): ``{"contact", "consent_history", "interactions",
        "events", "exported_at"}``."""
        return self._exec("export", _ident(id, source, external_ref))

    def erase(self, id: Optional[int] = None, source: Optional[str] = None,
              external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``contact.erase``: remove the person's data for good, here and in
        every outbox copy; returns the archived, nameless contact and writes a
        ``contact.erased`` event for the bridges."""
        return self._exec("erase", _ident(id, source, external_ref))


class Interactions(_Records):
    """``db.interactions``: the history of every contact with a customer.
    Interactions are never updated.  Filter lists with ``from_``/``to``."""

    entity = "interaction"

    def log(self, fields: Optional[Mapping[str, Any]] = None, /,
            **kwargs: Any) -> Dict[str, Any]:
        """``interaction.log``: the logged interaction plus ``replayed``."""
        return self._exec("log", _merge(fields, kwargs, drop_none=False))


class Leads(_Updatable):
    """``db.leads``: first contacts that may become customers (lead.*
    commands).  :meth:`create` answers the lead plus ``"replayed"`` and
    ``"duplicates": [{"record_type", "id", "reasons"}]`` (the leads,
    accounts and contacts it looks like); under the ``refuse`` duplicate
    policy a lead with duplicates raises Conflict and nothing is written.
    A lead's status moves only through :meth:`transition`; :meth:`update`
    changes its other fields.  Leads are not archived."""

    entity = "lead"

    def transition(self, id: int, to: str, reason: Optional[str] = None,
                   performed_by: Optional[str] = None,
                   expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``lead.transition``: move the lead to ``to`` and return it.
        new -> contacted -> qualified; "disqualified" (with a ``reason``,
        else InvalidArgument) from an open state; disqualified -> new.  An
        illegal move raises ConstraintViolation naming both states."""
        args = _merge(None, {"id": id, "to": to, "reason": reason,
                             "performed_by": performed_by,
                             "expected_version": expected_version}, drop_none=True)
        return self._exec("transition", args)

    def history(self, id: int) -> List[Dict[str, Any]]:
        """``lead.history``: every status the lead has had, oldest first,
        starting with its capture as "new": ``[{"from", "to", "reason",
        "performed_by", "occurred_at"}]``."""
        return self._exec("history", {"id": id}).get("items", [])

    def export(self, id: Optional[int] = None, source: Optional[str] = None,
               external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``lead.export``: everything held about the person behind a lead
        (a data subject's request): ``{"lead", "history", "activities",
        "events", "exported_at"}``."""
        return self._exec("export", _ident(id, source, external_ref))

    def erase(self, id: Optional[int] = None, source: Optional[str] = None,
              external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``lead.erase``: remove the person behind a lead that never became
        a contact (names, e-mail, phone; the notes of its activities), here
        and in every outbox copy; the lead then takes no more changes and a
        ``lead.erased`` event is written. A lead converted into a contact
        raises ConstraintViolation: erase the contact, which erases both."""
        return self._exec("erase", _ident(id, source, external_ref))

    def configure(self, duplicate_policy: str) -> Dict[str, Any]:
        """``lead.configure``: how captures treat duplicates, "warn" (the
        default: made, matches listed) or "refuse" (Conflict, nothing
        written).  Returns the settings."""
        return self._exec("configure", {"duplicate_policy": duplicate_policy})

    def settings(self) -> Dict[str, Any]:
        """``lead.settings``: ``{"duplicate_policy": "warn" | "refuse"}``."""
        return self._exec("settings", {})

    def assign(self, id: int, owner: Optional[str] = None) -> Dict[str, Any]:
        """``lead.assign``: gives an open lead to ``owner``, or to the next rep
        of its region's territory (ConstraintViolation when there is none)."""
        args: Dict[str, Any] = {"id": id}
        if owner is not None:
            args["owner"] = owner
        return self._exec("assign", args)

    def convert(self, id: int, account_id: Optional[int] = None,
                account: Optional[Mapping[str, Any]] = None,
                match_account: bool = False,
                contact_id: Optional[int] = None,
                contact: Union[Mapping[str, Any], None, bool] = True,
                opportunity: Union[Mapping[str, Any], None, bool] = True,
                performed_by: Optional[str] = None,
                expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``lead.convert``: a qualified lead becomes a customer, in one
        transaction: the account (``account_id`` of an existing one,
        ``match_account=True`` for the one open account the lead looks like,
        or ``account`` fields over defaults from the lead), a contact
        (``contact_id``, ``contact`` fields, or ``contact=None`` for none)
        and an opportunity (``opportunity`` fields, or ``None`` for none).
        Returns ``{"lead", "account", "contact", "opportunity",
        "account_created", "replayed"}``; the same conversion again returns
        the same records with ``replayed`` True, another one raises Conflict.
        A lead that is not qualified raises ConstraintViolation."""
        args: Dict[str, Any] = {"id": id}
        if account_id is not None:
            args["account_id"] = account_id
        if match_account:
            args["match_account"] = True
        if account is not None:
            args["account"] = dict(account)
        if contact_id is not None:
            args["contact_id"] = contact_id
        if contact is None or contact is False:
            args["contact"] = None
        elif contact is not True:
            args["contact"] = dict(contact)
        if opportunity is None or opportunity is False:
            args["opportunity"] = None
        elif opportunity is not True:
            args["opportunity"] = dict(opportunity)
        if performed_by is not None:
            args["performed_by"] = performed_by
        if expected_version is not None:
            args["expected_version"] = expected_version
        return self._exec("convert", args)

    def referrals(self, account_id: int) -> Dict[str, Any]:
        """``lead.referrals``: the leads ``account_id`` referred:
        ``{"account_id", "referred", "converted", "items"}``."""
        return self._exec("referrals", {"account_id": account_id})


    def score(self, id: int, as_of: Optional[str] = None) -> Dict[str, Any]:
        """``lead.score``: the lead's two scores side by side, ``{"lead_id",
        "rule": {"score" (0..100), "points", "max_points", "as_of",
        "engagement", "factors": [{"factor", "value", "points",
        "max_points"}]}, "predictive": {"probability" (0..1, or None while
        untrained), "trained", "reason", "trained_at", "examples":
        {"converted", "disqualified"}, "factors": [{"field", "value",
        "likelihood_ratio", "converted", "disqualified"}]}}``.  ``as_of`` (a
        timestamp, or a date meaning its end) is the "now" of recency."""
        args: Dict[str, Any] = {"id": id}
        if as_of is not None:
            args["as_of"] = as_of
        return self._exec("score", args)

    def train(self) -> Dict[str, Any]:
        """``lead.train``: relearns the conversion probability from the
        converted and disqualified leads; returns ``{"trained_at",
        "examples": {"converted", "disqualified"}, "trained", "values"}``."""
        return self._exec("train", {})

    def configure_scoring(self, weights: Optional[Mapping[str, Mapping[str, Optional[int]]]] = None,
                          reset: bool = False) -> Dict[str, Any]:
        """``lead.configure_scoring``: the rule score's points (0..100) per
        factor and value, e.g. ``{"source_channel": {"referral": 40},
        "region": {"Gauteng": 10}}``; None puts a value's default back and
        ``reset=True`` first puts every default back.  Returns ``{"weights",
        "max_points"}``."""
        args: Dict[str, Any] = {}
        if weights is not None:
            args["weights"] = {factor: dict(values) for factor, values in weights.items()}
        if reset:
            args["reset"] = True
        return self._exec("configure_scoring", args)

    def scoring_weights(self) -> Dict[str, Any]:
        """``lead.scoring_weights``: ``{"weights", "max_points"}`` in force."""
        return self._exec("scoring_weights", {})

class Opportunities(_Updatable):
    """``db.opportunities``: deals being worked with an account
    (opportunity.* commands).  An opportunity starts in the first open stage
    of the pipeline and moves only through :meth:`move`, which records its
    stage history; :meth:`update` changes its other fields."""

    entity = "opportunity"

    def move(self, id: int, stage: str, reason: Optional[str] = None,
             performed_by: Optional[str] = None,
             expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``opportunity.move``: into ``stage``, taking its probability.
        "won" and "lost" need a ``reason`` (else InvalidArgument); a closed
        opportunity only goes back to an open stage (reopening), else
        ConstraintViolation naming both stages."""
        args = _merge(None, {"id": id, "stage": stage, "reason": reason,
                             "performed_by": performed_by,
                             "expected_version": expected_version}, drop_none=True)
        return self._exec("move", args)

    def history(self, id: int, as_of: Optional[str] = None) -> List[Dict[str, Any]]:
        """``opportunity.history``: every stage it entered, oldest first:
        ``[{"from", "to", "reason", "performed_by", "reopened",
        "occurred_at", "seconds_in_stage"}]``."""
        args: Dict[str, Any] = {"id": id}
        if as_of is not None:
            args["as_of"] = as_of
        return self._exec("history", args).get("items", [])


class Pipeline:
    """``db.pipeline``: the stages opportunities move through
    (pipeline.* commands)."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def stages(self) -> List[Dict[str, Any]]:
        """``pipeline.stages``: ``[{"code", "name", "position",
        "probability", "outcome"}]`` in order, ending in won and lost."""
        return self._db.exec("pipeline.stages", {}).get("items", [])

    def configure(self, stages: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
        """``pipeline.configure``: the open stages in order,
        ``[{"code", "name"?, "probability"}]``; won and lost stay last.
        Dropping a stage that holds open opportunities raises
        ConstraintViolation.  Returns the new stages."""
        return self._db.exec("pipeline.configure",
                             {"stages": [dict(stage) for stage in stages]}).get("items", [])


class Reports:
    """``db.reports``: the pipeline reports (report.* commands), figures as
    integers: money in minor units of one ``currency``, rates as
    ``{"numerator", "denominator", "rate_bp"}`` (``rate_bp`` None when the
    denominator is 0), days as ``{"numerator": seconds, "denominator":
    n * 86400, "hundredths"}``.  ``from_`` and ``to`` are dates (a
    ``datetime.date`` or ``"YYYY-MM-DD"``), both days included;
    ``group_by`` is a dimension name or a list of them.  docs/COMMANDS.md
    ("Pipeline reports") defines every figure."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def _run(self, command: str, from_: Any, to: Any, group_by: Any = None,
             **fields: Any) -> Dict[str, Any]:
        args: Dict[str, Any] = {"from": from_, "to": to}
        args.update({key: value for key, value in fields.items() if value is not None})
        if group_by is not None:
            args["group_by"] = group_by if isinstance(group_by, str) else list(group_by)
        return self._db.exec(command, args)

    def forecast(self, from_: Any, to: Any, currency: str,
                 group_by: Union[str, Sequence[str], None] = None) -> Dict[str, Any]:
        """``report.forecast``: the open opportunities expected to close in
        the range, amount and weighted amount by ``month`` (default),
        ``owner`` or ``stage``: ``{"rows": [...], "total": {...}, ...}``."""
        return self._run("report.forecast", from_, to, group_by, currency=currency)

    def funnel(self, from_: Any, to: Any, currency: str,
               group_by: Union[str, Sequence[str], None] = None) -> Dict[str, Any]:
        """``report.funnel``: the opportunities created in the range, how many
        reached each stage and the conversion to the next, in ``total`` and
        per ``source_channel`` or ``owner`` in ``groups``."""
        return self._run("report.funnel", from_, to, group_by, currency=currency)

    def cycle(self, from_: Any, to: Any, as_of: Any = None) -> Dict[str, Any]:
        """``report.cycle``: days from creation to won or lost (closed in the
        range) and average days in each open stage (``as_of`` default now)."""
        return self._run("report.cycle", from_, to, None, as_of=as_of)

    def win_loss(self, from_: Any, to: Any, currency: str,
                 group_by: Union[str, Sequence[str], None] = None) -> Dict[str, Any]:
        """``report.win_loss``: won and lost counts and amounts closed in the
        range by ``close_reason`` (default), ``competitor`` or ``owner``."""
        return self._run("report.win_loss", from_, to, group_by, currency=currency)

    def lead_conversion(self, from_: Any, to: Any,
                        group_by: Union[str, Sequence[str], None] = None) -> Dict[str, Any]:
        """``report.lead_conversion``: the leads captured in the range,
        converted, made customers, won, by ``source_channel`` (default) or
        ``campaign``."""
        return self._run("report.lead_conversion", from_, to, group_by)


class Activities(_Updatable):
    """``db.activities``: calls, meetings, e-mails, tasks and visits linked to
    a lead, opportunity, account or contact (activity.* commands), the
    follow-up reminders (reminder.*), telemarketing call lists (calllist.*)
    and the time report (report.time).  :meth:`complete` of a call, meeting,
    e-mail or visit of a customer logs it in the interaction history."""

    entity = "activity"

    def complete(self, id: int, outcome: Optional[str] = None,
                 minutes_spent: Optional[int] = None, completed_at: Any = None,
                 expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``activity.complete``: mark an open activity done with what came of
        it; returns the activity (``interaction_id`` set when it was logged in
        the customer's history).  Done or cancelled already: ConstraintViolation."""
        args = _merge(None, {"id": id, "outcome": outcome, "minutes_spent": minutes_spent,
                             "completed_at": completed_at,
                             "expected_version": expected_version}, drop_none=True)
        return self._exec("complete", args)

    def cancel(self, id: int, reason: Optional[str] = None,
               expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``activity.cancel``: an open activity will not happen (``reason``
        kept as its outcome); returns the activity."""
        args = _merge(None, {"id": id, "reason": reason,
                             "expected_version": expected_version}, drop_none=True)
        return self._exec("cancel", args)

    def summary(self, lead_id: Optional[int] = None, opportunity_id: Optional[int] = None,
                account_id: Optional[int] = None) -> Dict[str, Any]:
        """``activity.summary`` of one record: ``{"count": completed activities,
        "last_completed_at": timestamp | None}``."""
        args = _merge(None, {"lead_id": lead_id, "opportunity_id": opportunity_id,
                             "account_id": account_id}, drop_none=True)
        return self._exec("summary", args)

    def time_report(self, from_: Any, to: Any, by: str = "owner") -> Dict[str, Any]:
        """``report.time``: minutes spent, completed count and average minutes
        per activity, per rep (``by="owner"``) or per customer
        (``by="account"``), for the activities completed from ``from_`` to
        ``to`` (dates include the whole day): ``{"from", "to", "by", "items",
        "total"}``."""
        return self._db.exec("report.time", {"from": from_, "to": to, "by": by})

    def reminder_rules(self) -> List[Dict[str, Any]]:
        """``reminder.rules``: ``[{"rule", "days", "enabled", "version",
        "updated_at"}]`` for lead_untouched, opportunity_idle, proposal_no_reply."""
        return self._db.exec("reminder.rules", {}).get("items", [])

    def configure_reminder(self, rule: str, days: Optional[int] = None,
                           enabled: Optional[bool] = None) -> Dict[str, Any]:
        """``reminder.configure``: change a rule's days or switch it on or off;
        returns the rule."""
        args = _merge(None, {"rule": rule, "days": days, "enabled": enabled}, drop_none=True)
        return self._db.exec("reminder.configure", args)

    def run_reminders(self, as_of: Any = None) -> List[Dict[str, Any]]:
        """``reminder.run``: turn what is due as of ``as_of`` (a date, its end,
        or a timestamp; default now) into follow-up activities, each at most
        once however often it runs.  Returns what it made: ``[{"rule",
        "record_type", "record_id", "owner", "last_touch_at", "due_at",
        "activity"}]``."""
        args = _merge(None, {"as_of": as_of}, drop_none=True)
        return self._db.exec("reminder.run", args).get("created", [])

    def reminders(self, owner: Optional[str] = None, date: Any = None,
                  limit: Optional[int] = None, cursor: Optional[str] = None) -> Dict[str, Any]:
        """``reminder.list``: one page of the open follow-ups due on or before
        ``date`` (default today), by due time."""
        args = _merge(None, {"owner": owner, "date": date, "limit": limit,
                             "cursor": cursor}, drop_none=True)
        return self._db.exec("reminder.list", args)

    def build_call_list(self, from_: str, name: str, **filters: Any) -> Dict[str, Any]:
        """``calllist.build`` from "leads" or "accounts" with the filters
        ``region``, ``segment``, ``kind``, ``last_contact_before``, ``owner``,
        ``due_at``: the list with ``entry_count``, ``skipped_count`` and
        ``skipped`` (``{"opted_out": n, "no_phone": n}``)."""
        args = _merge(None, dict(filters, from_=from_, name=name), drop_none=True)
        return self._db.exec("calllist.build", args)

    def call_list(self, id: int) -> Dict[str, Any]:
        """``calllist.get``: the list with its ``entries`` (each call's
        activity status and outcome) and ``skipped``."""
        return self._db.exec("calllist.get", {"id": id})


class Products(_Editable):
    """``db.products``: the catalogue document lines are priced from
    (product.* commands): code (unique in any case), name, kind (part,
    labour, service, goods), unit, ``unit_price_minor`` with its currency,
    ``tax_rate_bp``, revenue account and warranty months.  An archived
    product takes no new line."""

    entity = "product"


class Quotes(_Updatable):
    """``db.quotes``: offers to a customer (quote.* commands), standalone or
    for an opportunity, with lines from the catalogue (``product_id``) or
    free text (``description`` + ``unit_price_minor``), ``quantity_milli``
    in thousandths.  A draft is edited with :meth:`update`; :meth:`send`
    freezes it; the customer accepts (:meth:`accept`) or declines it;
    :meth:`revise` supersedes a sent quote with a new draft revision.  A
    sent quote past its ``valid_until`` reads ``"expired": True`` as of the
    date asked about."""

    entity = "quote"

    def get(self, id: Optional[int] = None, source: Optional[str] = None,
            external_ref: Optional[str] = None, as_of: Any = None) -> Dict[str, Any]:
        """``quote.get``: the quote with ``expired`` and ``effective_status``
        as of ``as_of`` (a date, default today).  Raises NotFound."""
        args = _ident(id, source, external_ref)
        if as_of is not None:
            args["as_of"] = str(as_of)
        return self._exec("get", args)

    def _move(self, verb: str, id: int, expected_version: Optional[int],
              **fields: Any) -> Dict[str, Any]:
        args = _merge(None, dict(fields, id=id, expected_version=expected_version),
                      drop_none=True)
        return self._exec(verb, args)

    def send(self, id: int, issued_on: Any = None,
             expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``quote.send``: a draft with lines goes out (issued_on default
        today, valid_until default issued_on + 30 days)."""
        return self._move("send", id, expected_version,
                          issued_on=None if issued_on is None else str(issued_on))

    def accept(self, id: int, accepted_on: Any = None,
               expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``quote.accept``: a sent quote still valid on ``accepted_on``;
        its opportunity (if any, with the pipeline module) is won."""
        return self._move("accept", id, expected_version,
                          accepted_on=None if accepted_on is None else str(accepted_on))

    def decline(self, id: int, reason: str,
                expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``quote.decline``: the customer said no; ``reason`` is required."""
        return self._move("decline", id, expected_version, reason=reason)

    def expire(self, id: int, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``quote.expire``: a sent quote is marked expired."""
        return self._move("expire", id, expected_version)

    def revise(self, id: int, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``quote.revise``: the sent (expired, declined) quote is
        superseded; the answer is the new draft revision."""
        return self._move("revise", id, expected_version)


class JobCards(_Updatable):
    """``db.jobcards``: work orders for the workshop or field service
    (jobcard.* commands).  :meth:`create` takes ``account_id`` (standalone)
    or ``quote_id`` of an accepted quote with ``line_positions`` to choose
    its lines.  States open -> scheduled -> in_progress <-> on_hold ->
    completed -> invoiced, or cancelled; an illegal move is
    ConstraintViolation naming both states.  :meth:`billable` is what an
    invoice would take: the parts lines plus one line per labour entry."""

    entity = "jobcard"

    def _move(self, verb: str, id: int, expected_version: Optional[int],
              **fields: Any) -> Dict[str, Any]:
        args = _merge(None, dict(fields, id=id, expected_version=expected_version), drop_none=True)
        return self._exec(verb, args)

    def schedule(self, id: int, scheduled_on: Any, scheduled_at: Any = None,
                 technicians: Optional[Sequence[str]] = None,
                 expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.schedule``: open -> scheduled on a date (and time),
        optionally with the technicians."""
        technician_list = list(technicians) if technicians is not None else None
        return self._move("schedule", id, expected_version, scheduled_on=scheduled_on,
                          scheduled_at=scheduled_at, technicians=technician_list)

    def start(self, id: int, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.start``: scheduled -> in_progress."""
        return self._move("start", id, expected_version)

    def hold(self, id: int, reason: str, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.hold``: in_progress -> on_hold, with the reason."""
        return self._move("hold", id, expected_version, reason=reason)

    def resume(self, id: int, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.resume``: on_hold -> in_progress."""
        return self._move("resume", id, expected_version)

    def complete(self, id: int, signed_by: str, signed_at: Any = None,
                 expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.complete``: in_progress -> completed with the customer's
        sign-off (``signed_by`` required; ``signed_at`` default now).  Open
        tasks: ConstraintViolation."""
        return self._move("complete", id, expected_version, signed_by=signed_by, signed_at=signed_at)

    def cancel(self, id: int, reason: str, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.cancel``: open, scheduled, in_progress or on_hold -> cancelled."""
        return self._move("cancel", id, expected_version, reason=reason)

    def log_labour(self, id: int, technician: str, minutes: int,
                   product_id: Optional[int] = None, unit_price_minor: Optional[int] = None,
                   tax_rate_bp: Optional[int] = None, description: Optional[str] = None,
                   worked_on: Any = None, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.log_labour``: minutes (1..1440) a technician worked,
        priced per hour by a labour product or ``unit_price_minor``; returns
        the job card."""
        return self._move("log_labour", id, expected_version, technician=technician, minutes=minutes,
                          product_id=product_id, unit_price_minor=unit_price_minor,
                          tax_rate_bp=tax_rate_bp, description=description, worked_on=worked_on)

    def use_part(self, id: int, quantity_milli: int, product_id: Optional[int] = None,
                 description: Optional[str] = None, unit_price_minor: Optional[int] = None,
                 discount_bp: Optional[int] = None, tax_rate_bp: Optional[int] = None,
                 expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.use_part``: a part used (a product, or ``description`` +
        ``unit_price_minor``), added as a line; returns the job card."""
        return self._move("use_part", id, expected_version, quantity_milli=quantity_milli,
                          product_id=product_id, description=description,
                          unit_price_minor=unit_price_minor, discount_bp=discount_bp,
                          tax_rate_bp=tax_rate_bp)

    def task(self, id: int, position: int, status: str,
             expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``jobcard.task``: task ``position`` (0 first) open, done or skipped."""
        return self._move("task", id, expected_version, position=position, status=status)

    def billable(self, id: Optional[int] = None, source: Optional[str] = None,
                 external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``jobcard.billable``: ``{"jobcard_id", "number", "status", ...,
        "lines", "subtotal_minor", "tax_minor", "total_minor"}``."""
        return self._exec("billable", _ident(id, source, external_ref))


class Invoices(_Updatable):
    """``db.invoices``: bills to customers (invoice.* commands).
    :meth:`create` makes a draft: standalone (``account_id`` + ``lines``),
    from a completed job card (``jobcard_id``) or an accepted quote
    (``quote_id``), whole or in part (``line_positions``, ``quantities_milli``
    per chosen line, or ``percent_bp`` for progress billing); never more is
    invoiced than was done or quoted.  :meth:`issue` takes the next gapless
    number and freezes it (update/delete then raise ConstraintViolation);
    :meth:`record` keeps an invoice the host's ledger issued.  ``overdue``
    is derived as of the date asked about."""

    entity = "invoice"

    def get(self, id: Optional[int] = None, source: Optional[str] = None,
            external_ref: Optional[str] = None, as_of: Any = None) -> Dict[str, Any]:
        """``invoice.get``: the invoice with ``overdue`` as of ``as_of`` (default today)."""
        args = _ident(id, source, external_ref)
        if as_of is not None:
            args["as_of"] = str(as_of)
        return self._exec("get", args)

    def delete(self, id: int, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``invoice.delete``: a draft goes; what it took of a job card or quote is free again."""
        return self._exec("delete", _merge(None, dict(id=id, expected_version=expected_version), drop_none=True))

    def issue(self, id: int, issued_on: Any = None,
              expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``invoice.issue``: the next number, ``due_on`` from the account's
        payment terms; the answer carries the ``posting``."""
        return self._exec("issue", _merge(None, dict(id=id, expected_version=expected_version,
                                                     issued_on=None if issued_on is None else str(issued_on)),
                                          drop_none=True))

    def record(self, fields: Optional[Mapping[str, Any]] = None, /,
               **kwargs: Any) -> Dict[str, Any]:
        """``invoice.record``: ``source``, ``external_ref``, ``account_id``,
        ``number``, ``issued_on``, ``due_on``?, ``lines`` or ``total_minor`` +
        ``tax_minor``, ``posting``? (True for a posting in the event)."""
        return self._exec("record", _merge(fields, kwargs, drop_none=True))

    def configure_series(self, series: str = "invoice", prefix: Optional[str] = None,
                         next_number: Optional[int] = None, width: Optional[int] = None) -> Dict[str, Any]:
        """``invoice.configure_series``: where a number series goes on from."""
        return self._db.exec("invoice.configure_series", _merge(
            None, dict(series=series, prefix=prefix, next_number=next_number, width=width), drop_none=True))


class CreditNotes(_Records):
    """``db.credit_notes``: corrections of issued or recorded invoices
    (credit_note.* commands): all their lines or chosen ones
    (``line_positions``, ``quantities_milli``), never more than remains
    uncredited, numbered in their own series when issued.  The invoice's
    ``credited_minor``, ``balance_due_minor`` and status follow."""

    entity = "credit_note"

    def create(self, fields: Optional[Mapping[str, Any]] = None, /,
               **kwargs: Any) -> Dict[str, Any]:
        """``credit_note.create``: a draft against ``invoice_id``."""
        return self._exec("create", _merge(fields, kwargs, drop_none=True))

    def issue(self, id: int, issued_on: Any = None,
              expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``credit_note.issue``: the next credit note number; the answer
        carries the reversing ``posting``."""
        return self._exec("issue", _merge(None, dict(id=id, expected_version=expected_version,
                                                     issued_on=None if issued_on is None else str(issued_on)),
                                          drop_none=True))

    def delete(self, id: int, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``credit_note.delete``: a draft goes."""
        return self._exec("delete", _merge(None, dict(id=id, expected_version=expected_version), drop_none=True))

    def record(self, fields: Optional[Mapping[str, Any]] = None, /,
               **kwargs: Any) -> Dict[str, Any]:
        """``credit_note.record``: a credit note the host's ledger issued."""
        return self._exec("record", _merge(fields, kwargs, drop_none=True))

    def apply(self, credit_note_id: int, invoice_id: int, amount_minor: Optional[int] = None,
              applied_on: Any = None) -> Dict[str, Any]:
        """``credit_note.apply``: the credit note's open amount (what its own
        invoice does not need) offset against another open invoice of the
        account; default as much as both allow.  No posting."""
        return self._exec("apply", _merge(None, dict(
            credit_note_id=credit_note_id, invoice_id=invoice_id, amount_minor=amount_minor,
            applied_on=None if applied_on is None else str(applied_on)), drop_none=True))


class Payments(_Records):
    """``db.payments``: payments received (payment.* commands), allocated to
    invoices explicitly (``allocations=[{"invoice_id", "amount_minor"}]``) or
    oldest due first (the default; ``allocate="none"`` keeps it all as
    credit); what no invoice takes stays unallocated credit on the account,
    allocated later or refunded.  Every event that moves money carries a
    ``posting``."""

    entity = "payment"

    def record(self, fields: Optional[Mapping[str, Any]] = None, /,
               **kwargs: Any) -> Dict[str, Any]:
        """``payment.record``: ``account_id``, ``amount_minor``, ``method``,
        ``currency``?, ``received_on``?, ``reference``?, ``allocations`` or
        ``allocate``?, ``source`` + ``external_ref``? (replayable)."""
        args = _merge(fields, kwargs, drop_none=True)
        if "received_on" in args:
            args["received_on"] = str(args["received_on"])
        return self._exec("record", args)

    def allocate(self, payment_id: int, allocations: Optional[Any] = None, allocated_on: Any = None,
                 expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``payment.allocate``: unallocated credit to the invoices given, else
        oldest due first; the answer lists what was ``allocated``."""
        return self._exec("allocate", _merge(None, dict(
            payment_id=payment_id, allocations=None if allocations is None else [dict(a) for a in allocations],
            allocated_on=None if allocated_on is None else str(allocated_on),
            expected_version=expected_version), drop_none=True))

    def refund(self, payment_id: int, amount_minor: int, refunded_on: Any = None,
               reason: Optional[str] = None, expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``payment.refund``: unallocated credit paid back."""
        return self._exec("refund", _merge(None, dict(
            payment_id=payment_id, amount_minor=amount_minor,
            refunded_on=None if refunded_on is None else str(refunded_on), reason=reason,
            expected_version=expected_version), drop_none=True))

    def reverse(self, payment_id: int, reason: str, reversed_on: Any = None,
                expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``payment.reverse``: a bounced payment; the invoices it paid reopen.
        A payment with a refund cannot be reversed (Constraint)."""
        return self._exec("reverse", _merge(None, dict(
            payment_id=payment_id, reason=reason,
            reversed_on=None if reversed_on is None else str(reversed_on),
            expected_version=expected_version), drop_none=True))


class Documents:
    """``db.documents``: documents rendered through Mustache templates
    (``document.render``)."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def render(self, type: str, id: Optional[int] = None, format: str = "html",
               template: Optional[str] = None, source: Optional[str] = None,
               external_ref: Optional[str] = None) -> str:
        """``document.render``: the body of a ``"quote"`` or ``"jobcard"``
        (by id or source + external_ref) as ``format`` ``"html"`` (the
        default; values HTML-escaped) or ``"text"`` (nothing escaped),
        through the default template or ``template`` (a Mustache template
        over the view model of docs/COMMANDS.md, "Rendering documents").
        Returns the body as a str; :meth:`render_result` returns the whole
        result.  An unknown type or a template that does not parse raises
        InvalidArgument, an unknown record NotFound."""
        return self.render_result(type, id, format, template, source, external_ref)["body"]

    def render_result(self, type: str, id: Optional[int] = None, format: str = "html",
                      template: Optional[str] = None, source: Optional[str] = None,
                      external_ref: Optional[str] = None) -> Dict[str, Any]:
        """``document.render``'s whole result: ``{"type", "id", "format",
        "content_type", "body"}``."""
        args: Dict[str, Any] = {"type": type, **_ident(id, source, external_ref), "format": format}
        if template is not None:
            args["template"] = template
        return self._db.exec("document.render", args)

    def render_statement(self, account_id: int, from_: Any, to: Any, format: str = "html",
                         template: Optional[str] = None, currency: Optional[str] = None) -> str:
        """``document.render`` of type ``"statement"``: an account's statement
        for ``from_``..``to`` (``account.statement``) as a printable body,
        through the default template or ``template``."""
        args = _merge(None, dict(type="statement", account_id=account_id, from_=from_, to=to, format=format,
                                 template=template, currency=currency), drop_none=True)
        return self._db.exec("document.render", args)["body"]


class Ledger:
    """``db.ledger``: which account of the host's chart each posting role
    goes to (ledger.* commands); every money-moving event carries a
    ``posting`` built from it."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def mapping(self) -> Dict[str, Any]:
        """``ledger.mapping``: ``{"receivable", "revenue", "tax_payable",
        "bank", "customer_credit"}``, each an account code."""
        return self._db.exec("ledger.mapping", {})

    def configure(self, **accounts: str) -> Dict[str, Any]:
        """``ledger.configure``: the account codes of the roles given, e.g.
        ``db.ledger.configure(receivable="8400/000")``; returns the mapping."""
        return self._db.exec("ledger.configure", dict(accounts))


class Credit:
    """``db.credit``: receivables and payment-speed creditworthiness (the
    credit module's ar.*, account.statement/rank and credit.* commands).
    Money is integer minor units of one ``currency``; dates are
    ``datetime.date`` or ``"YYYY-MM-DD"``; day figures are exact fractions
    ``{"numerator", "denominator", "days", "hundredths"}`` and rates
    ``{"numerator", "denominator", "rate_bp"}``.  docs/COMMANDS.md
    ("Receivables ageing", "Receivables metrics", "Payment-speed score")
    defines every figure."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def _run(self, command: str, **fields: Any) -> Dict[str, Any]:
        return self._db.exec(command, _merge(None, fields, drop_none=True))

    def ageing(self, as_of: Any, account_id: Optional[int] = None, currency: Optional[str] = None,
               buckets: Optional[Sequence[int]] = None) -> Dict[str, Any]:
        """``ar.ageing``: what was owed on ``as_of`` by days past due, per
        account and for the book: ``buckets`` (not yet due first, then
        1-30, 31-60, 61-90, 91-120, over 120 unless ``buckets`` gives other
        upper bounds), open credit notes, unallocated payments and net."""
        return self._run("ar.ageing", as_of=as_of, account_id=account_id, currency=currency,
                         buckets=None if buckets is None else list(buckets))

    def metrics(self, from_: Any, to: Any, account_id: Optional[int] = None,
                dso_method: Optional[str] = None, currency: Optional[str] = None) -> Dict[str, Any]:
        """``ar.metrics``: ``dso`` (``dso_method`` "simple", the default, or
        "countback"), ``best_possible_dso``, ``average_days_delinquent``,
        ``average_days_to_pay``, ``cei`` and ``adbt`` for the window, per
        account or for the book."""
        return self._run("ar.metrics", from_=from_, to=to, account_id=account_id,
                         dso_method=dso_method, currency=currency)

    def statement(self, account_id: int, from_: Any, to: Any,
                  currency: Optional[str] = None) -> Dict[str, Any]:
        """``account.statement``: the opening balance, the invoices, credit
        notes, payments, refunds and reversals of the window with a running
        balance, the closing balance and the ageing at ``to``.  Render it
        with ``db.documents.render_statement``."""
        return self._run("account.statement", account_id=account_id, from_=from_, to=to, currency=currency)

    def rank(self, by: str, **filters: Any) -> Dict[str, Any]:
        """``account.rank``: accounts by ``"score"`` (worst first, unrated
        last), ``"overdue"``, ``"dso"`` or ``"billing"``; filters
        ``as_of``/``from_``/``to``, ``segment``, ``kind``, ``region``,
        ``currency``, ``limit``, ``cursor``.  One page."""
        return self._run("account.rank", by=by, **filters)


    # The payment-speed score

    def score(self, account_id: int, as_of: Any = None, **options: Any) -> Dict[str, Any]:
        """``credit.score``: the payment-speed score (1..100, ``None`` with
        ``"unrated": True`` under 3 experiences), ``band``, ``trend``,
        ``late_share``, ``experiences``, ``adbt``, ``overdue_minor``,
        ``largest_late``, ``days_to_pay``; options ``currency``,
        ``window_months``, ``recency_weighted``."""
        return self._run("credit.score", account_id=account_id, as_of=as_of, **options)

    def explain(self, account_id: int, as_of: Any = None, limit: Optional[int] = None,
                currency: Optional[str] = None) -> Dict[str, Any]:
        """``credit.explain``: the experiences that moved the score most,
        each with its ``effect_hundredths`` (points x 100) in ``explained``."""
        return self._run("credit.explain", account_id=account_id, as_of=as_of, limit=limit, currency=currency)

    def recompute(self, account_id: Optional[int] = None) -> Dict[str, Any]:
        """``credit.recompute``: rebuilds the kept experiences (of the book or
        one account); the answer counts the rows."""
        return self._run("credit.recompute", account_id=account_id)

    def suggest_limit(self, account_id: int, as_of: Any = None) -> Dict[str, Any]:
        """``credit.suggest_limit``: a credit limit from the score, average
        monthly billing and history length, with its ``reasons``."""
        return self._run("credit.suggest_limit", account_id=account_id, as_of=as_of)

    # Credit policy and credit control

    def policy(self, account_id: Optional[int] = None, segment: Optional[str] = None,
               level: Optional[str] = None) -> Dict[str, Any]:
        """``credit.policy``: an account's effective policy (its own, else
        its segment's, else the default; ``level`` and ``limit_from`` say
        where it came from), a segment's, or the default."""
        return self._run("credit.policy", account_id=account_id, segment=segment, level=level)

    def configure_policy(self, **rules: Any) -> Dict[str, Any]:
        """``credit.configure_policy``: the whole policy of one level
        (``account_id=``, ``segment=`` or neither for the default):
        ``credit_limit_minor``, ``overdue_limit_minor`` + ``overdue_days``,
        ``min_score``, and per stage (``quote_acceptance``,
        ``jobcard_creation``, ``invoice_issue``) ``"allow"``, ``"warn"``,
        ``"require_prepayment"``, ``"hold"`` or ``"block"``."""
        return self._run("credit.configure_policy", **rules)

    def check(self, account_id: int, stage: str, amount_minor: Optional[int] = None,
              **fields: Any) -> Dict[str, Any]:
        """``credit.check``: what a step would be told (a read): ``decision``,
        ``reasons``, the exposure figures and the policy.  A step refused
        for real raises :class:`crm.CreditHold` whose ``detail`` is this
        decision."""
        return self._run("credit.check", account_id=account_id, stage=stage, amount_minor=amount_minor, **fields)

    def override(self, account_id: int, stage: str, user: str, reason: str,
                 document_id: Optional[int] = None, expires_on: Any = None) -> Dict[str, Any]:
        """``credit.override``: lets the next refused step of that account
        and stage (and document) through, recorded with who and why."""
        return self._run("credit.override", account_id=account_id, stage=stage, user=user, reason=reason,
                         document_id=document_id, expires_on=expires_on)

    def hold(self, account_id: int, user: str, reason: str) -> Dict[str, Any]:
        """``credit.hold``: a manual credit hold, released only by hand."""
        return self._run("credit.hold", account_id=account_id, user=user, reason=reason)

    def release(self, account_id: int, user: str, reason: str) -> Dict[str, Any]:
        """``credit.release``: releases every open hold of the account."""
        return self._run("credit.release", account_id=account_id, user=user, reason=reason)

    def holds(self, **filters: Any) -> Dict[str, Any]:
        """``credit.holds``: one page of holds (``account_id``, ``open``)."""
        return self._run("credit.holds", **filters)

    def review(self, as_of: Any = None) -> Dict[str, Any]:
        """``credit.review``: the daily run placing holds for invoices that
        fell overdue and releasing those back inside policy."""
        return self._run("credit.review", as_of=as_of)


class Dunning:
    """``db.dunning``: payment reminders by level (dunning.* commands).
    ``run(as_of)`` writes each invoice's letter of the highest level it has
    reached and not had, once, and emits a ``dunning.letter`` event per
    letter for the host to send; a paid or credited invoice resolves its
    letters."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def levels(self) -> Dict[str, Any]:
        """``dunning.levels``: ``{"levels": [{"level", "days_overdue",
        "template", "fee_minor", "interest_bps_per_year", "channel_order"}],
        "version"}``."""
        return self._db.exec("dunning.levels", {})

    def configure(self, levels: Sequence[Mapping[str, Any]],
                  expected_version: Optional[int] = None) -> Dict[str, Any]:
        """``dunning.configure``: replaces every level (numbered 1..n, days
        strictly increasing)."""
        return self._db.exec("dunning.configure", _merge(None, dict(
            levels=[dict(level) for level in levels], expected_version=expected_version), drop_none=True))

    def run(self, as_of: Any) -> Dict[str, Any]:
        """``dunning.run``: the letters due on ``as_of``: ``{"letters",
        "counts"}``.  Running it again on the same day writes nothing."""
        return self._db.exec("dunning.run", {"as_of": as_of})

    def get(self, id: int) -> Dict[str, Any]:
        """``dunning.get``: one letter."""
        return self._db.exec("dunning.get", {"id": id})

    def list(self, **filters: Any) -> Dict[str, Any]:
        """``dunning.list``: one page of letters, filtered by ``account_id``,
        ``invoice_id``, ``status`` ("sent", "resolved") or ``level``."""
        return self._db.exec("dunning.list", _merge(None, filters, drop_none=True))


class Territories:
    """``db.territories``: which sales reps work a region's leads, in turn
    (territory.* commands).  A lead captured without an owner goes to the
    next rep of its region."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def set(self, region: str, reps: Sequence[str]) -> Dict[str, Any]:
        """``territory.set``: the region's reps in the order they take turns
        (the turn starts again with the first); returns the territory with
        its ``next_rep``."""
        return self._db.exec("territory.set", {"region": region, "reps": list(reps)})

    def list(self) -> List[Dict[str, Any]]:
        """``territory.list``: every territory, by region."""
        return self._db.exec("territory.list", {}).get("items", [])


class Events:
    """``db.events``: the outbox, for consumers outside the process."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def fetch_page(self, consumer: str, after_seq: int = 0,
                   limit: int = 100) -> Dict[str, Any]:
        """crm_events_fetch: ``{"events": [...], "last_seq": N}``."""
        return self._db._events_fetch(consumer, after_seq, limit)

    def fetch(self, consumer: str, after_seq: int = 0,
              limit: int = 100) -> List[Dict[str, Any]]:
        """Up to ``limit`` (1..1000) events after both ``after_seq`` and the
        consumer's acknowledged position, oldest first."""
        return self.fetch_page(consumer, after_seq, limit).get("events", [])

    def ack(self, consumer: str, seq: int) -> None:
        """crm_events_ack: everything up to and including ``seq`` is done.
        The first ack (even of 0) makes the consumer known to the file."""
        self._db._events_ack(consumer, seq)

    # -- consumers, dead letters, retention (docs/COMMANDS.md, "Outbox
    #    consumers, dead letters and retention") ------------------------------

    def consumers(self) -> List[Dict[str, Any]]:
        """events.consumers: every known consumer with ``acked_seq``, ``lag``,
        ``last_acked_at``, ``retired_at`` and its ``failing``,
        ``dead_letters`` and ``replay`` counts."""
        return self._db.exec("events.consumers")["consumers"]

    def fail(self, consumer: str, seq: int, error: str,
             max_attempts: Optional[int] = None) -> Dict[str, Any]:
        """events.fail: records one failed delivery of event ``seq``; the
        attempt that reaches ``max_attempts`` (default 5) parks it as a dead
        letter (``"parked": True`` in the answer)."""
        args: Dict[str, Any] = {"consumer": consumer, "seq": seq, "error": error}
        if max_attempts is not None:
            args["max_attempts"] = max_attempts
        return self._db.exec("events.fail", args)

    def dead_letters(self, consumer: str, state: Optional[str] = None,
                     after_seq: int = 0, limit: int = 100) -> List[Dict[str, Any]]:
        """events.dead_letters: the consumer's parked and replay-marked
        events (``state`` "parked" or "replay" for one kind), each with
        its ``event``."""
        args: Dict[str, Any] = {"consumer": consumer, "after_seq": after_seq, "limit": limit}
        if state is not None:
            args["state"] = state
        return self._db.exec("events.dead_letters", args)["dead_letters"]

    def replay(self, consumer: str, seq: int) -> Dict[str, Any]:
        """events.replay: takes a parked dead letter out of the parking to
        be delivered again."""
        return self._db.exec("events.replay", {"consumer": consumer, "seq": seq})

    def settle(self, consumer: str, seq: int) -> Dict[str, Any]:
        """events.settle: removes a dead letter delivered on replay or dealt
        with by hand."""
        return self._db.exec("events.settle", {"consumer": consumer, "seq": seq})

    def retire(self, consumer: str) -> Dict[str, Any]:
        """events.retire: the consumer no longer holds back pruning; it can
        no longer fetch or acknowledge."""
        return self._db.exec("events.retire", {"consumer": consumer})

    def prune(self, older_than_days: int = 90,
              limit: Optional[int] = None) -> Dict[str, Any]:
        """events.prune: deletes the events every known, not-retired consumer
        has acknowledged that are older than ``older_than_days``, except dead
        letters' events (at most ``limit``, the oldest first: ``"more"`` says
        whether to call again); answers ``pruned``, ``more``, ``kept`` and more."""
        args: Dict[str, Any] = {"older_than_days": older_than_days}
        if limit is not None:
            args["limit"] = limit
        return self._db.exec("events.prune", args)


class Bridge:
    """``db.bridge``: the books a shop already keeps brought in and taken
    out again (the bridge module's ``bridge.*`` commands).  docs/COMMANDS.md
    ("GnuCash import", "CSV import and export", "Plain-text journals")
    defines them."""

    def __init__(self, db: "Database") -> None:
        self._db = db

    def export_journal(self, format: str, after_seq: Optional[int] = None, consumer: Optional[str] = None,
                       limit: Optional[int] = None) -> Dict[str, Any]:
        """``bridge.export_journal``: the postings of the money-moving events
        after ``after_seq`` (or after ``consumer``'s acknowledged position)
        as a ``"ledger"``, ``"hledger"`` or ``"beancount"`` journal:
        ``{"format", "text", "from_seq", "to_seq", "transactions",
        "consumer", "state", "assertions", "assertions_omitted",
        "events_read", "warnings"}``.  With ``consumer`` the export stands
        on the journal state kept for (consumer, format), reads only the
        events after its position, and moves the state and the position up
        to ``to_seq`` in the same call (``after_seq`` is then refused).
        ``state`` is ``"unknown"`` when earlier events were pruned and no
        state was kept: no balance assertion is written then."""
        return self._db.exec("bridge.export_journal",
                             _merge(None, {"format": format, "after_seq": after_seq, "consumer": consumer,
                                           "limit": limit}, drop_none=True))

    def import_csv(self, kind: str, path: Any, mapping: Any, source: str, *,
                   dry_run: bool = False, batch_size: Optional[int] = None,
                   restart: bool = False,
                   progress: Optional[Callable[[Dict[str, Any]], Any]] = None) -> Dict[str, Any]:
        """``bridge.import_csv`` called batch after batch until the file is
        done (each batch committed on its own); returns the summed summary:
        ``{"kind", "path", "source", "dry_run", "batches", "lines_read",
        "created", "replayed", "duplicates", "conflicts", "error_count",
        "errors": [{"line", "field"?, "code", "message"}], "duplicate_rows"}``.
        ``mapping`` is a dict ``{"field": "Column"}`` or the path of a JSON
        file holding one; ``progress`` is called with each batch's answer."""
        args: Dict[str, Any] = {"kind": kind, "path": os.fspath(path),
                                "mapping": mapping if isinstance(mapping, Mapping) else os.fspath(mapping),
                                "source": source}
        if dry_run:
            args["dry_run"] = True
        if batch_size is not None:
            args["batch_size"] = batch_size
        total: Dict[str, Any] = {"kind": kind, "path": args["path"], "source": source, "dry_run": dry_run,
                                 "batches": 0, "lines_read": 0, "created": 0, "replayed": 0, "duplicates": 0,
                                 "conflicts": 0, "error_count": 0, "errors": [], "duplicate_rows": []}
        call = dict(args, restart=True) if restart else args
        while True:
            answer = self._db.exec("bridge.import_csv", call)
            total["batches"] += 1
            for key in ("lines_read", "created", "replayed", "duplicates", "conflicts", "error_count"):
                total[key] += answer[key]
            total["errors"].extend(answer["errors"])
            total["duplicate_rows"].extend(answer["duplicate_rows"])
            if progress is not None:
                progress(answer)
            if answer["next_line"] is None:
                return total
            call = dict(args, resume_from_line=answer["next_line"], resume_from_offset=answer["next_offset"])

    def import_gnucash(self, path: Any, as_of: Optional[str] = None, dry_run: bool = False,
                       source: Optional[str] = None, batch_size: Optional[int] = None) -> Dict[str, Any]:
        """``bridge.import_gnucash``: a GnuCash SQLite book (read-only) brought
        in as history: customers as accounts, posted invoices and credit
        notes, payments allocated to the invoices whose lots they settled,
        offsets.  With ``batch_size`` the import commits at most that many
        records per call and this loops until the book is done (each call
        passes over the whole book; the summary counts each record once).
        Returns ``{"path", "source", "as_of", "dry_run", "done", "counts":
        {kind: {"created", "replayed", "updated", "skipped", "errors"}},
        "skipped", "warnings", "error_count", "errors"}``; a second import
        replays everything."""
        args: Dict[str, Any] = {"path": os.fspath(path)}
        if as_of is not None:
            args["as_of"] = str(as_of)
        if dry_run:
            args["dry_run"] = True
        if source is not None:
            args["source"] = source
        if batch_size is not None:
            args["limit"] = int(batch_size)
        made: Dict[str, Dict[str, int]] = {}
        while True:
            made_before = {kind: dict(counts) for kind, counts in made.items()}
            answer = self._db.exec("bridge.import_gnucash", args)
            for kind, counts in answer.get("counts", {}).items():
                for column in ("created", "updated"):
                    made.setdefault(kind, {}).setdefault(column, 0)
                    made[kind][column] += counts.get(column, 0)
            if answer.get("done", True):
                break
        # The last call replays what the earlier ones made: each record once.
        for kind, counts in answer.get("counts", {}).items():
            earlier = made_before.get(kind, {})
            counts["replayed"] = max(0, counts.get("replayed", 0) - earlier.get("created", 0) - earlier.get("updated", 0))
            counts["created"] = made.get(kind, {}).get("created", 0)
            counts["updated"] = made.get(kind, {}).get("updated", 0)
        return answer

    def export_csv(self, kind: str, path: Any, columns: Optional[List[str]] = None) -> Dict[str, Any]:
        """``bridge.export_csv``: the records of ``kind`` written to a new
        CSV file (an existing one is ``Conflict``); returns ``{"kind",
        "path", "rows_written", "columns"}``."""
        args: Dict[str, Any] = {"kind": kind, "path": os.fspath(path)}
        if columns is not None:
            args["columns"] = list(columns)
        return self._db.exec("bridge.export_csv", args)
