"""Pure rules for processed information: provision (Act 41(6), 42, 43(4), 44), creation duties, standards."""

import pytest

from hogo.law import REASONS, ProvisionBasis, reason
from hogo.law.processed import (
    PROCESSING_STANDARDS,
    ProcessedKind,
    ProcessedProvisionFacts,
    contact_decision,
    creation_obligations,
    processed_provision_decision,
    pseudonymized_purpose_change,
    reidentification_decision,
)

P, A = ProcessedKind.PSEUDONYMIZED, ProcessedKind.ANONYMIZED
B = ProvisionBasis

# (case id, facts, allowed, reason codes, requirement)
PROVISION_CASES = [
    # Act 41(6): pseudonymized data goes to no third party — consent and opt-out do not open it
    ("P-consent", ProcessedProvisionFacts(P, B.CONSENT), False, ("APPI-41-6", "APPI-42-1"), None),
    ("P-opt-out", ProcessedProvisionFacts(P, B.OPT_OUT), False, ("APPI-41-6", "APPI-42-1"), None),
    ("P-no-basis", ProcessedProvisionFacts(P, None), False, ("APPI-41-6", "APPI-42-1"), None),
    # only 27(1)(i) of the exceptions survives (41(6) "法令に基づく場合を除くほか")
    ("P-life-body", ProcessedProvisionFacts(P, B.EXCEPTION_LIFE_BODY_PROPERTY), False, ("APPI-41-6", "APPI-42-1"),
     None),
    ("P-public-health", ProcessedProvisionFacts(P, B.EXCEPTION_PUBLIC_HEALTH), False, ("APPI-41-6", "APPI-42-1"),
     None),
    ("P-academic", ProcessedProvisionFacts(P, B.EXCEPTION_ACADEMIC_RECIPIENT), False, ("APPI-41-6", "APPI-42-1"),
     None),
    ("P-laws", ProcessedProvisionFacts(P, B.EXCEPTION_LAWS), True, ("APPI-41-6", "APPI-27-1-1"), "none"),
    # 41(6) reading 27(5): not a third party
    ("P-outsourcing", ProcessedProvisionFacts(P, B.OUTSOURCING), True, ("APPI-41-6", "APPI-27-5-1"), "none"),
    ("P-succession", ProcessedProvisionFacts(P, B.SUCCESSION), True, ("APPI-41-6", "APPI-27-5-2"), "none"),
    # joint use: the 27(5)(iii) matters must be *published* (41(6) replaces notice with publication)
    ("P-joint-unpublished", ProcessedProvisionFacts(P, B.JOINT_USE), False, ("APPI-41-6", "APPI-27-5-3"), "publish"),
    ("P-joint-published", ProcessedProvisionFacts(P, B.JOINT_USE, joint_use_published=True), True,
     ("APPI-41-6", "APPI-27-5-3"), "publish"),
    # Act 43(4): anonymized — no consent, but items + method published and the recipient told
    ("A-all", ProcessedProvisionFacts(A, None, True, True, True), True, ("APPI-43-4", "APPI-RULES-37"), "none"),
    ("A-consent-irrelevant", ProcessedProvisionFacts(A, B.CONSENT, True, True, True), True,
     ("APPI-43-4", "APPI-RULES-37"), "none"),
    ("A-no-statement", ProcessedProvisionFacts(A, None, True, True, False), False, ("APPI-43-4", "APPI-RULES-37"),
     "state_to_recipient"),
    ("A-items-unpublished", ProcessedProvisionFacts(A, None, False, True, True), False, ("APPI-43-4",), "publish"),
    ("A-method-unpublished", ProcessedProvisionFacts(A, None, True, False, True), False, ("APPI-43-4",), "publish"),
    ("A-nothing", ProcessedProvisionFacts(A), False, ("APPI-43-4", "APPI-RULES-37"), "publish"),
    # Act 44: a holder that did not create the set has the same duties
    ("A-received-all", ProcessedProvisionFacts(A, None, True, True, True, created_by_us=False), True,
     ("APPI-44", "APPI-RULES-37"), "none"),
    ("A-received-no-statement", ProcessedProvisionFacts(A, None, True, True, False, created_by_us=False), False,
     ("APPI-44", "APPI-RULES-37"), "state_to_recipient"),
]


