"""The consent tests' program (imported as a top-level module, like tests/api/_api_support)."""

from __future__ import annotations

import datetime as dt

from _support import MINIMAL

from hogo import clock
from hogo.policy.loader import load
from hogo.policy.models import Children, ConsentDocument, ConsentVersion, Item, Purpose, Role

SENSITIVE_ITEMS = ["medical_history", "union_membership", "domicile", "religion"]


def program(children: bool = True):
    base = load(MINIMAL).policy
    items = [
        *base.items,
        Item(id="birth_date", name="生年月日", category="identifying", format="date", subject_types=["customer"]),
        Item(id="medical_history", name="病歴", category="special_care", subject_types=["customer"]),
        Item(id="union_membership", name="労働組合への加盟", category="highly_sensitive", subject_types=["customer"],
             necessity="団体保険の加入資格の確認に必要"),
        Item(id="domicile", name="本籍地", category="highly_sensitive", subject_types=["customer"]),
        Item(id="religion", name="信条", category="special_care", subject_types=["customer"], collected=False),
    ]
    purposes = [
        *base.purposes,
        Purpose(id="membership", text="会員管理のため", subject_types=["customer"], items=["name", "birth_date"]),
        Purpose(id="customer_support", text="お問合せ対応のため", subject_types=["customer"],
                items=["name", *SENSITIVE_ITEMS]),
        Purpose(id="insurance_claims", text="保険金請求手続のため", subject_types=["customer"],
                items=["name", "medical_history"], consent_required=True),
        Purpose(id="accident_response", text="事故発生時の救護のため", subject_types=["customer"],
                items=["name", "medical_history"], special_care_ground="life_body_property"),
        Purpose(id="newsletter", text="メールマガジン配信のため", subject_types=["customer"], items=["name"],
                consent_required=True, direct_marketing=True),
    ]
    documents = [
        ConsentDocument(id="application_consent", title="個人情報の取扱いに関する同意条項",
                        versions=[ConsentVersion(version="1.0", effective_from=dt.date(2026, 1, 1)),
                                  ConsentVersion(version="2.0", effective_from=dt.date(2026, 6, 1))],
                        purposes=["credit_screening"], provisions=["cic"], explicit_written=True),
        ConsentDocument(id="health_consent", title="健康情報の取扱いに関する同意書",
                        versions=[ConsentVersion(version="1.0", effective_from=dt.date(2026, 1, 1))],
                        purposes=["insurance_claims"], items=["medical_history", "union_membership", "domicile"],
                        explicit_written=True),
        ConsentDocument(id="union_web", title="Web同意（労働組合）",
                        versions=[ConsentVersion(version="1.0", effective_from=dt.date(2026, 1, 1))],
                        items=["union_membership"]),
        ConsentDocument(id="newsletter_consent", title="メールマガジン配信への同意",
                        versions=[ConsentVersion(version="1.0", effective_from=dt.date(2026, 1, 1))],
                        purposes=["newsletter"]),
    ]
    roles = [
        Role(id="screening_staff", name="審査担当者",
             purposes=["credit_screening", "membership", "customer_support", "insurance_claims", "accident_response"],
             categories=["identifying", "credit", "special_care", "highly_sensitive"]),
        Role(id="marketing_staff", name="営業企画担当者", purposes=["marketing", "newsletter"],
             categories=["identifying"]),
        Role(id="privacy_officer", name="個人情報管理責任者", purposes=[], categories=[]),
    ]
    return base.model_copy(update={
        "items": items, "purposes": purposes, "consent_documents": documents, "roles": roles,
        "children": Children(guardian_consent_below_age=16) if children else None})


def born_years_ago(years: int, extra_days: int = 30) -> str:
    today = clock.today()
    try:
        birth = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birth = today.replace(year=today.year - years, day=28)
    return (birth - dt.timedelta(days=extra_days)).isoformat()
