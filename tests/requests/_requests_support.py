"""Helpers of the requests room's tests: program variants (the seeds' procedures), a stand-in retention room.

A module of its own (not conftest) so that test files import it by a name no other test folder uses.
"""

from __future__ import annotations

import datetime as dt

from hogo.db import unit_of_work
from hogo.policy.models import Fee, Policy, RequestProcedure, ResponseMethod
from hogo.requests.service import Requests

CREDIT_FEES = [  # the credit seed (002): 500 / 1,000 yen by handling time, answer within 10 business days
    Fee(amount_yen=500, tax="none", condition={"ja": "事務処理に要する期間が10営業日以内の場合",
                                               "en": "When processing takes 10 business days or less"}),
    Fee(amount_yen=1000, tax="none", condition={"ja": "事務処理に要する期間が10営業日を超える場合",
                                                "en": "When processing takes more than 10 business days"}),
]
BPO_FEES = [  # the BPO seed (004): a postal fee of no stated amount; none for a leak the company caused
    Fee(condition="郵送での開示のご請求の場合"),
    Fee(amount_yen=0, tax="none", condition="当社グループの責に帰する個人情報の漏洩等に伴う開示請求"),
]


def variant(policy: Policy, *, procedures=None, **fields) -> Policy:
    """The program with its request section changed (the rest, roles and items, as in minimal.yaml)."""
    update = dict(fields)
    if procedures is not None:
        update["procedures"] = procedures
    return policy.model_copy(update={"requests": policy.requests.model_copy(update=update)})


def credit_program(policy: Policy) -> Policy:
    procs = [p if str(p.type) != "disclosure" else RequestProcedure(type="disclosure", fees=CREDIT_FEES,
                                                                       deadline_business_days=10)
             for p in policy.requests.procedures]
    return variant(policy, procedures=procs, refusal_notice_days=10)


def bpo_program(policy: Policy) -> Policy:
    procs = [p if str(p.type) != "disclosure" else RequestProcedure(type="disclosure", fees=BPO_FEES,
                                                                       deadline_business_days=10)
             for p in policy.requests.procedures]
    procs.append(RequestProcedure(type="my_number_held", deadline_business_days=10))
    return variant(policy, procedures=procs, payment_deadline_days=7, response_methods=[ResponseMethod.mail, ResponseMethod.electronic])


class FakeRetention:
    """Stands in for the retention room: items kept under a statutory duty, with the reason."""

    def __init__(self, kept: dict[str, str] | None = None):
        self.kept = dict(kept or {})
        self.calls: list[tuple] = []

    def retained_items(self, session, subject_id, on):
        self.calls.append((session, subject_id, on))
        return dict(self.kept)


def make_requests(h, policy: Policy | None = None, retention=None) -> Requests:
    return Requests(policy or h.policy, h.sessions, h.vault, h.access, h.consents, h.provision,
                    retention=retention, read_sessions=h.read_sessions)


def customer(h, values: dict[str, str] | None = None, actor: str | None = None) -> str:
    with unit_of_work(h.sessions) as s:
        sid = h.vault.create_subject(s, "customer").id
        if values:
            h.vault.put(s, sid, values, purpose_id="credit_screening", actor_id=actor)
    return sid


PHOTO = [{"kind": "運転免許証"}]
D = dt.date
