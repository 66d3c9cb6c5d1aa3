"""The consent room on SQLite and PostgreSQL: withdrawal stops exactly the purposes it covered, DM opt-outs
never touch credit purposes, minors need a guardian, events are insert-only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _consent_support import program
from sqlalchemy import select, text

import hogo.consent.service as service_module
from hogo.access.models import AuditEntry
from hogo.access.service import AccessDenied
from hogo.consent.models import ConsentEvent, ImmutableRowError, OptOutEvent
from hogo.consent.rules import age_on, guardian_needed, version_at
from hogo.consent.service import ConsentError


def denied(call) -> AccessDenied:
    with pytest.raises(AccessDenied) as info:
        call()
    return info.value


def test_open_hogo_wires_the_consent_room(ch):
    assert ch.access.consent is ch.consents


def test_consent_required_purpose_is_refused_until_consent_is_given(ch, cstaff, person):
    sid = person()
    assert denied(lambda: ch.access.write(cstaff["screening"], sid, {"income": "500"},
                                          purpose_id="credit_screening")).reasons == ["ACC-NO-CONSENT"]
    ev = ch.consents.give(sid, "application_consent", channel="written", evidence_ref="scan/2026/0001.pdf",
                          actor_id=cstaff["screening"])
    assert ev.version == "2.0"  # the version in effect today
    ch.access.write(cstaff["screening"], sid, {"income": "500"}, purpose_id="credit_screening")
    with ch.sessions() as s:
        state = ch.consents.state(s, sid)
        assert ch.consents.has_consent(s, sid, "credit_screening")
        assert not ch.consents.has_consent(s, sid, "insurance_claims")
    assert state.purposes == {"credit_screening"} and state.provisions == {"cic"}
    [doc] = state.documents
    assert (doc.document_id, doc.version, doc.current_version, doc.valid) == ("application_consent", "2.0", "2.0", True)


def test_withdrawal_stops_the_purposes_it_covered_and_only_those(ch, cstaff, person):
    sid = person()
    screener = cstaff["screening"]
    ch.consents.give(sid, "application_consent", channel="written", actor_id=screener)
    ch.consents.give(sid, "health_consent", channel="written", actor_id=screener)
    ch.access.write(screener, sid, {"income": "6000000"}, purpose_id="credit_screening")
    ch.access.write(screener, sid, {"medical_history": "既往歴あり"}, purpose_id="insurance_claims")

    ch.consents.withdraw(sid, "health_consent", channel="phone", evidence_ref="rec/123", actor_id=screener)

    assert denied(lambda: ch.access.read(screener, sid, ["medical_history"],
                                         purpose_id="insurance_claims")).reasons == ["ACC-NO-CONSENT"]
    assert ch.access.read(screener, sid, ["income"], purpose_id="credit_screening").values == {"income": "6000000"}
    assert ch.access.read(cstaff["marketing"], sid, ["name"], purpose_id="marketing").values == {"name": "山田 太郎"}
    with ch.sessions() as s:
        assert ch.consents.state(s, sid).purposes == {"credit_screening"}
        history = ch.consents.history(s, sid)
    assert [(e.document_id, e.event) for e in history][-1] == ("health_consent", "withdrawn")
    assert ("health_consent", "given") in [(e.document_id, e.event) for e in history]  # stays in history
    with pytest.raises(ConsentError) as info:  # nothing left to withdraw
        ch.consents.withdraw(sid, "health_consent", channel="web")
    assert info.value.rule == "CNS-NOT-GIVEN"
    # Giving again restores it.
    ch.consents.give(sid, "health_consent", channel="web", actor_id=cstaff["screening"])
    assert ch.access.read(screener, sid, ["medical_history"], purpose_id="insurance_claims").values


def test_expiry_ends_a_consent(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"])
    ch.consents.expire(sid, "application_consent")
    assert denied(lambda: ch.access.read(cstaff["screening"], sid, ["name"],
                                         purpose_id="credit_screening")).reasons == ["ACC-NO-CONSENT"]


def test_dm_opt_out_stops_marketing_and_never_touches_credit(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"])
    ch.access.write(cstaff["screening"], sid, {"income": "6000000", "phone": "090-1234-5678"},
                    purpose_id="credit_screening")
    ch.consents.opt_out(sid, "marketing", channel="phone", actor_id=cstaff["marketing"])

    refusal = denied(lambda: ch.access.read(cstaff["marketing"], sid, ["name"], purpose_id="marketing"))
    assert refusal.reasons == ["ACC-OPTED-OUT"]
    assert denied(lambda: ch.access.write(cstaff["marketing"], sid, {"name": "山田 太郎"},
                                          purpose_id="marketing")).reasons == ["ACC-OPTED-OUT"]
    # Seed 002: refusing DM never causes a credit refusal.
    assert ch.access.read(cstaff["screening"], sid, ["income"], purpose_id="credit_screening").values
    ch.access.write(cstaff["screening"], sid, {"income": "6500000"}, purpose_id="credit_screening")
    assert ch.access.search(cstaff["screening"], "phone", "09012345678", purpose_id="credit_screening") == [sid]
    with ch.sessions() as s:
        assert ch.consents.has_consent(s, sid, "credit_screening")
        assert ch.consents.state(s, sid).opted_out == {"marketing"}
    # Opting back in restores marketing.
    ch.consents.opt_in(sid, "marketing", channel="web", actor_id=cstaff["marketing"])
    assert ch.access.read(cstaff["marketing"], sid, ["name"], purpose_id="marketing").values


def test_opt_out_of_a_consent_based_dm_purpose(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "newsletter_consent", channel="web", actor_id=cstaff["marketing"])
    assert ch.access.read(cstaff["marketing"], sid, ["name"], purpose_id="newsletter").values
    ch.consents.opt_out(sid, "newsletter", channel="web")
    assert denied(lambda: ch.access.read(cstaff["marketing"], sid, ["name"],
                                         purpose_id="newsletter")).reasons == ["ACC-OPTED-OUT"]
    with ch.sessions() as s:
        assert not ch.consents.has_consent(s, sid, "newsletter")


@pytest.mark.parametrize("purpose", ["credit_screening", "customer_support", "no_such_purpose"])
def test_opt_out_only_for_direct_marketing_purposes(ch, person, purpose):
    sid = person()
    with pytest.raises(ConsentError) as info:
        ch.consents.opt_out(sid, purpose, channel="web")
    assert info.value.rule == ("VAULT-PURPOSE" if purpose == "no_such_purpose" else "CNS-NOT-DIRECT-MARKETING")
    with ch.sessions() as s:
        assert s.scalar(select(OptOutEvent.id)) is None


def test_consent_of_a_13_year_old_counts_only_with_a_guardian(ch, cstaff, person):
    child = person("C-13", age=13)
    parent = person("P-1", age=45)
    ch.consents.give(child, "application_consent", channel="written", actor_id=cstaff["screening"])
    with ch.sessions() as s:
        state = ch.consents.state(s, child)
        assert state.guardian_missing == {"application_consent"} and state.purposes == frozenset()
        assert not ch.consents.has_consent(s, child, "credit_screening")
    refusal = denied(lambda: ch.access.write(cstaff["screening"], child, {"income": "0"},
                                             purpose_id="credit_screening"))
    assert refusal.reasons == ["ACC-GUARDIAN-CONSENT"]

    ch.consents.give(child, "application_consent", channel="written", actor_id=cstaff["screening"], guardian_subject_id=parent,
                     evidence_ref="forms/guardian-0001")
    ch.access.write(cstaff["screening"], child, {"income": "0"}, purpose_id="credit_screening")
    with ch.sessions() as s:
        state = ch.consents.state(s, child)
    assert state.with_guardian == {"application_consent"} and state.guardian_missing == frozenset()


@pytest.mark.parametrize(("age", "counts"), [(15, False), (16, True), (30, True), (None, True)])
def test_guardian_age_follows_the_program(ch, cstaff, person, age, counts):
    sid = person("C-x", age=age)
    ch.consents.give(sid, "application_consent", channel="web", actor_id=cstaff["screening"])
    with ch.sessions() as s:
        assert ch.consents.has_consent(s, sid, "credit_screening") is counts


def test_guardian_must_be_another_registered_subject(ch, cstaff, person):
    child = person("C-13", age=13)
    for guardian in (child, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ConsentError) as info:
            ch.consents.give(child, "application_consent", channel="written", actor_id=cstaff["screening"], guardian_subject_id=guardian)
        assert info.value.rule == "CNS-GUARDIAN"


def test_guardian_rule_pure():
    on = dt.date(2026, 11, 25)
    with_children, without = program(), program(children=False)
    assert guardian_needed(with_children, 15, on) and not guardian_needed(with_children, 16, on)
    assert guardian_needed(without, 15, on) and not guardian_needed(without, 16, on)  # law max age 15
    lower = without.model_copy(update={"law": without.law.model_copy(update={"guardian_consent_max_age": 12})})
    assert guardian_needed(lower, 12, on) and not guardian_needed(lower, 13, on)
    assert age_on(dt.date(2013, 11, 26), on) == 12 and age_on(dt.date(2013, 11, 25), on) == 13


def test_versions_and_documents(ch, cstaff, person):
    sid = person()
    doc = next(d for d in ch.policy.consent_documents if d.id == "application_consent")
    assert version_at(doc, dt.date(2026, 3, 1)).version == "1.0"
    assert version_at(doc, dt.date(2025, 3, 1)) is None
    ev = ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"],
                          at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    assert ev.version == "1.0"
    with ch.sessions() as s:
        [held] = ch.consents.state(s, sid).documents
    assert (held.version, held.current_version) == ("1.0", "2.0")  # re-consent to 2.0 may be due
    for kwargs, rule in [({"document_id": "nope"}, "CNS-DOCUMENT"),
                         ({"document_id": "application_consent", "version": "9.9"}, "CNS-DOCUMENT"),
                         ({"document_id": "application_consent", "channel": "fax"}, "CNS-CHANNEL")]:
        args = {"channel": "written", **kwargs}
        with pytest.raises(ConsentError) as info:
            ch.consents.give(sid, **args, actor_id=cstaff["screening"])
        assert info.value.rule == rule


def test_consent_events_are_insert_only(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"])
    ch.consents.withdraw(sid, "application_consent", channel="web")
    ch.consents.opt_out(sid, "marketing", channel="web")
    with ch.sessions() as s:
        ev = s.scalars(select(ConsentEvent)).first()
        ev.event = "withdrawn"
        with pytest.raises(ImmutableRowError):
            s.flush()
        s.rollback()
        s.delete(s.scalars(select(OptOutEvent)).first())
        with pytest.raises(ImmutableRowError):
            s.flush()
        s.rollback()
        rows = s.execute(text("SELECT event FROM consent_events ORDER BY at")).scalars().all()
    assert rows == ["given", "withdrawn"]
    source = Path(service_module.__file__).read_text(encoding="utf-8")
    assert "update(" not in source and "delete(" not in source


def test_consent_operations_are_audited_without_values(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "application_consent", channel="written", evidence_ref="scan/1",
                     actor_id=cstaff["screening"])
    ch.consents.opt_out(sid, "marketing", channel="phone")
    with ch.sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert actions[-2:] == ["consent.give", "consent.opt_out"]
    assert ch.audit_verify().ok


def test_receipt_follows_kantara_v1_1(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "health_consent", channel="written", evidence_ref="scan/9", actor_id=cstaff["screening"])
    r = ch.consents.receipt(sid, "health_consent", actor_id=cstaff["screening"])
    for key in ("version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID",
                "publicKey", "language", "piiPrincipalId", "piiControllers", "policyUrl", "services",
                "sensitive", "spiCat"):
        assert key in r, key
    assert (r["version"], r["jurisdiction"], r["language"], r["piiPrincipalId"]) == ("KI-CR-v1.1.0", "JP", "ja", sid)
    assert isinstance(r["consentTimestamp"], int)
    controller = r["piiControllers"][0]
    assert controller["piiController"] == "株式会社ほごクレジット" and controller["contact"] == "お客様相談室"
    [service] = r["services"]
    [purpose] = service["purposes"]
    assert purpose["consentType"] == "EXPLICIT" and purpose["primaryPurpose"] is True
    assert purpose["purposeCategory"] == ["Core Function"]
    assert {"病歴", "労働組合への加盟", "本籍地"} <= set(purpose["piiCategory"])
    assert purpose["termination"] and purpose["thirdPartyDisclosure"] is False
    assert r["sensitive"] is True and "病歴" in r["spiCat"]
    assert r["hogo"]["status"] == "given" and r["hogo"]["valid"] is True

    ch.consents.give(sid, "application_consent", channel="web", actor_id=cstaff["screening"])
    app = ch.consents.receipt(sid, "application_consent", actor_id=cstaff["screening"])
    [p] = app["services"][0]["purposes"]
    assert p["thirdPartyDisclosure"] is True and "CIC" in p["thirdPartyName"]
    assert app["sensitive"] is False

    ch.consents.withdraw(sid, "health_consent", channel="web")
    assert ch.consents.receipt(sid, "health_consent", actor_id=cstaff["screening"])["hogo"]["status"] == "withdrawn"
    with pytest.raises(ConsentError):
        ch.consents.receipt(sid, "newsletter_consent", actor_id=cstaff["marketing"])
