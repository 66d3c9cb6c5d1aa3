"""Who may record and read consents (SQLite and PostgreSQL): starting use needs a role holding a purpose the
document covers; stopping use is open to any staff member; the state and receipts follow the role."""

from __future__ import annotations

import datetime as dt

import pytest
from _consent_support import program
from sqlalchemy import func, select

from hogo.access.models import Actor, AuditEntry
from hogo.access.service import AccessDenied
from hogo.consent.models import ConsentEvent, OptOutEvent
from hogo.consent.rules import document_purposes, role_refusal
from hogo.consent.service import ConsentDenied, ConsentError
from hogo.policy.models import ConsentDocument, ConsentVersion


@pytest.fixture
def officer(ch):
    """The privacy officer: a role with no purpose of use at all."""
    return ch.access.create_actor("officer", "privacy_officer").id


def _rows(ch) -> dict[str, int]:
    with ch.sessions() as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                for model in (ConsentEvent, OptOutEvent, AuditEntry)}


def _last_audit(ch, action: str | None = None) -> AuditEntry:
    with ch.sessions() as s:
        q = select(AuditEntry).order_by(AuditEntry.seq.desc())
        return s.scalars(q if action is None else q.where(AuditEntry.action == action)).first()


def _refused(call) -> ConsentDenied:
    with pytest.raises(ConsentDenied) as info:
        call()
    return info.value


# --- the rule, pure ---------------------------------------------------------------------------------------

def test_document_purposes_are_the_named_ones_and_those_using_its_items():
    p = program()
    docs = {d.id: d for d in p.consent_documents}
    assert document_purposes(p, docs["application_consent"]) == {"credit_screening"}
    assert document_purposes(p, docs["newsletter_consent"]) == {"newsletter"}
    # union_web names no purpose, only union_membership, which customer_support uses.
    assert document_purposes(p, docs["union_web"]) == {"customer_support"}
    assert document_purposes(p, docs["health_consent"]) == {"insurance_claims", "customer_support",
                                                           "accident_response"}
    only_recipients = ConsentDocument(id="bureau_only", title="信用情報機関への提供の同意", provisions=["cic"],
                                      versions=[ConsentVersion(version="1.0", effective_from=dt.date(2026, 1, 1))])
    assert document_purposes(p, only_recipients) == frozenset()


@pytest.mark.parametrize(("role", "purposes", "expected"), [
    ("screening_staff", {"credit_screening"}, ()),
    ("screening_staff", {"newsletter", "insurance_claims"}, ()),  # one purpose in common is enough
    ("marketing_staff", {"credit_screening"}, ("ACC-ROLE-PURPOSE",)),
    ("privacy_officer", {"credit_screening"}, ("ACC-ROLE-PURPOSE",)),
    ("screening_staff", set(), ("ACC-ROLE-PURPOSE",)),  # a document touching no purpose: no one
    ("no_such_role", {"credit_screening"}, ("ACC-ACTOR",)),
    (None, {"credit_screening"}, ("ACC-ACTOR",)),
])
def test_role_refusal(role, purposes, expected):
    assert role_refusal(program(), role, purposes) == expected


# --- giving: only a role holding a covered purpose ---------------------------------------------------------

def test_a_marketing_clerk_cannot_record_a_credit_consent(ch, cstaff, person):
    sid = person()
    before = _rows(ch)
    refusal = _refused(lambda: ch.consents.give(sid, "application_consent", channel="written",
                                                evidence_ref="scan/1", actor_id=cstaff["marketing"]))
    assert refusal.reasons == ["ACC-ROLE-PURPOSE"]
    assert (refusal.field, refusal.target) == ("document_id", "application_consent")
    assert "application_consent" in str(refusal)
    after = _rows(ch)
    assert after == {**before, "audit_entries": before["audit_entries"] + 1}  # only the refusal
    entry = _last_audit(ch)
    assert (entry.action, entry.allowed, entry.actor_id, entry.subject_id, entry.reasons) == \
        ("consent.give", False, cstaff["marketing"], sid, ["ACC-ROLE-PURPOSE"])
    assert entry.seq == refusal.audit_seq and entry.detail["document_id"] == "application_consent"
    assert ch.audit_verify().ok
    with ch.sessions() as s:
        assert not ch.consents.has_consent(s, sid, "credit_screening")
    # ... so screening (and the provision to the bureau it opens) stays refused.
    with pytest.raises(AccessDenied) as info:
        ch.access.read(cstaff["screening"], sid, ["name"], purpose_id="credit_screening")
    assert info.value.reasons == ["ACC-NO-CONSENT"]
    # The screening staff may record it.
    ch.consents.give(sid, "application_consent", channel="written", evidence_ref="scan/1",
                     actor_id=cstaff["screening"])
    with ch.sessions() as s:
        assert ch.consents.has_consent(s, sid, "credit_screening")


