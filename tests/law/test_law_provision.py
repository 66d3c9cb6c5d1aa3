"""Sections C, D, E of appi-cases.md: third-party provision, records, cross-border, Art. 31."""

from datetime import date

import pytest

from hogo.law import (
    Category,
    CrossBorderFacts,
    JointUseMatter,
    MyNumberProvisionCase,
    PersonalRelatedFacts,
    ProvisionBasis,
    ProvisionFacts,
    RecordField,
    RecordKind,
    RecordMethod,
    bulk_recording_allowed,
    cross_border_decision,
    personal_related_provision,
    provision_decision,
    reason,
    receipt_confirmation,
    record_complete,
    record_missing_items,
    record_required,
    record_retained_until,
)

B = ProvisionBasis
ALL_MATTERS = frozenset(JointUseMatter)
NO_RESPONSIBLE = ALL_MATTERS - {JointUseMatter.RESPONSIBLE_PERSON}
IDENT = frozenset({Category.IDENTIFYING})
US_INFORMED = CrossBorderFacts(
    "US", consent=True, country_named=True, country_system_info=True, recipient_measures_info=True
)

# --- provision decisions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "allowed", "requirement", "codes"),
    [
        pytest.param(
            ProvisionFacts(B.EXCEPTION_LAWS), True, "none", {"APPI-27-1-1"}, id="C01-police-enquiry"
        ),
        pytest.param(ProvisionFacts(None, IDENT), False, "consent", {"APPI-27-1"}, id="C02-sister-company"),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, frozenset({Category.SPECIAL_CARE}), opt_out_filed=True),
            False,
            "consent",
            {"APPI-27-2"},
            id="C04-opt-out-medical-history",
        ),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, IDENT, opt_out_filed=True, acquired_via_opt_out=True),
            False,
            "consent",
            {"APPI-27-2"},
            id="C05-opt-out-of-opt-out-data",
        ),
        pytest.param(
            ProvisionFacts(B.JOINT_USE, IDENT, joint_use_matters=NO_RESPONSIBLE),
            False,
            "consent",
            {"APPI-27-5-3", "APPI-27-1"},
            id="C07-joint-use-no-responsible-person",
        ),
        pytest.param(
            ProvisionFacts(B.JOINT_USE, IDENT, consent=True, joint_use_matters=NO_RESPONSIBLE),
            True,
            "consent",
            {"APPI-27-1"},
            id="C07-joint-use-fails-but-consent",
        ),
        pytest.param(
            ProvisionFacts(B.JOINT_USE, IDENT, joint_use_matters=ALL_MATTERS),
            True,
            "prior_notice",
            {"APPI-27-5-3"},
            id="joint-use-all-five-matters",
        ),
        pytest.param(
            ProvisionFacts(B.JOINT_USE, IDENT, joint_use_matters=ALL_MATTERS, within_purpose=False),
            False,
            "consent",
            {"APPI-27-5-3", "APPI-27-1"},
            id="joint-use-outside-scope",
        ),
        pytest.param(
            ProvisionFacts(B.CONSENT, IDENT, consent=True), True, "consent", {"APPI-27-1"}, id="consent"
        ),
        pytest.param(ProvisionFacts(B.CONSENT, IDENT), False, "consent", {"APPI-27-1"}, id="consent-missing"),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, IDENT, opt_out_filed=True),
            True,
            "prior_notice",
            {"APPI-27-2"},
            id="opt-out-filed",
        ),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, IDENT), False, "ppc_filing", {"APPI-27-2"}, id="opt-out-without-filing"
        ),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, IDENT, opt_out_filed=True, improperly_acquired=True),
            False,
            "consent",
            {"APPI-27-2", "APPI-20-1"},
            id="opt-out-improperly-acquired",
        ),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, frozenset({Category.MY_NUMBER}), opt_out_filed=True),
            False,
            None,
            {"MNA-19"},
            id="opt-out-my-number",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_LIFE_BODY_PROPERTY, consent_difficult=True),
            True,
            "none",
            {"APPI-27-1-2"},
            id="life-body-property-consent-difficult",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_LIFE_BODY_PROPERTY),
            False,
            "consent",
            {"APPI-27-1-2", "APPI-27-1"},
            id="life-body-property-consent-easy",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_PUBLIC_HEALTH, consent_difficult=True),
            True,
            "none",
            {"APPI-27-1-3"},
            id="public-health",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_STATE_COOPERATION, consent_difficult=True),
            True,
            "none",
            {"APPI-27-1-4"},
            id="state-cooperation",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_ACADEMIC_RECIPIENT),
            True,
            "none",
            {"APPI-27-1-7"},
            id="academic-recipient",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_ACADEMIC_JOINT, unjust_infringement=True),
            False,
            "consent",
            {"APPI-27-1-6"},
            id="academic-unjust-infringement",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT),
            True,
            "supervision",
            {"APPI-27-5-1", "APPI-25"},
            id="outsourcing",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT, within_purpose=False),
            False,
            "consent",
            {"APPI-27-5-1", "APPI-27-1"},
            id="outsourcing-beyond-purpose",
        ),
        pytest.param(ProvisionFacts(B.SUCCESSION, IDENT), True, "none", {"APPI-27-5-2"}, id="succession"),
        pytest.param(
            ProvisionFacts(B.JOINT_USE, frozenset({Category.MY_NUMBER}), joint_use_matters=ALL_MATTERS),
            False,
            None,
            {"MNA-19"},
            id="my-number-joint-use",
        ),
        pytest.param(
            ProvisionFacts(B.CONSENT, frozenset({Category.MY_NUMBER}), consent=True),
            False,
            None,
            {"MNA-19"},
            id="my-number-group-company-with-consent",
        ),
        pytest.param(
            ProvisionFacts(
                B.EXCEPTION_LAWS,
                frozenset({Category.MY_NUMBER}),
                my_number_case=MyNumberProvisionCase.STATUTORY_SUBMISSION,
            ),
            True,
            "none",
            {"MNA-19"},
            id="my-number-statutory-submission",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, frozenset({Category.MY_NUMBER})),
            True,
            "supervision",
            {"MNA-19", "MNA-11"},
            id="my-number-outsourcing",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT, cross_border=CrossBorderFacts("IE")),
            True,
            "supervision",
            {"APPI-27-5-1", "APPI-28-1"},
            id="D01-outsource-ireland",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT, cross_border=CrossBorderFacts("GB")),
            True,
            "supervision",
            {"APPI-27-5-1", "APPI-28-1"},
            id="D02-outsource-uk",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT, cross_border=CrossBorderFacts("US")),
            False,
            "consent",
            {"APPI-28-1"},
            id="outsource-us-needs-art28-route",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT, cross_border=US_INFORMED),
            True,
            "consent",
            {"APPI-28-1", "APPI-28-2", "APPI-RULES-17-2"},
            id="outsource-us-with-informed-consent",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, IDENT, cross_border=CrossBorderFacts("SG", standards_system=True)),
            True,
            "periodic_check",
            {"APPI-RULES-16", "APPI-27-5-1"},
            id="outsource-singapore-standards-system",
        ),
        pytest.param(
            ProvisionFacts(B.OPT_OUT, IDENT, opt_out_filed=True, cross_border=CrossBorderFacts("US")),
            False,
            "consent",
            {"APPI-28-1"},
            id="opt-out-abroad-not-enough",
        ),
        pytest.param(
            ProvisionFacts(B.EXCEPTION_LAWS, IDENT, cross_border=CrossBorderFacts("US")),
            True,
            "none",
            {"APPI-27-1-1", "APPI-28-1"},
            id="law-exception-abroad",
        ),
    ],
)
def test_provision_decision(facts, allowed, requirement, codes):
    d = provision_decision(facts)
    assert d.allowed is allowed, d
    assert d.requirement == requirement, d
    assert codes <= set(d.reasons), d


