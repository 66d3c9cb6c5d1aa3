"""An erasure decision reaches the program's external databases (``connectors:``), on SQLite and PostgreSQL.

The external database here is a SQLite file of the company's CRM. Whole-person erasure empties it except the
retained items; an erasure of named items touches only those columns; a failing external database leaves
the decision unrecorded and the vault untouched (audited); suspension does not reach external databases.
"""

from __future__ import annotations

import datetime as dt

import pytest
from _requests_support import PHOTO, FakeRetention, make_requests
from sqlalchemy import create_engine, select, text

from hogo.access.models import AuditEntry
from hogo.db import unit_of_work
from hogo.vault.service import VaultError

D = dt.date
KEPT = "loan_ledger / 貸金業法第19条"


@pytest.fixture
def crm(tmp_path):
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    engine = create_engine(url)
    with engine.begin() as db:
        db.execute(text("CREATE TABLE customers (customer_no TEXT PRIMARY KEY, full_name TEXT, tel TEXT, "
                        "pay TEXT, branch TEXT)"))
        db.execute(text("INSERT INTO customers VALUES ('C-001', '山田 太郎', '090-1234-5678', '遅延なし', '新宿'), "
                        "('C-002', '佐藤 花子', '080-0000-1111', '遅延なし', '渋谷')"))
    yield url, engine
    engine.dispose()


def program(h, url):
    conn = {"id": "crm", "name": "顧客管理システム", "url": url, "tables": [
        {"table": "customers", "subject_key": "customer_no", "key_item": "external_ref",
         "columns": {"full_name": "name", "tel": "phone", "pay": "payment_history"}, "on_erasure": "delete_row"}]}
    data = h.policy.model_dump(mode="json", by_alias=True)
    data["connectors"] = [conn]
    return type(h.policy).model_validate(data)


def person(h, values):
    with unit_of_work(h.sessions) as s:
        sid = h.vault.create_subject(s, "customer", external_ref="C-001").id
        h.vault.put(s, sid, values, purpose_id="credit_screening")
    return sid


def in_review(reqs, officer, sid, rtype, **kwargs):
    r = reqs.intake(officer, sid, rtype, received_on=D(2026, 6, 1), **kwargs)
    r, _ = reqs.verify_identity(officer, r.id, PHOTO, on=D(2026, 6, 1))
    assert r.state == "in_review"
    return r


def row(engine, customer_no="C-001"):
    with engine.connect() as db:
        found = db.execute(text("SELECT full_name, tel, pay, branch FROM customers WHERE customer_no = :c"),
                           {"c": customer_no}).one_or_none()
    return tuple(found) if found is not None else None


VALUES = {"name": "山田 太郎", "phone": "090-1234-5678", "payment_history": "遅延なし"}


def test_whole_erasure_deletes_the_external_row_when_nothing_is_kept(h, officer, crm):
    url, engine = crm
    reqs = make_requests(h, program(h, url))
    sid = person(h, VALUES)
    r = reqs.decide(officer, in_review(reqs, officer, sid, "erasure").id, "full", decided_on=D(2026, 6, 3))
    assert r.outcome == "full" and r.answer["shredded"] is True
    assert r.answer["external"] == [{"source": "crm:customers", "action": "delete_row", "rows": 1,
                                     "nulled_columns": [], "kept_columns": []}]
    assert r.answer["kept"] == [] and r.answer["external_rows_deleted"] == 1
    assert row(engine) is None and row(engine, "C-002") == ("佐藤 花子", "080-0000-1111", "遅延なし", "渋谷")


def test_retained_item_stays_in_both_places_and_is_named_with_where(h, officer, crm):
    url, engine = crm
    reqs = make_requests(h, program(h, url), retention=FakeRetention({"payment_history": KEPT}))
    sid = person(h, VALUES)
    r = reqs.decide(officer, in_review(reqs, officer, sid, "erasure").id, "full", decided_on=D(2026, 6, 3))
    assert r.outcome == "partial" and r.retained == {"payment_history": KEPT}
    assert [(x["action"], x["rows"], x["nulled_columns"]) for x in r.answer["external"]] == [
        ("null_columns", 1, ["full_name", "tel"])]
    assert r.answer["kept"] == [{"item": "payment_history", "where": "vault.records", "basis": KEPT},
                                {"item": "payment_history", "where": "crm:customers", "basis": KEPT}]
    assert row(engine) == (None, None, "遅延なし", "新宿")


def test_erasure_of_named_items_touches_only_their_columns(h, officer, crm):
    url, engine = crm
    reqs = make_requests(h, program(h, url))
    sid = person(h, VALUES)
    r = reqs.decide(officer, in_review(reqs, officer, sid, "erasure", items=["phone"]).id, "full",
                    decided_on=D(2026, 6, 3))
    assert r.answer["erased"] == ["phone"]
    assert [(x["action"], x["nulled_columns"]) for x in r.answer["external"]] == [("null_columns", ["tel"])]
    assert row(engine) == ("山田 太郎", None, "遅延なし", "新宿")  # the row stays: only the phone was asked


def test_a_failing_external_database_records_no_decision_and_changes_nothing(h, officer, crm):
    url, engine = crm
    with engine.begin() as db:
        db.execute(text("ALTER TABLE customers RENAME TO customers_old"))  # the declared table is gone
    reqs = make_requests(h, program(h, url))
    sid = person(h, VALUES)
    r = in_review(reqs, officer, sid, "erasure")
    with pytest.raises(VaultError) as err:
        reqs.decide(officer, r.id, "full", decided_on=D(2026, 6, 3))
    assert (err.value.field, err.value.rule) == ("connectors.crm", "CONN-ERASE")
    assert "山田" not in str(err.value) and "C-001" not in str(err.value)
    view = reqs.show(r.id)
    assert view.state == "in_review" and view.outcome is None and view.answer == {}
    with h.read_sessions() as s:
        assert sorted(x.item_id for x in h.vault.current(s, sid, list(VALUES))) == sorted(VALUES)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "connectors.erase")).one()
    assert (entry.allowed, entry.reasons, entry.detail["request_id"]) == (False, ["CONN-ERASE"], r.id)
    assert h.audit_verify().ok
    with engine.begin() as db:  # the database is back: deciding again is safe and completes
        db.execute(text("ALTER TABLE customers_old RENAME TO customers"))
    done = reqs.decide(officer, r.id, "full", decided_on=D(2026, 6, 4))
    assert done.state == "decided" and done.answer["external_rows_deleted"] == 1 and row(engine) is None


def test_suspension_does_not_reach_external_databases(h, officer, crm):
    url, engine = crm
    reqs = make_requests(h, program(h, url))
    sid = person(h, VALUES)
    r = reqs.decide(officer, in_review(reqs, officer, sid, "suspension", purposes=["credit_screening"]).id,
                    "full", decided_on=D(2026, 6, 3))
    assert "external" not in r.answer and row(engine) == ("山田 太郎", "090-1234-5678", "遅延なし", "新宿")
