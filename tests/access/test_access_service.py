"""Purpose-bound access on SQLite and PostgreSQL: each rule refuses with its reason code, a refusal
changes nothing but the audit chain, and bad input changes nothing at all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _support import ConsentFor
from sqlalchemy import func, select, text, update

from hogo import clock
from hogo.access.models import Actor, AuditEntry
from hogo.access.service import AccessDenied
from hogo.sdk import open_hogo
from hogo.vault.models import Record
from hogo.vault.service import VaultError

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml"
PHONE = "090-1234-5678"
MY_NUMBER = "123456789018"


@pytest.fixture
def customer(h, staff):
    sid = h.access.create_subject(staff["screening"], "customer", purpose_id="credit_screening", external_ref="C-1")
    h.access.write(staff["screening"], sid, {"name": "山田 太郎", "phone": PHONE, "income": "6000000"},
                   purpose_id="credit_screening")
    return sid


def counts(h) -> dict[str, int]:
    with h.sessions() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}"))
                for t in ("subjects", "records", "data_keys", "suspensions", "engagements", "audit_entries")}


def test_allowed_read_returns_values_and_is_audited(h, staff, customer):
    result = h.access.read(staff["screening"], customer, ["name", "phone", "income"], purpose_id="credit_screening")
    assert result.values == {"name": "山田 太郎", "phone": PHONE, "income": "6000000"}
    assert result.withheld == {}
    with h.sessions() as s:
        entry = s.get(AuditEntry, result.audit_seq)
    assert (entry.action, entry.allowed, entry.subject_id, entry.purpose_id) == ("read", True, customer,
                                                                                 "credit_screening")
    assert h.audit_verify().ok


def _deny(call) -> AccessDenied:
    with pytest.raises(AccessDenied) as info:
        call()
    return info.value


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown_actor", "ACC-ACTOR"),
        ("inactive_actor", "ACC-ACTOR"),
        ("role_not_for_purpose", "ACC-ROLE-PURPOSE"),
        ("unknown_purpose", "APPI-18-1"),
        ("no_consent", "ACC-NO-CONSENT"),
        ("suspended", "ACC-SUSPENDED"),
        ("item_outside_purpose", "APPI-18-1"),
        ("shredded", "ACC-SHREDDED"),
        ("expired", "ACC-RETENTION"),
    ],
)
def test_each_rule_refuses_with_its_reason_and_changes_only_the_audit_chain(h, staff, customer, case, expected):
    actor, purpose, items = staff["screening"], "credit_screening", ["name", "income"]
    if case == "unknown_actor":
        actor = "00000000-0000-0000-0000-000000000000"
    elif case == "inactive_actor":
        with h.sessions() as s, s.begin():
            s.execute(update(Actor).where(Actor.id == actor).values(active=False))
    elif case == "role_not_for_purpose":
        actor = staff["hr"]
    elif case == "unknown_purpose":
        purpose = "fortune_telling"
    elif case == "no_consent":
        h.access.consent = ConsentFor()
    elif case == "suspended":
        h.access.suspend(staff["screening"], customer, "credit_screening")
    elif case == "item_outside_purpose":
        actor, purpose, items = staff["marketing"], "marketing", ["income"]
    elif case == "shredded":
        h.access.shred(staff["screening"], customer)
    elif case == "expired":
        with h.sessions() as s, s.begin():
            s.execute(update(Record).values(retain_until=clock.today() - dt.timedelta(days=1)))
    before = counts(h)
    denied = _deny(lambda: h.access.read(actor, customer, items, purpose_id=purpose))
    assert expected in denied.reasons
    after = counts(h)
    assert after["audit_entries"] == before["audit_entries"] + 1
    assert {k: v for k, v in after.items() if k != "audit_entries"} == \
        {k: v for k, v in before.items() if k != "audit_entries"}
    with h.sessions() as s:
        entry = s.get(AuditEntry, denied.audit_seq)
    assert entry.allowed is False and expected in entry.reasons
    assert h.audit_verify().ok


def test_partial_read_withholds_items_outside_the_purpose_or_role(h, staff, customer):
    result = h.access.read(staff["marketing"], customer, ["name", "phone", "income"], purpose_id="marketing")
    assert result.values == {"name": "山田 太郎"}
    assert result.withheld == {"phone": ("APPI-18-1",), "income": ("APPI-18-1",)}


def test_my_number_only_under_a_my_number_purpose(h, staff):
    hr = staff["hr"]
    emp = h.access.create_subject(hr, "employee", purpose_id="withholding")
    h.access.write(hr, emp, {"name": "佐藤 花子", "my_number": MY_NUMBER}, purpose_id="withholding")
    assert h.access.read(hr, emp, ["my_number"], purpose_id="withholding").values == {"my_number": MY_NUMBER}
    denied = _deny(lambda: h.access.write(staff["screening"], emp, {"my_number": MY_NUMBER},
                                          purpose_id="credit_screening"))
    assert "ACC-SUBJECT-TYPE" in denied.reasons
    assert h.access.search(hr, "my_number", "1234 5678 9018", purpose_id="withholding") == [emp]
    denied = _deny(lambda: h.access.search(staff["marketing"], "my_number", MY_NUMBER, purpose_id="marketing"))
    assert "MNA-9" in denied.reasons


def test_role_category_limits_items(h, staff):
    hr = staff["hr"]
    emp = h.access.create_subject(hr, "employee", purpose_id="withholding")
    # hr_staff's categories are identifying and my_number: address is identifying, so it passes
    h.access.write(hr, emp, {"address": "東京都千代田区1-1"}, purpose_id="withholding")
    roles = [r.model_copy(update={"categories": ["my_number"]}) if r.id == "hr_staff" else r for r in h.policy.roles]
    narrowed = h.policy.model_copy(update={"roles": roles})
    h.access.policy = narrowed
    result = h.access.read(hr, emp, ["address", "my_number"], purpose_id="withholding")
    assert result.withheld == {"address": ("ACC-ROLE-CATEGORY",)}


def test_search_finds_full_width_phone_and_is_audited(h, staff, customer):
    found = h.access.search(staff["screening"], "phone", "０９０１２３４５６７８", purpose_id="credit_screening")
    assert found == [customer]
    with h.sessions() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.items, last.subject_id, last.detail) == ("search", ["phone"], None, {"matches": 1, "filtered": 0})


def test_correction_keeps_history(h, staff, customer):
    h.access.write(staff["screening"], customer, {"phone": "080-9999-0000"}, purpose_id="credit_screening")
    assert h.access.read(staff["screening"], customer, ["phone"], purpose_id="credit_screening").values == \
        {"phone": "080-9999-0000"}
    with h.sessions() as s:
        history = h.vault.history(s, customer, "phone")
        assert [r.valid_to is None for r in history] == [False, True]
        assert sorted(h.vault.decrypt(s, history).values()) == ["080-9999-0000", PHONE]
    assert h.access.search(staff["screening"], "phone", PHONE, purpose_id="credit_screening") == []


@pytest.mark.parametrize(
    ("values", "field", "rule"),
    [
        ({"my_number": "123456789012"}, "values.my_number", "MNA-CHECKDIGIT"),
        ({"phone": "12"}, "values.phone", "VAULT-PHONE"),
        ({"name": "  "}, "values.name", "VAULT-EMPTY"),
        ({"name": "a", "nickname": "b"}, "values.nickname", "VAULT-ITEM"),
    ],
)
def test_bad_input_names_field_and_rule_and_changes_nothing(h, staff, customer, values, field, rule):
    before = counts(h)
    with pytest.raises(VaultError) as info:
        h.access.write(staff["screening"], customer, values, purpose_id="credit_screening")
    assert (info.value.field, info.value.rule) == (field, rule)
    assert "123456789012" not in str(info.value)
    assert counts(h) == before


def test_denied_write_stores_nothing(h, staff, customer):
    before = counts(h)
    denied = _deny(lambda: h.access.write(staff["marketing"], customer, {"name": "別人", "income": "1"},
                                          purpose_id="marketing"))
    assert denied.withheld == {"income": ("APPI-18-1",)}
    after = counts(h)
    assert after["records"] == before["records"] and after["audit_entries"] == before["audit_entries"] + 1


def test_shredded_subject_fails_closed_and_cannot_be_found(h, staff, customer):
    assert h.access.shred(staff["screening"], customer) == 1
    with h.sessions() as s:
        records = list(s.scalars(select(Record).where(Record.subject_id == customer)))
        assert records and all(r.blind_index is None for r in records)
        from hogo.vault.service import ShreddedError

        with pytest.raises(ShreddedError):
            h.vault.decrypt(s, records)
    assert h.access.search(staff["screening"], "phone", PHONE, purpose_id="credit_screening") == []


def test_master_key_rotation_keeps_every_value_readable(h, staff, customer):
    rotated = h.keyring.add_master()
    assert h.rotate_master_key(rotated) == 1
    # a fresh process that no longer holds the old master key still reads everything
    h2 = open_hogo(MINIMAL, h.engine.url.render_as_string(hide_password=False), keyring=rotated.without_master("m1"))
    h2.access.consent = ConsentFor("credit_screening")
    try:
        assert h2.access.read(staff["screening"], customer, ["name", "phone"], purpose_id="credit_screening").values \
            == {"name": "山田 太郎", "phone": PHONE}
    finally:
        h2.close()
    with h.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 3