def test_c07_note_names_the_missing_matter():
    d = provision_decision(ProvisionFacts(B.JOINT_USE, IDENT, joint_use_matters=NO_RESPONSIBLE))
    assert "responsible_person" in d.note


def test_facts_accept_strings():
    f = ProvisionFacts("opt_out", {"special_care"}, opt_out_filed=True)
    assert f.basis is B.OPT_OUT and f.categories == frozenset({Category.SPECIAL_CARE})
    assert provision_decision(f).allowed is False


# --- records ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "receiving", "required", "codes"),
    [
        pytest.param(
            ProvisionFacts(B.EXCEPTION_LAWS), False, False, {"APPI-29-1", "APPI-27-1-1"}, id="C01-no-record"
        ),
        pytest.param(
            ProvisionFacts(B.CONSENT, consent=True, recipient_public_body=True),
            False,
            False,
            {"APPI-16-2"},
            id="C14-prefectural-office",
        ),
        pytest.param(
            ProvisionFacts(B.CONSENT, consent=True, cross_border=US_INFORMED),
            False,
            True,
            {"APPI-29-1", "APPI-RULES-20-1"},
            id="D08-foreign-by-consent",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, cross_border=US_INFORMED),
            False,
            True,
            {"APPI-29-1", "APPI-28-1"},
            id="D08-foreign-outsourcing-by-consent",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING, cross_border=CrossBorderFacts("IE")),
            False,
            False,
            {"APPI-27-5-1"},
            id="outsourcing-eu-no-record",
        ),
        pytest.param(
            ProvisionFacts(B.OUTSOURCING), False, False, {"APPI-27-5-1"}, id="outsourcing-no-record"
        ),
        pytest.param(ProvisionFacts(B.JOINT_USE), False, False, {"APPI-27-5-3"}, id="joint-use-no-record"),
        pytest.param(ProvisionFacts(B.SUCCESSION), False, False, {"APPI-27-5-2"}, id="succession-no-record"),
        pytest.param(
            ProvisionFacts(B.CONSENT, consent=True), False, True, {"APPI-29-1"}, id="consent-record"
        ),
        pytest.param(ProvisionFacts(B.OPT_OUT), False, True, {"APPI-29-1"}, id="opt-out-record"),
        pytest.param(
            ProvisionFacts(B.CONSENT, consent=True),
            True,
            True,
            {"APPI-30-1", "APPI-RULES-24-1"},
            id="receipt-record",
        ),
        pytest.param(
            ProvisionFacts(B.CONSENT, recipient_public_body=True),
            True,
            False,
            {"APPI-16-2"},
            id="receipt-from-public",
        ),
    ],
)
def test_record_required(facts, receiving, required, codes):
    d = record_required(facts, receiving=receiving)
    assert d.allowed is required, d
    assert codes <= set(d.reasons), d