def test_a_guardians_consent_needs_the_role_too(ch, cstaff, person):
    child, parent = person("C-13", age=13), person("P-1", age=45)
    before = _rows(ch)
    refusal = _refused(lambda: ch.consents.give(child, "application_consent", channel="written",
                                                guardian_subject_id=parent, actor_id=cstaff["marketing"]))
    assert refusal.reasons == ["ACC-ROLE-PURPOSE"]
    assert _rows(ch)["consent_events"] == before["consent_events"]
    assert _last_audit(ch).detail["guardian"] is True
    ch.consents.give(child, "application_consent", channel="written", guardian_subject_id=parent,
                     actor_id=cstaff["screening"])
    with ch.sessions() as s:
        assert ch.consents.has_consent(s, child, "credit_screening")


def test_roles_are_matched_per_document(ch, cstaff, officer, person):
    sid = person()
    # newsletter: marketing yes, screening no; union_web (by its item): screening yes, marketing no.
    ch.consents.give(sid, "newsletter_consent", channel="web", actor_id=cstaff["marketing"])
    assert _refused(lambda: ch.consents.give(sid, "newsletter_consent", channel="web",
                                             actor_id=cstaff["screening"])).reasons == ["ACC-ROLE-PURPOSE"]
    ch.consents.give(sid, "union_web", channel="web", actor_id=cstaff["screening"])
    assert _refused(lambda: ch.consents.give(sid, "union_web", channel="web",
                                             actor_id=cstaff["marketing"])).reasons == ["ACC-ROLE-PURPOSE"]
    # The privacy officer's role holds no purpose: they record no consent.
    assert _refused(lambda: ch.consents.give(sid, "health_consent", channel="written",
                                             actor_id=officer)).reasons == ["ACC-ROLE-PURPOSE"]


def test_unknown_or_deactivated_actors_record_nothing(ch, cstaff, person):
    sid = person()
    with ch.sessions.begin() as s:
        s.get(Actor, cstaff["screening"]).active = False
    for actor in (cstaff["screening"], "00000000-0000-0000-0000-000000000000"):
        refusal = _refused(lambda a=actor: ch.consents.give(sid, "application_consent", channel="written",
                                                            actor_id=a))
        assert refusal.reasons == ["ACC-ACTOR"]
        assert _last_audit(ch).actor_id == actor
    assert _rows(ch)["consent_events"] == 0


def test_bad_input_is_refused_before_the_role_and_leaves_no_trace(ch, cstaff, person):
    sid = person()
    before = _rows(ch)
    for kwargs, rule in [({"document_id": "nope"}, "CNS-DOCUMENT"),
                         ({"document_id": "application_consent", "channel": "fax"}, "CNS-CHANNEL")]:
        with pytest.raises(ConsentError) as info:
            ch.consents.give(sid, **{"channel": "written", **kwargs}, actor_id=cstaff["marketing"])
        assert info.value.rule == rule
    assert _rows(ch) == before


# --- stopping: any staff member ----------------------------------------------------------------------------

def test_any_staff_member_records_a_withdrawal_or_an_opt_out(ch, cstaff, officer, person):
    sid = person()
    ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"])
    ch.consents.give(sid, "newsletter_consent", channel="web", actor_id=cstaff["marketing"])
    # A marketing clerk takes the phone call withdrawing the credit consent; the officer the DM refusals.
    ch.consents.withdraw(sid, "application_consent", channel="phone", evidence_ref="rec/1",
                         actor_id=cstaff["marketing"])
    withdrawn = _last_audit(ch, "consent.withdraw")  # followed by the retention event it starts
    ch.consents.opt_out(sid, "newsletter", channel="written", actor_id=officer)
    ch.consents.opt_out(sid, "marketing", channel="written", actor_id=officer)
    assert (withdrawn.action, withdrawn.allowed, withdrawn.actor_id) == ("consent.withdraw", True,
                                                                         cstaff["marketing"])
    with ch.sessions() as s:
        assert not ch.consents.has_consent(s, sid, "credit_screening")
        assert ch.consents.state(s, sid).opted_out == {"newsletter", "marketing"}
        opt_actors = {e.actor_id for e in s.scalars(select(OptOutEvent))}
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "consent.opt_out")).all()
    assert opt_actors == {officer}
    assert [(e.allowed, e.actor_id) for e in audited] == [(True, officer), (True, officer)]
    # Expiry stops use too: the officer may record it.
    ch.consents.give(sid, "health_consent", channel="written", actor_id=cstaff["screening"])
    ch.consents.expire(sid, "health_consent", actor_id=officer)
    with ch.sessions() as s:
        assert not ch.consents.has_consent(s, sid, "insurance_claims")


