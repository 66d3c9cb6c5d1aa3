"""The law core's receipt (Art. 30, Rules 22-25) and personal-related record (Art. 31(3), Rules 28-29) rules: tables."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo.law.provision import (
    ReceiptFacts,
    RecordMethod,
    receipt_decision,
    related_record_complete,
    related_record_missing_items,
    related_record_retained_until,
)
from hogo.law.reasons import reason

FULL = dict(provider_name_given=True, provider_address_given=True, provider_representative_given=True,
            acquisition_given=True, date_given=True)

# case, facts, receipt allowed, receipt reasons (exact), record required
RECEIPTS = [
    ("Art.30(1),Rules 24(1)(ii) consent-based, complete", dict(FULL, consent_given=True), True,
     ("APPI-30-1", "APPI-30-1-1", "APPI-30-1-2", "APPI-RULES-24-1"), True),
    ("C13 Art.30(1)(ii) acquisition not confirmed", dict(FULL, acquisition_given=False, consent_given=True), False,
     ("APPI-30-1-2",), True),
    ("Art.30(1)(i) representative of a corporation missing", dict(FULL, provider_representative_given=False,
                                                                   consent_given=True), False, ("APPI-30-1-1",), True),
    ("Art.30(1)(i) a sole trader has no representative", dict(FULL, provider_representative_given=False,
                                                               provider_corporation=False, consent_given=True),
     True, ("APPI-30-1", "APPI-30-1-1", "APPI-30-1-2", "APPI-RULES-24-1"), True),
    ("Art.30(1)(i)(ii) neither confirmation", dict(consent_given=True), False, ("APPI-30-1-1", "APPI-30-1-2"), True),
    ("Rules 24(1)(ii) consent-based without the consent", dict(FULL), False, ("APPI-RULES-24-1",), True),
    ("Rules 24(1)(i) opt-out with the PPC publication", dict(FULL, provider_basis="opt_out",
                                                             ppc_publication_given=True), True,
     ("APPI-30-1", "APPI-30-1-1", "APPI-30-1-2", "APPI-RULES-24-1"), True),
    ("Rules 24(1)(i) opt-out without the PPC publication", dict(FULL, provider_basis="opt_out"), False,
     ("APPI-RULES-24-1",), True),
    ("Rules 24(1)(i) opt-out without the date", dict(FULL, provider_basis="opt_out", date_given=False,
                                                     ppc_publication_given=True), False, ("APPI-RULES-24-1",), True),
    ("Art.27(2) proviso special care offered by opt-out", dict(FULL, provider_basis="opt_out",
                                                               ppc_publication_given=True, categories={"special_care"}),
     False, ("APPI-27-2", "APPI-20-1"), True),
    ("Rules 24(1)(iii) from a private individual", dict(provider_is_business=False, provider_corporation=False,
                                                        provider_name_given=True, provider_address_given=True,
                                                        acquisition_given=True), True,
     ("APPI-30-1", "APPI-30-1-1", "APPI-30-1-2", "APPI-RULES-24-1"), True),
    ("Art.30(1) proviso, 27(1)(i)", dict(provider_basis="exception_laws"), True, ("APPI-30-1", "APPI-27-1-1"), False),
    ("Art.30(1) proviso, 27(5)(i) outsourcing", dict(provider_basis="outsourcing"), True,
     ("APPI-30-1", "APPI-27-5-1"), False),
    ("Art.30(1) proviso, 27(5)(ii) succession", dict(provider_basis="succession"), True,
     ("APPI-30-1", "APPI-27-5-2"), False),
    ("Art.30(1) proviso, 27(5)(iii) joint use", dict(provider_basis="joint_use"), True,
     ("APPI-30-1", "APPI-27-5-3"), False),
    ("Art.16(2) a public body provides", dict(provider_public_body=True), True, ("APPI-30-1", "APPI-16-2"), False),
]


@pytest.mark.parametrize("case,facts,allowed,reasons,record", RECEIPTS, ids=[r[0].split()[0] + str(i)
                                                                           for i, r in enumerate(RECEIPTS)])
def test_receipt_decision(case, facts, allowed, reasons, record):
    decision, required = receipt_decision(ReceiptFacts(**facts))
    assert (decision.allowed, decision.reasons, required.allowed) == (allowed, reasons, record)


@pytest.mark.parametrize("fields,foreign,missing", [
    (["consent_confirmed", "date", "recipient", "items"], False, []),
    (["consent_confirmed", "date", "recipient", "items"], True, ["rules17_confirmed"]),
    (["consent_confirmed", "rules17_confirmed", "date", "recipient", "items"], True, []),
    (["date", "recipient", "items"], False, ["consent_confirmed"]),
    (["consent_confirmed", "recipient", "items"], False, ["date"]),
    (["consent_confirmed", "date", "items"], False, ["recipient"]),
])
def test_rules_28_record_items(fields, foreign, missing):
    assert related_record_missing_items(fields, foreign=foreign) == missing
    decision = related_record_complete(fields, foreign=foreign)
    assert decision.allowed is (not missing) and decision.reasons == ("APPI-RULES-28-1",)


@pytest.mark.parametrize("method,start,until", [
    (RecordMethod.CONTRACT_SUBSTITUTE, dt.date(2026, 5, 15), dt.date(2027, 5, 14)),
    (RecordMethod.BULK, dt.date(2026, 5, 15), dt.date(2029, 5, 14)),
    (RecordMethod.PER_PROVISION, dt.date(2026, 5, 15), dt.date(2029, 5, 14)),
    (RecordMethod.BULK, dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
    (RecordMethod.CONTRACT_SUBSTITUTE, dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
    (RecordMethod.CONTRACT_SUBSTITUTE, dt.date(2027, 2, 28), dt.date(2028, 2, 27)),
])
def test_rules_29_keep_until(method, start, until):
    assert related_record_retained_until(method, start) == until


def test_the_new_codes_cite_their_rules():
    assert reason("APPI-RULES-28-1").article == "APPI Rules Art. 28(1)"
    assert reason("APPI-RULES-29").article_ja == "個人情報保護法施行規則第29条"
    assert reason("APPI-RULES-22-1").en.startswith("The receipt confirmations")