F = RecordField


@pytest.mark.parametrize(
    ("kind", "fields", "missing"),
    [
        pytest.param(
            RecordKind.PROVIDER_CONSENT,
            {F.CONSENT, F.RECIPIENT, F.PERSON, F.ITEMS},
            [],
            id="C10-consent-no-date",
        ),
        pytest.param(
            RecordKind.PROVIDER_OPT_OUT, {F.RECIPIENT, F.PERSON, F.ITEMS}, ["date"], id="C11-opt-out-no-date"
        ),
        pytest.param(
            RecordKind.PROVIDER_OPT_OUT, {F.DATE, F.RECIPIENT, F.PERSON, F.ITEMS}, [], id="opt-out-complete"
        ),
        pytest.param(
            RecordKind.PROVIDER_CONSENT,
            {F.RECIPIENT, F.PERSON, F.ITEMS, F.DATE},
            ["consent"],
            id="consent-missing",
        ),
        pytest.param(
            RecordKind.PROVIDER_CONSENT,
            set(),
            ["consent", "recipient", "person", "items"],
            id="provider-empty",
        ),
        pytest.param(
            RecordKind.RECIPIENT_OPT_OUT,
            {F.DATE, F.PROVIDER, F.ACQUISITION, F.PERSON, F.ITEMS},
            ["ppc_publication"],
            id="recipient-opt-out-no-ppc-publication",
        ),
        pytest.param(
            RecordKind.RECIPIENT_CONSENT,
            {F.CONSENT, F.PROVIDER, F.PERSON, F.ITEMS},
            ["acquisition"],
            id="recipient-consent-no-acquisition",
        ),
        pytest.param(
            RecordKind.RECIPIENT_FROM_INDIVIDUAL,
            {"provider", "acquisition", "person", "items"},
            [],
            id="recipient-from-individual-no-date-no-consent",
        ),
    ],
)
def test_record_items(kind, fields, missing):
    assert record_missing_items(kind, fields) == missing
    d = record_complete(kind, fields)
    assert d.allowed is (not missing)
    expected = "APPI-RULES-20-1" if kind.value.startswith("provider") else "APPI-RULES-24-1"
    assert d.reasons == (expected,)