def test_taking_an_opt_out_back_restarts_marketing_so_it_needs_the_role(ch, cstaff, officer, person):
    sid = person()
    ch.consents.opt_out(sid, "marketing", channel="phone", actor_id=cstaff["screening"])
    for actor in (cstaff["screening"], officer):
        refusal = _refused(lambda a=actor: ch.consents.opt_in(sid, "marketing", channel="web", actor_id=a))
        assert refusal.reasons == ["ACC-ROLE-PURPOSE"] and (refusal.field, refusal.target) == ("purpose", "marketing")
        entry = _last_audit(ch)
        assert (entry.action, entry.allowed, entry.purpose_id) == ("consent.opt_in", False, "marketing")
    with ch.sessions() as s:
        assert ch.consents.state(s, sid).opted_out == {"marketing"}
    ch.consents.opt_in(sid, "marketing", channel="web", actor_id=cstaff["marketing"])
    with ch.sessions() as s:
        assert ch.consents.state(s, sid).opted_out == frozenset()


# --- reading: the documents the role touches ---------------------------------------------------------------

def test_the_state_shows_the_documents_the_role_touches_and_every_opt_out(ch, cstaff, officer, person):
    sid = person()
    ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"])
    ch.consents.give(sid, "newsletter_consent", channel="web", actor_id=cstaff["marketing"])
    ch.consents.opt_out(sid, "marketing", channel="web", actor_id=cstaff["marketing"])
    screening = ch.consents.current_state(sid, actor_id=cstaff["screening"])
    marketing = ch.consents.current_state(sid, actor_id=cstaff["marketing"])
    nothing = ch.consents.current_state(sid, actor_id=officer)
    assert [d.document_id for d in screening.documents] == ["application_consent"]
    assert (screening.purposes, screening.provisions) == ({"credit_screening"}, {"cic"})
    assert [d.document_id for d in marketing.documents] == ["newsletter_consent"]
    assert (marketing.purposes, marketing.provisions) == ({"newsletter"}, frozenset())
    assert nothing.documents == () and nothing.purposes == frozenset()
    assert screening.opted_out == marketing.opted_out == nothing.opted_out == {"marketing"}
    look = _last_audit(ch)  # every look is audited, with what was shown (counts only)
    assert (look.action, look.allowed, look.actor_id, look.subject_id) == ("consent.state", True, officer, sid)
    assert look.detail == {"documents": 0, "opt_outs": 1}
    before = _rows(ch)
    refusal = _refused(lambda: ch.consents.current_state(sid, actor_id="00000000-0000-0000-0000-000000000000"))
    assert refusal.reasons == ["ACC-ACTOR"]
    assert _rows(ch)["audit_entries"] == before["audit_entries"] + 1 and _last_audit(ch).action == "consent.state"


def test_a_receipt_is_for_a_role_touching_the_document(ch, cstaff, person):
    sid, never = person("C-1"), person("C-2")
    ch.consents.give(sid, "application_consent", channel="written", actor_id=cstaff["screening"])
    assert ch.consents.receipt(sid, "application_consent", actor_id=cstaff["screening"])["piiPrincipalId"] == sid
    entry = _last_audit(ch)
    assert (entry.action, entry.allowed, entry.detail) == ("consent.receipt", True, {"document_id": "application_consent"})
    # Refused whether or not the person consented: the refusal says nothing about it.
    for subject in (sid, never):
        refusal = _refused(lambda s=subject: ch.consents.receipt(s, "application_consent",
                                                                 actor_id=cstaff["marketing"]))
        assert refusal.reasons == ["ACC-ROLE-PURPOSE"] and refusal.target == "application_consent"
        entry = _last_audit(ch)
        assert (entry.action, entry.allowed, entry.subject_id) == ("consent.receipt", False, subject)
    assert ch.audit_verify().ok
