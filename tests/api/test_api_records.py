"""The new-user story and the data endpoints: subjects, engagements, records, search — and their errors."""

from __future__ import annotations

import pytest
from _api_support import MY_NUMBER, PHONE, PHONE_FULL_WIDTH, error_of
from sqlalchemy import func, select, text

from hogo.access.models import AuditEntry
from hogo.law.reasons import reason
from hogo.vault.models import Engagement

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def entry(h, seq: int) -> AuditEntry:
    with h.sessions() as s:
        return s.get(AuditEntry, seq)


def counts(h) -> dict[str, int]:
    with h.sessions() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}"))
                for t in ("subjects", "records", "engagements", "audit_entries")}


# --- the new-user story -----------------------------------------------------------------------------------

def test_new_user_reads_for_an_allowed_purpose_and_is_refused_for_another(h, client, staff, customer):
    # a token created with the service reads a subject for a purpose its role has …
    r = client.get(f"/v1/subjects/{customer}/records", headers=staff["screening"].headers,
                   params={"purpose": "credit_screening", "items": "name,phone,income"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["subject_id"] == customer and body["purpose"] == "credit_screening"
    assert body["values"] == {"name": "山田 太郎", "phone": PHONE, "income": "6000000"}
    assert body["withheld"] == {}
    read = entry(h, body["audit_seq"])
    assert (read.action, read.allowed, read.actor_id) == ("read", True, staff["screening"].id)

    # … and is refused, with the reason code and the article, for a purpose its role does not have
    r = client.get(f"/v1/subjects/{customer}/records", headers=staff["hr"].headers,
                   params={"purpose": "credit_screening"})
    error = error_of(r, 403)
    expected = reason("ACC-ROLE-PURPOSE")
    assert (error["code"], error["article"], error["message_en"]) == ("ACC-ROLE-PURPOSE", expected.article,
                                                                      expected.en)
    assert error["reasons"] == [{"code": "ACC-ROLE-PURPOSE", "article": expected.article,
                                 "article_ja": expected.article_ja, "message_ja": expected.ja,
                                 "message_en": expected.en}]
    refusal = entry(h, error["audit_seq"])
    assert (refusal.action, refusal.allowed, refusal.actor_id, refusal.reasons) == \
        ("read", False, staff["hr"].id, ["ACC-ROLE-PURPOSE"])
    assert "山田" not in r.text and PHONE not in r.text


def test_items_default_to_every_item_the_purpose_covers(client, staff, customer):
    r = client.get(f"/v1/subjects/{customer}/records", headers=staff["screening"].headers,
                   params={"purpose": "credit_screening"})
    assert r.status_code == 200
    # address and payment_history are covered too, but have no value yet
    assert r.json()["values"] == {"name": "山田 太郎", "phone": PHONE, "income": "6000000"}
    # repeated parameters work as well as a comma list
    r = client.get(f"/v1/subjects/{customer}/records?purpose=credit_screening&items=name&items=phone",
                   headers=staff["screening"].headers)
    assert r.json()["values"] == {"name": "山田 太郎", "phone": PHONE}


def test_write_then_read_round_trip_keeps_history(h, client, staff, customer):
    s = staff["screening"]
    r = client.put(f"/v1/subjects/{customer}/records", headers=s.headers,
                   json={"purpose": "credit_screening", "values": {"phone": "080-9999-0000", "address": "東京都港区1-1"},
                         "source": "direct", "channel": "web", "consent_ref": "application_consent"})
    assert r.status_code == 200, r.text
    written = r.json()
    assert written["subject_id"] == customer and set(written["record_ids"]) == {"phone", "address"}
    w = entry(h, written["audit_seq"])
    assert (w.action, w.allowed, w.items, w.detail) == ("write", True, ["phone", "address"],
                                                        {"source": "direct", "channel": "web"})
    r = client.get(f"/v1/subjects/{customer}/records", headers=s.headers,
                   params={"purpose": "credit_screening", "items": "phone,address"})
    assert r.json()["values"] == {"phone": "080-9999-0000", "address": "東京都港区1-1"}
    with h.sessions() as session:
        assert len(h.vault.history(session, customer, "phone")) == 2


def test_withheld_items_are_explained(client, staff, customer):
    r = client.get(f"/v1/subjects/{customer}/records", headers=staff["marketing"].headers,
                   params={"purpose": "marketing", "items": "name,phone,income"})
    assert r.status_code == 200
    body = r.json()
    assert body["values"] == {"name": "山田 太郎"}
    outside = reason("APPI-18-1")
    explained = {"code": "APPI-18-1", "article": outside.article, "article_ja": outside.article_ja,
                 "message_ja": outside.ja, "message_en": outside.en}
    assert body["withheld"] == {"phone": [explained], "income": [explained]}


def test_a_refused_write_names_the_withheld_items_and_stores_nothing(h, client, staff, customer):
    before = counts(h)
    r = client.put(f"/v1/subjects/{customer}/records", headers=staff["marketing"].headers,
                   json={"purpose": "marketing", "values": {"name": "別人", "income": "1"}})
    error = error_of(r, 403)
    assert error["code"] == "APPI-18-1"
    assert list(error["withheld"]) == ["income"] and error["withheld"]["income"][0]["code"] == "APPI-18-1"
    after = counts(h)
    assert after["records"] == before["records"] and after["audit_entries"] == before["audit_entries"] + 1


def test_my_number_under_its_own_purpose_only(client, staff):
    hr = staff["hr"]
    emp = client.post("/v1/subjects", headers=hr.headers, json={"subject_type": "employee", "purpose": "withholding"})
    emp_id = emp.json()["id"]
    r = client.put(f"/v1/subjects/{emp_id}/records", headers=hr.headers,
                   json={"purpose": "withholding", "values": {"name": "佐藤 花子", "my_number": MY_NUMBER}})
    assert r.status_code == 200
    r = client.post("/v1/search", headers=hr.headers,
                    json={"item": "my_number", "value": "1234 5678 9018", "purpose": "withholding"})
    assert r.json() == {"subjects": [emp_id]}
    r = client.post("/v1/search", headers=staff["marketing"].headers,
                    json={"item": "my_number", "value": MY_NUMBER, "purpose": "marketing"})
    assert error_of(r, 403)["code"] == "MNA-9"


# --- search -----------------------------------------------------------------------------------------------

def test_search_by_full_width_phone(h, client, staff, customer):
    r = client.post("/v1/search", headers=staff["screening"].headers,
                    json={"item": "phone", "value": PHONE_FULL_WIDTH, "purpose": "credit_screening"})
    assert r.status_code == 200, r.text
    assert r.json() == {"subjects": [customer]}
    with h.sessions() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.items, last.detail) == ("search", ["phone"], {"matches": 1, "filtered": 0})


def test_search_errors_name_the_field_not_the_value(client, staff, customer):
    s = staff["screening"]
    r = client.post("/v1/search", headers=s.headers, json={"item": "phone", "value": "0901", "purpose": "credit_screening"})
    error = error_of(r, 422)
    assert (error["code"], error["field"], error["rule"]) == ("VAULT-PHONE", "value", "VAULT-PHONE")
    assert "0901" not in r.text
    r = client.post("/v1/search", headers=s.headers, json={"item": "income", "value": "1", "purpose": "credit_screening"})
    assert (error_of(r, 422)["code"], r.json()["error"]["field"]) == ("VAULT-NOT-INDEXED", "item")
    r = client.post("/v1/search", headers=staff["hr"].headers,
                    json={"item": "phone", "value": PHONE, "purpose": "credit_screening"})
    assert error_of(r, 403)["code"] == "ACC-ROLE-PURPOSE"
    assert client.get("/v1/search", headers=s.headers).status_code == 405


# --- subjects and engagements -----------------------------------------------------------------------------

def test_subject_creation_errors(h, client, staff, customer):
    s = staff["screening"]
    r = client.post("/v1/subjects", headers=s.headers,
                    json={"subject_type": "customer", "purpose": "credit_screening", "external_ref": "C-1"})
    error = error_of(r, 409)
    assert (error["code"], error["field"]) == ("VAULT-DUPLICATE", "external_ref")
    # no such subject type: the purpose is not declared for it (refused and audited before the vault is asked)
    r = client.post("/v1/subjects", headers=s.headers, json={"subject_type": "alien", "purpose": "credit_screening"})
    assert error_of(r, 403)["code"] == "ACC-SUBJECT-TYPE"
    r = client.post("/v1/subjects", headers=staff["marketing"].headers,
                    json={"subject_type": "customer", "purpose": "credit_screening"})
    assert error_of(r, 403)["code"] == "ACC-ROLE-PURPOSE"


def test_engagement_is_a_use_for_a_purpose(h, client, staff, customer):
    s = staff["screening"]
    before = counts(h)
    r = client.post(f"/v1/subjects/{customer}/engagements", headers=s.headers,
                    json={"purpose": "credit_screening", "kind": "contract", "role": "contractor",
                          "start_date": "令和8年4月1日", "end_date": "2031/3/31", "reference": "L-0001"})
    assert r.status_code == 201, r.text
    with h.sessions() as session:
        eng = session.get(Engagement, r.json()["id"])
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (eng.subject_id, eng.kind, eng.start_date.isoformat(), eng.end_date.isoformat()) == \
        (customer, "contract", "2026-04-01", "2031-03-31")
    assert (last.action, last.allowed, last.purpose_id, last.detail["engagement_id"]) == \
        ("engagement.create", True, "credit_screening", eng.id)
    assert counts(h)["engagements"] == before["engagements"] + 1

    # a role without the purpose is refused and the refusal audited; nothing is stored
    r = client.post(f"/v1/subjects/{customer}/engagements", headers=staff["marketing"].headers,
                    json={"purpose": "credit_screening", "kind": "contract", "role": "contractor",
                          "start_date": "2026-04-01"})
    error = error_of(r, 403)
    assert error["code"] == "ACC-ROLE-PURPOSE"
    assert entry(h, error["audit_seq"]).action == "engagement.create"
    # bad dates: the field and the rule, nothing stored, nothing audited
    mid = counts(h)
    r = client.post(f"/v1/subjects/{customer}/engagements", headers=s.headers,
                    json={"purpose": "credit_screening", "kind": "contract", "role": "contractor",
                          "start_date": "2026-04-01", "end_date": "2026-03-31"})
    assert (error_of(r, 422)["code"], r.json()["error"]["field"]) == ("VAULT-DATES", "end_date")
    r = client.post(f"/v1/subjects/{customer}/engagements", headers=s.headers,
                    json={"purpose": "credit_screening", "kind": "contract", "role": "contractor",
                          "start_date": "令和99年13月1日"})
    error = error_of(r, 422)
    assert (error["code"], error["field"], error["rule"]) == ("API-INVALID", "start_date", "date_format")
    assert "令和99年" not in r.text
    assert counts(h) == mid


# --- not found, gone, validation --------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["read", "write", "engagement"])
def test_unknown_subject_is_404(h, client, staff, call):
    s = staff["screening"]
    before = counts(h)
    if call == "read":
        r = client.get(f"/v1/subjects/{UNKNOWN}/records", headers=s.headers, params={"purpose": "credit_screening"})
    elif call == "write":
        r = client.put(f"/v1/subjects/{UNKNOWN}/records", headers=s.headers,
                       json={"purpose": "credit_screening", "values": {"name": "x"}})
    else:
        r = client.post(f"/v1/subjects/{UNKNOWN}/engagements", headers=s.headers,
                        json={"purpose": "credit_screening", "kind": "contract", "role": "contractor",
                              "start_date": "2026-04-01"})
    error = error_of(r, 404)
    assert (error["code"], error["field"]) == ("VAULT-SUBJECT", "subject_id")
    assert counts(h) == before


def test_unknown_route_is_404_in_the_same_shape(client, staff):
    assert error_of(client.get("/v1/nothing", headers=staff["screening"].headers), 404)["code"] == "API-NOT-FOUND"


def test_shredded_subject_is_410_gone(h, client, staff, customer):
    s = staff["screening"]
    h.access.shred(s.id, customer)
    r = client.get(f"/v1/subjects/{customer}/records", headers=s.headers, params={"purpose": "credit_screening"})
    error = error_of(r, 410)
    assert error["code"] == "ACC-SHREDDED" and error["article"] == reason("ACC-SHREDDED").article
    assert entry(h, error["audit_seq"]).reasons == ["ACC-SHREDDED"]
    r = client.put(f"/v1/subjects/{customer}/records", headers=s.headers,
                   json={"purpose": "credit_screening", "values": {"name": "x"}})
    assert error_of(r, 410)["code"] == "ACC-SHREDDED"
    r = client.post("/v1/search", headers=s.headers, json={"item": "phone", "value": PHONE, "purpose": "credit_screening"})
    assert r.json() == {"subjects": []}


@pytest.mark.parametrize(
    ("request_kwargs", "field", "rule"),
    [
        ({"method": "PUT", "json": {"values": {"name": "x"}}}, "purpose", "missing"),
        ({"method": "PUT", "json": {"purpose": "credit_screening", "values": {"phone": 9012345678}}},
         "values.phone", "string_type"),
        ({"method": "PUT", "json": {"purpose": "credit_screening", "values": {}}}, "values", "too_short"),
        ({"method": "PUT", "json": {"purpose": "credit_screening", "values": {"name": "x"}, "purpose_id": "x"}},
         "purpose_id", "extra_forbidden"),
        ({"method": "PUT", "json": {"purpose": "090-1234-5678", "values": {"name": "x"}}},
         "purpose", "string_pattern_mismatch"),
        ({"method": "PUT", "json": {"purpose": "credit_screening", "values": {"name": "x"}, "channel": "fax"}},
         "channel", "enum"),
        ({"method": "PUT", "content": b"{oops", "headers": {"Content-Type": "application/json"}}, "body",
         "json_invalid"),
        ({"method": "GET", "params": {}}, "purpose", "missing"),
        ({"method": "GET", "params": {"purpose": "credit_screening", "items": "name,090-1234-5678"}}, "items",
         "VAULT-ITEM"),
        ({"method": "GET", "params": {"purpose": "credit_screening", "items": ","}}, "items", "too_short"),
    ],
)
def test_validation_errors_name_the_field_and_rule_never_the_value(h, client, staff, customer, request_kwargs,
                                                                   field, rule):
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method")
    headers = {**staff["screening"].headers, **kwargs.pop("headers", {})}
    before = counts(h)
    r = client.request(method, f"/v1/subjects/{customer}/records", headers=headers, **kwargs)
    error = error_of(r, 422)
    assert (error["field"], error["rule"]) == (field, rule)
    assert error["code"] in ("API-INVALID", "VAULT-ITEM")
    assert "input" not in r.text and "9012345678" not in r.text and "090-1234-5678" not in r.text
    if error["code"] == "API-INVALID":
        assert error["errors"][0] == {"field": field, "rule": rule, "message_ja": error["message_ja"],
                                      "message_en": error["message_en"]}
    assert counts(h) == before


def test_a_value_typed_where_an_item_name_belongs_is_not_echoed(client, staff, customer):
    r = client.put(f"/v1/subjects/{customer}/records", headers=staff["screening"].headers,
                   json={"purpose": "credit_screening", "values": {"090-1234-5678": "x"}})
    error = error_of(r, 422)
    assert (error["code"], error["field"]) == ("VAULT-ITEM", "values.*")
    assert "090-1234-5678" not in r.text


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [({"phone": "12"}, "values.phone", "VAULT-PHONE"), ({"name": "  "}, "values.name", "VAULT-EMPTY")],
)
def test_bad_values_name_field_and_rule(h, client, staff, customer, values, field, code):
    before = counts(h)
    r = client.put(f"/v1/subjects/{customer}/records", headers=staff["screening"].headers,
                   json={"purpose": "credit_screening", "values": values})
    error = error_of(r, 422)
    assert (error["code"], error["field"], error["rule"]) == (code, field, code)
    assert counts(h) == before


def test_bad_my_number_cites_the_ordinance(h, client, staff):
    hr = staff["hr"]
    emp_id = client.post("/v1/subjects", headers=hr.headers,
                         json={"subject_type": "employee", "purpose": "withholding"}).json()["id"]
    with h.sessions() as s:
        records = s.scalar(select(func.count()).select_from(text("records")))
    r = client.put(f"/v1/subjects/{emp_id}/records", headers=hr.headers,
                   json={"purpose": "withholding", "values": {"my_number": "123456789012"}})
    error = error_of(r, 422)
    assert (error["code"], error["field"]) == ("MNA-CHECKDIGIT", "values.my_number")
    assert error["article"] == reason("MNA-CHECKDIGIT").article
    assert "123456789012" not in r.text
    with h.sessions() as s:
        assert s.scalar(select(func.count()).select_from(text("records"))) == records