@pytest.mark.parametrize(
    ("method", "start", "until"),
    [
        pytest.param(
            RecordMethod.CONTRACT_SUBSTITUTE, date(2026, 5, 15), date(2027, 5, 14), id="C16-contract-1y"
        ),
        pytest.param(RecordMethod.BULK, date(2026, 5, 15), date(2029, 5, 14), id="C17-bulk-3y"),
        pytest.param(
            RecordMethod.PER_PROVISION, date(2026, 1, 1), date(2028, 12, 31), id="per-provision-new-year"
        ),
        pytest.param(
            RecordMethod.CONTRACT_SUBSTITUTE, date(2024, 2, 29), date(2025, 2, 28), id="leap-day-start-1y"
        ),
        pytest.param(RecordMethod.BULK, date(2024, 2, 29), date(2027, 2, 28), id="leap-day-start-3y"),
        pytest.param(
            RecordMethod.CONTRACT_SUBSTITUTE, date(2023, 3, 1), date(2024, 2, 29), id="ends-on-leap-day"
        ),
        pytest.param(
            RecordMethod.PER_PROVISION, date(2025, 3, 1), date(2028, 2, 29), id="3y-ends-on-leap-day"
        ),
        pytest.param(RecordMethod.CONTRACT_SUBSTITUTE, date(2026, 12, 31), date(2027, 12, 30), id="year-end"),
    ],
)
def test_record_retained_until(method, start, until):
    assert record_retained_until(method, start) == until
    assert record_retained_until(method.value, start) == until


def test_retention_reason_codes_registered():
    assert reason("APPI-RULES-21").article == "APPI Rules Art. 21"
    assert reason("APPI-RULES-25").article == "APPI Rules Art. 25"


@pytest.mark.parametrize(
    ("basis", "allowed"),
    [
        pytest.param(B.OPT_OUT, False, id="C19-bulk-opt-out"),
        pytest.param(B.CONSENT, True, id="bulk-consent"),
        pytest.param("consent", True, id="bulk-consent-str"),
    ],
)
def test_bulk_recording_allowed(basis, allowed):
    d = bulk_recording_allowed(basis)
    assert d.allowed is allowed
    assert d.reasons == ("APPI-RULES-19-2",)


@pytest.mark.parametrize(
    ("identity", "acquisition", "allowed", "codes"),
    [
        pytest.param(True, False, False, ("APPI-30-1-2",), id="C13-acquisition-not-confirmed"),
        pytest.param(False, True, False, ("APPI-30-1-1",), id="provider-not-confirmed"),
        pytest.param(False, False, False, ("APPI-30-1-1", "APPI-30-1-2"), id="nothing-confirmed"),
        pytest.param(True, True, True, ("APPI-30-1-1", "APPI-30-1-2"), id="confirmed"),
    ],
)
def test_receipt_confirmation(identity, acquisition, allowed, codes):
    d = receipt_confirmation(identity, acquisition)
    assert d.allowed is allowed
    assert d.reasons == codes


def test_article_30_1_2_citation():
    assert reason("APPI-30-1-2").article == "APPI Art. 30(1)(ii)"
    assert reason("APPI-30-1-2").citation("ja") == "個人情報保護法第30条第1項第2号"