@pytest.mark.parametrize("case,facts,allowed,codes,requirement", PROVISION_CASES, ids=[c[0] for c in PROVISION_CASES])
def test_processed_provision_table(case, facts, allowed, codes, requirement):
    d = processed_provision_decision(facts)
    assert d.allowed is allowed
    assert d.reasons == codes
    assert d.requirement == requirement


def test_reason_codes_cite_articles_and_rules():
    assert reason("APPI-41-6").article == "APPI Art. 41(6)"
    assert reason("APPI-43-4").article_ja == "個人情報保護法第43条第4項"
    assert reason("APPI-44").article == "APPI Art. 44"
    assert reason("APPI-RULES-34-4").article == "APPI Rules Art. 34(iv)"
    assert reason("APPI-RULES-31-3").article_ja == "個人情報保護法施行規則第31条第3号"
    assert "クレジットカード" in reason("APPI-RULES-31-3").ja
    for code in ("APPI-41-2", "APPI-41-4", "APPI-41-7", "APPI-41-8", "APPI-41-9", "APPI-43-2", "APPI-43-5",
                 "APPI-45", "APPI-RULES-32", "APPI-RULES-35", "APPI-RULES-36", "APPI-RULES-37"):
        assert code in REASONS


def test_processing_standards_in_order():
    anon = PROCESSING_STANDARDS[A]
    assert [s.id for s in anon] == ["S1", "S2", "S3", "S4", "S5"]
    assert [s.code for s in anon] == [f"APPI-RULES-34-{i}" for i in range(1, 6)]
    pseudo = PROCESSING_STANDARDS[P]
    assert [(s.id, s.code) for s in pseudo] == [("P1", "APPI-RULES-31-1"), ("P2", "APPI-RULES-31-2"),
                                                ("P3", "APPI-RULES-31-3")]


@pytest.mark.parametrize(
    "kind,facts,expected",
    [
        (A, {}, {"publish_items": False, "secure_method_info": False, "no_reidentification": None,
                 "security_measures_published": None}),
        (A, {"items_published": True, "method_info_secured": True},
         {"publish_items": True, "secure_method_info": True, "no_reidentification": None,
          "security_measures_published": None}),
        (P, {"method_info_secured": True},
         {"secure_deletion_info": True, "publish_purposes": False, "no_reidentification": None, "no_contact": None,
          "breach_reports_and_requests_disapplied": None}),
    ],
)
def test_creation_obligations(kind, facts, expected):
    obs = creation_obligations(kind, **facts)
    assert {o.duty: o.met for o in obs} == expected
    codes = {o.duty: o.code for o in obs}
    if kind is A:
        assert codes["publish_items"] == "APPI-43-3" and codes["secure_method_info"] == "APPI-43-2"
        assert codes["no_reidentification"] == "APPI-43-5"
    else:
        assert codes["secure_deletion_info"] == "APPI-41-2" and codes["publish_purposes"] == "APPI-41-4"
        assert codes["no_contact"] == "APPI-41-8"


@pytest.mark.parametrize(
    "published,law,allowed,codes",
    [(False, False, False, ("APPI-41-4",)), (True, False, True, ("APPI-41-4", "APPI-41-9")),
     (False, True, True, ("APPI-41-3",))],
)
def test_pseudonymized_purpose_change(published, law, allowed, codes):
    d = pseudonymized_purpose_change(published=published, required_by_law=law)
    assert (d.allowed, d.reasons) == (allowed, codes)


def test_reidentification_and_contact_always_refused():
    assert reidentification_decision(P).reasons == ("APPI-41-7",)
    assert reidentification_decision(A).reasons == ("APPI-43-5",)
    assert reidentification_decision(A, created_by_us=False).reasons == ("APPI-45",)
    assert not reidentification_decision(P).allowed
    d = contact_decision(P)
    assert not d.allowed and d.reasons == ("APPI-41-8",)
