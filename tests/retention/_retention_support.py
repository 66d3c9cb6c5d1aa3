"""The retention test program: the minimal lender plus rules for every event form the engine reads."""

from __future__ import annotations

import datetime as dt

from _support import MINIMAL
from sqlalchemy import update

from hogo.policy.loader import load
from hogo.policy.models import Item, Period, RetentionRule
from hogo.vault.models import Record

YAML_RULES = {
    # credit seed §11(3) but deliberately shorter than the bureau (3 < 5 years): the floor must win.
    "credit_records": dict(categories=["credit"], period=Period(years=3, from_event="contract_end"),
                           floor={"bureau": "cic", "info_type_index": 1}),
    "customer_identity": dict(items=["name", "address", "phone"], subject_types=["customer"],
                              period=Period(years=5, from_event="contract_end")),
    # overlaps customer_identity on phone: a phone number goes only when both are due.
    "phone_recent": dict(items=["phone"], period=Period(months=6, from_event="acquisition")),
    # statutory period written too short (5 y): the law core's 7 years (TAX-76-3) must still hold.
    "employee_my_number": dict(items=["my_number"], period=Period(years=5, from_event="filing_deadline_next_jan10"),
                               statutory_basis="所得税法施行規則第76条の3"),
    "employee_identity": dict(items=["name", "address"], subject_types=["employee"],
                              period=Period(months=3, from_event="retirement"), business_day=True),
    "marketing_preferences": dict(items=["dm_preference"], period=Period(days=30, from_event="consent_withdrawn")),
}


def program(**overrides):
    base = load(MINIMAL).policy
    items = [*base.items, Item(id="dm_preference", name="DM希望", category="attribute", subject_types=["customer"])]
    items = [i.model_copy(update={"confirm_within_months": 12}) if i.id == "income" else i for i in items]
    rules = [RetentionRule(id=rid, **kw) for rid, kw in YAML_RULES.items()]
    return base.model_copy(update={"items": items, "retention": rules, **overrides})


def backdate(session, record_ids, when: dt.datetime) -> None:
    """Pretend records were written at ``when`` (tests only: the vault always stamps now)."""
    session.execute(update(Record).where(Record.id.in_(list(record_ids)))
                    .values(created_at=when, valid_from=when))