# --- cross-border ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "allowed", "requirement", "codes"),
    [
        pytest.param(CrossBorderFacts("IE"), True, "none", {"APPI-28-1"}, id="D01-ireland-designated"),
        pytest.param(CrossBorderFacts("gb"), True, "none", {"APPI-28-1"}, id="D02-uk-designated"),
        pytest.param(CrossBorderFacts("JP"), True, "none", {"APPI-28-1"}, id="domestic"),
        pytest.param(
            CrossBorderFacts("US", consent=True),
            False,
            "rules17_information",
            {"APPI-28-2", "APPI-RULES-17-2"},
            id="D04-overseas-consent-without-info",
        ),
        pytest.param(
            CrossBorderFacts("US", consent=True, country_named=True, recipient_measures_info=True),
            False,
            "rules17_information",
            {"APPI-RULES-17-2"},
            id="consent-without-system-info",
        ),
        pytest.param(
            US_INFORMED, True, "consent", {"APPI-28-1", "APPI-28-2", "APPI-RULES-17-2"}, id="us-informed"
        ),
        pytest.param(
            CrossBorderFacts(
                "",
                consent=True,
                country_unidentifiable=True,
                unidentifiable_reason_given=True,
                reference_info_given=True,
                measures_unavailable_explained=True,
            ),
            True,
            "consent",
            {"APPI-RULES-17-3"},
            id="D05-country-unknown-candidates",
        ),
        pytest.param(
            CrossBorderFacts(
                "",
                consent=True,
                country_unidentifiable=True,
                recipient_measures_info=True,
                reference_info_given=True,
            ),
            False,
            "rules17_information",
            {"APPI-RULES-17-3"},
            id="country-unknown-no-reason",
        ),
        pytest.param(CrossBorderFacts("US"), False, "consent", {"APPI-28-1"}, id="no-route"),
        pytest.param(
            CrossBorderFacts("SG", standards_system=True),
            True,
            "periodic_check",
            {"APPI-RULES-16", "APPI-28-3", "APPI-RULES-18-1"},
            id="standards-system",
        ),
        pytest.param(
            CrossBorderFacts("US", standards_system=True, measures_ensured=False),
            False,
            "stop_provision",
            {"APPI-RULES-18-1"},
            id="D07-measures-cannot-be-ensured",
        ),
    ],
)
def test_cross_border_decision(facts, allowed, requirement, codes):
    d = cross_border_decision(facts)
    assert d.allowed is allowed, d
    assert d.requirement == requirement, d
    assert codes <= set(d.reasons), d


def test_d04_note_lists_what_is_missing():
    note = cross_border_decision(CrossBorderFacts("US", consent=True)).note
    for part in ("country name", "protection system", "recipient's measures"):
        assert part in note


def test_periodic_check_overdue_is_noted():
    d = cross_border_decision(CrossBorderFacts("SG", standards_system=True, periodic_check=False))
    assert d.allowed and "overdue" in d.note


# --- personal-related information (Art. 31) ---------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "allowed", "requirement", "codes"),
    [
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=True),
            False,
            "confirm_consent",
            {"APPI-31-1-1"},
            id="E01-retailer-links-no-confirmation",
        ),
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=True, consent_confirmed=True),
            True,
            "none",
            {"APPI-31-1-1"},
            id="E01-confirmed",
        ),
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=True, consent_confirmed=True, recipient_country="SG"),
            False,
            "rules17_information",
            {"APPI-31-1-2", "APPI-RULES-17-2"},
            id="E02-singapore-rules17-not-confirmed",
        ),
        pytest.param(
            PersonalRelatedFacts(
                recipient_will_link=True,
                consent_confirmed=True,
                recipient_country="SG",
                rules17_info_confirmed=True,
            ),
            True,
            "none",
            {"APPI-31-1-1", "APPI-31-1-2"},
            id="E02-singapore-confirmed",
        ),
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=True, recipient_country="SG"),
            False,
            "confirm_consent",
            {"APPI-31-1-1"},
            id="E02-no-confirmation-at-all",
        ),
        pytest.param(
            PersonalRelatedFacts(
                recipient_will_link=True,
                consent_confirmed=True,
                recipient_country="SG",
                recipient_standards_system=True,
            ),
            True,
            "periodic_check",
            {"APPI-28-3"},
            id="foreign-recipient-standards-system",
        ),
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=True, consent_confirmed=True, recipient_country="FR"),
            True,
            "none",
            {"APPI-31-1-1"},
            id="eu-recipient",
        ),
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=False),
            True,
            "none",
            {"APPI-31-1"},
            id="E04-no-linking",
        ),
        pytest.param(
            PersonalRelatedFacts(recipient_will_link=True, exception=B.EXCEPTION_LAWS),
            True,
            "none",
            {"APPI-27-1-1"},
            id="art31-law-exception",
        ),
    ],
)
def test_personal_related_provision(facts, allowed, requirement, codes):
    d = personal_related_provision(facts)
    assert d.allowed is allowed, d
    assert d.requirement == requirement, d
    assert codes <= set(d.reasons), d


def test_personal_related_rejects_non_exception_basis():
    with pytest.raises(ValueError):
        personal_related_provision(PersonalRelatedFacts(recipient_will_link=True, exception=B.OUTSOURCING))


def test_every_decision_message_renders():
    d = provision_decision(ProvisionFacts(B.OPT_OUT, frozenset({Category.SPECIAL_CARE}), opt_out_filed=True))
    assert all(m.startswith("[APPI-27-2]") for m in d.messages("en"))
