"""Acquisition checks on write (SQLite and PostgreSQL): each rule refuses with its reason code, and a refusal
changes nothing but the audit chain."""

from __future__ import annotations

import pytest
from _consent_support import program
from sqlalchemy import text

from hogo.access.rules import AccessDecision, AcquisitionFacts, acquisition_refusals, with_refusals
from hogo.access.service import AccessDenied
from hogo.vault.models import Source

TABLES = ("subjects", "records", "data_keys", "consent_events", "opt_outs", "audit_entries")


def counts(h) -> dict[str, int]:
    with h.sessions() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}")) for t in TABLES}


# (consents given first, purpose, values, source, expected withheld reasons per item)
REFUSALS = [
    pytest.param([], "customer_support", {"medical_history": "通院中"}, "direct",
                 {"medical_history": ("APPI-20-2",)}, id="special-care-without-consent"),
    pytest.param(["application_consent"], "customer_support", {"medical_history": "通院中"}, "direct",
                 {"medical_history": ("APPI-20-2",)}, id="special-care-with-unrelated-consent"),
    pytest.param([], "customer_support", {"union_membership": "加入"}, "direct",
                 {"union_membership": ("FIN-GL-5",)}, id="highly-sensitive-without-consent"),
    pytest.param(["union_web"], "customer_support", {"union_membership": "加入"}, "direct",
                 {"union_membership": ("FIN-GL-5",)}, id="highly-sensitive-consent-not-explicit-written"),
    pytest.param(["health_consent"], "customer_support", {"domicile": "東京都"}, "direct",
                 {"domicile": ("FIN-GL-5",)}, id="highly-sensitive-without-stated-necessity"),
    pytest.param(["health_consent"], "customer_support", {"religion": "—"}, "direct",
                 {"religion": ("ACC-NOT-COLLECTED", "APPI-20-2")}, id="never-collected"),
    pytest.param(["application_consent"], "credit_screening", {"income": "500"}, "public",
                 {"income": ("ACC-PUBLIC-SOURCE",)}, id="public-source-for-consent-purpose"),
    pytest.param([], "customer_support", {"name": "山田 太郎", "medical_history": "通院中"}, "direct",
                 {"medical_history": ("APPI-20-2",)}, id="one-refused-item-refuses-the-write"),
]


@pytest.mark.parametrize(("consents", "purpose", "values", "source", "expected"), REFUSALS)
def test_each_acquisition_rule_refuses_with_its_reason(ch, cstaff, person, consents, purpose, values, source,
                                                       expected):
    sid = person()
    for doc in consents:
        ch.consents.give(sid, doc, channel="written", actor_id=cstaff["screening"])
    before = counts(ch)
    with pytest.raises(AccessDenied) as info:
        ch.access.write(cstaff["screening"], sid, values, purpose_id=purpose, source=Source(source))
    assert info.value.withheld == expected
    after = counts(ch)
    assert after["audit_entries"] == before["audit_entries"] + 1
    assert {t: n for t, n in after.items() if t != "audit_entries"} == \
        {t: n for t, n in before.items() if t != "audit_entries"}
    assert ch.audit_verify().ok


ALLOWED = [
    pytest.param(["health_consent"], "customer_support", {"medical_history": "通院中"}, "direct",
                 id="special-care-with-consent-naming-the-item"),
    pytest.param(["health_consent"], "insurance_claims", {"medical_history": "通院中"}, "direct",
                 id="special-care-with-consent-covering-the-purpose"),
    pytest.param([], "accident_response", {"medical_history": "意識なし"}, "direct",
                 id="special-care-legal-ground-without-consent"),
    pytest.param(["health_consent"], "customer_support", {"union_membership": "加入"}, "direct",
                 id="highly-sensitive-necessity-and-explicit-written-consent"),
    pytest.param([], "marketing", {"name": "山田 太郎"}, "public", id="public-source-for-non-consent-purpose"),
]


@pytest.mark.parametrize(("consents", "purpose", "values", "source"), ALLOWED)
def test_acquisition_allowed_cases(ch, cstaff, person, consents, purpose, values, source):
    sid = person()
    for doc in consents:
        ch.consents.give(sid, doc, channel="written", actor_id=cstaff["screening"])
    actor = cstaff["marketing"] if purpose == "marketing" else cstaff["screening"]
    result = ch.access.write(actor, sid, values, purpose_id=purpose, source=Source(source))
    assert set(result.record_ids) == set(values)


def test_withdrawn_consent_no_longer_allows_special_care(ch, cstaff, person):
    sid = person()
    ch.consents.give(sid, "health_consent", channel="written", actor_id=cstaff["screening"])
    ch.consents.withdraw(sid, "health_consent", channel="written")
    with pytest.raises(AccessDenied) as info:
        ch.access.write(cstaff["screening"], sid, {"medical_history": "通院中"}, purpose_id="customer_support")
    assert info.value.reasons == ["APPI-20-2"]


def test_minor_guardian_rule_on_write(ch, cstaff, person):
    child, parent = person("C-13", age=13), person("P-1", age=40)
    ch.consents.give(child, "health_consent", channel="written", actor_id=cstaff["screening"])
    with pytest.raises(AccessDenied) as info:
        ch.access.write(cstaff["screening"], child, {"medical_history": "通院中"}, purpose_id="insurance_claims")
    assert info.value.reasons == ["ACC-GUARDIAN-CONSENT"]
    # Without the guardian, the child's own consent is not prior consent for special-care data either.
    with pytest.raises(AccessDenied) as info:
        ch.access.write(cstaff["screening"], child, {"medical_history": "通院中"}, purpose_id="customer_support")
    assert info.value.reasons == ["APPI-20-2"]
    ch.consents.give(child, "health_consent", channel="written", actor_id=cstaff["screening"], guardian_subject_id=parent)
    ch.access.write(cstaff["screening"], child, {"medical_history": "通院中"}, purpose_id="insurance_claims")


def test_acquisition_rules_pure():
    policy = program()
    facts = AcquisitionFacts("customer_support", "direct", frozenset({"health_consent"}))
    assert acquisition_refusals(policy, facts, ["name", "medical_history", "union_membership"]) == {}
    assert acquisition_refusals(policy, AcquisitionFacts("customer_support"), ["name", "union_membership"]) == \
        {"union_membership": ("FIN-GL-5",)}
    assert acquisition_refusals(policy, AcquisitionFacts("unknown"), ["name"]) == {}
    decision = with_refusals(AccessDecision(("name", "domicile")), {"domicile": ("FIN-GL-5",)})
    assert decision.allowed == ("name",) and decision.withheld == {"domicile": ("FIN-GL-5",)}
