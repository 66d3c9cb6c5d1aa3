"""Demo data: realistic, valid, readable by the demo actors, reproducible, and written through the importer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hogo.access.models import Actor, AuditEntry
from hogo.demo import DEMO_CONSENT_REF, demo_value_kinds, seed_demo
from hogo.law.mynumber import check_my_number
from hogo.policy.loader import load
from hogo.policy.models import Item
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing
from hogo.vault.models import Record, Subject

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


def open_sqlite(tmp_path, policy=MINIMAL, name="demo.db"):
    return open_hogo(policy, f"sqlite:///{tmp_path / name}", keyring=KeyRing.generate())


@pytest.fixture
def h(tmp_path):
    hogo = open_sqlite(tmp_path)
    yield hogo
    hogo.close()


def test_seed_demo_values_are_readable_by_the_demo_actors(h):
    report = seed_demo(h, n=200)
    assert set(report.actors) == {"demo_screening_staff", "demo_hr_staff", "demo_marketing_staff"}
    assert report.subjects == 200
    by_type = {i.subject_type: i for i in report.imports}
    assert by_type["customer"].items == ("name", "address", "phone", "income", "payment_history")
    assert by_type["customer"].purpose_id == "credit_screening"
    assert by_type["employee"].items == ("name", "address", "my_number")
    assert by_type["customer"].subjects + by_type["employee"].subjects == 200
    assert report.records == sum(i.records for i in report.imports) > 200

    readable = {(a.actor_name, a.purpose_id, a.subject_type): a for a in report.readable}
    assert set(readable) == {("demo_marketing_staff", "marketing", "customer"),
                             ("demo_hr_staff", "withholding", "employee")}
    for access in report.readable:
        result = h.access.read(access.actor_id, report.sample_subjects[access.subject_type], list(access.items),
                               purpose_id=access.purpose_id)
        assert set(result.values) == set(access.items) and all(v.strip() for v in result.values.values())

    hr = readable[("demo_hr_staff", "withholding", "employee")]
    with h.sessions() as s:
        employees = list(s.scalars(select(Subject.id).where(Subject.subject_type == "employee")))
    for sid in employees:
        values = h.access.read(hr.actor_id, sid, ["name", "my_number"], purpose_id="withholding").values
        assert check_my_number(values["my_number"]).valid
        assert " " in values["name"]  # family name, space, given name

    with h.sessions() as s:
        consent_refs = set(s.scalars(select(Record.consent_ref).where(Record.purpose_id == "credit_screening")))
        imports = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import"))
    assert consent_refs == {DEMO_CONSENT_REF} and imports == 2
    assert h.audit_verify().ok


def test_seeding_is_reproducible_and_idempotent(tmp_path):
    first, second = open_sqlite(tmp_path, name="a.db"), open_sqlite(tmp_path, name="b.db")
    try:
        values = []
        for hogo in (first, second):
            report = seed_demo(hogo, n=30, seed=7)
            access = next(a for a in report.readable if a.subject_type == "customer")
            values.append(hogo.access.read(access.actor_id, report.sample_subjects["customer"], list(access.items),
                                           purpose_id=access.purpose_id).values)
        assert values[0] == values[1]
        again = seed_demo(first, n=30, seed=7)
        assert again.subjects == 0 and set(again.actors) == set(report.actors)  # actors reused, rows duplicates
        with first.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Subject)) == 30
            assert s.scalar(select(func.count()).select_from(Actor)) == 3
    finally:
        first.close()
        second.close()


def test_a_given_actor_imports_only_what_its_role_may(h):
    hr = h.access.create_actor("jinji", "hr_staff").id
    report = seed_demo(h, n=20, actor_id=hr)
    assert report.actors == {"jinji": hr}
    assert [(i.subject_type, i.purpose_id) for i in report.imports] == [("employee", "withholding")]
    assert report.subjects == 20


def test_items_are_filled_by_format_and_id():
    policy = load(MINIMAL).policy
    extra = [
        Item(id="name_kana", name="フリガナ", category="identifying", format="kana"),
        Item(id="email", name="メール", category="identifying", format="email"),
        Item(id="birth_date", name="生年月日", category="identifying", format="date"),
        Item(id="mobile_phone", name="携帯", category="identifying"),
        Item(id="postal_code", name="郵便番号", category="identifying", format="postal_code"),
        Item(id="card_number", name="カード番号", category="identifying", format="card_number"),
        Item(id="vehicle_storage_location", name="保管場所", category="attribute"),
        Item(id="medical_history", name="既往歴", category="special_care"),
    ]
    kinds = demo_value_kinds(policy.model_copy(update={"items": [*policy.items, *extra]}))
    assert kinds == {"name": "name", "address": "address", "phone": "phone", "income": "income",
                     "payment_history": "payment", "my_number": "my_number", "name_kana": "kana", "email": "email",
                     "birth_date": "birth_date", "mobile_phone": "mobile", "postal_code": "postal_code",
                     "card_number": "card_number", "vehicle_storage_location": None, "medical_history": None}


def test_every_kind_of_value_passes_its_check(tmp_path):
    base = load(MINIMAL).policy
    extra = [
        Item(id="name_kana", name="フリガナ", category="identifying", format="kana", subject_types=["customer"]),
        Item(id="email", name="メール", category="identifying", format="email", subject_types=["customer"]),
        Item(id="birth_date", name="生年月日", category="identifying", format="date", subject_types=["customer"]),
        Item(id="postal_code", name="郵便番号", category="identifying", format="postal_code",
             subject_types=["customer"]),
        Item(id="card_number", name="カード番号", category="identifying", format="card_number",
             subject_types=["customer"]),
    ]
    purposes = [p.model_copy(update={"items": [*p.items, *(i.id for i in extra)]}) if p.id == "marketing" else p
                for p in base.purposes]
    policy = base.model_copy(update={"items": [*base.items, *extra], "purposes": purposes})
    hogo = open_sqlite(tmp_path, policy)
    try:
        report = seed_demo(hogo, n=60)
        customer = next(i for i in report.imports if i.subject_type == "customer")
        assert customer.purpose_id == "marketing"  # 7 fillable items beat credit screening's 5
        assert {"name_kana", "email", "birth_date", "postal_code", "card_number"} <= set(customer.items)
        assert customer.subjects == 57 and customer.records == 57 * len(customer.items)  # nothing rejected
        access = next(a for a in report.readable if a.purpose_id == "marketing")
        values = hogo.access.read(access.actor_id, report.sample_subjects["customer"], ["name", "name_kana", "email"],
                                  purpose_id="marketing").values
        assert all("\u30a0" <= c <= "\u30ff" or c == " " for c in values["name_kana"])
        assert values["email"].endswith((".com", ".net", ".org")) and "@example." in values["email"]
    finally:
        hogo.close()


def test_a_policy_without_roles_is_explained(tmp_path):
    policy = load(MINIMAL).policy.model_copy(update={"roles": []})
    hogo = open_sqlite(tmp_path, policy)
    try:
        with pytest.raises(ValueError, match="no roles"):
            seed_demo(hogo, n=5)
    finally:
        hogo.close()
