"""HG056-HG059: the cross-border facts the provision room decides on are checked before a provision is tried.

A table of small programs (tests/fixtures/minimal.yaml plus one transfer and its parties) maps to the exact
set of these codes each must raise; the date rule is pinned at its one-year boundary; the warnings are shown
to predict the law core's refusals; and the five example programs stay clean of all four codes.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from hogo import clock
from hogo.law.provision import CrossBorderFacts, ProvisionRequirement, cross_border_decision
from hogo.policy.lint import Severity, lint
from hogo.policy.loader import load, parse

ROOT = Path(__file__).parents[2]
BASE = yaml.safe_load((ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8"))
GOOD_EXAMPLES = sorted(p for p in (ROOT / "examples" / "policies").glob("*.yaml") if p.name != "broken.yaml")
NEW = {"HG056", "HG057", "HG058", "HG059"}
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The lint reads the Japanese date from hogo.clock; pin it so the one-year boundary is exact."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def transfer(**kw) -> dict:
    return {"id": "abroad", "recipient": "外国の事業者", "countries": ["US"], "basis": "consent",
            "country_system": "米国の制度の概要", "recipient_measures": "OECDガイドラインに沿った措置", **kw}


def equivalent(checked_on: dt.date | None = None, ensured: bool = True, **kw) -> dict:
    check = {} if checked_on is None else {"last_check": {"checked_on": checked_on, "measures_ensured": ensured}}
    return transfer(basis="equivalent_system", periodic_check="年1回、監査報告書で確認", **check, **kw)


def vendor(**kw) -> dict:
    return {"id": "vendor", "service": "データ保管", "items": ["name"], "contract_clauses": ["nda"], **kw}


def partner(**kw) -> dict:
    return {"id": "partner", "name": "提携先", "basis": "consent", "items": ["name"], **kw}


def program(cross_border: list[dict], outsourcees: list[dict] = (), recipients: list[dict] = ()):
    data = copy.deepcopy(BASE)
    data["cross_border"] = cross_border
    data["outsourcing"] = {"clauses": {"nda": "秘密保持"}, "outsourcees": list(outsourcees)}
    data["recipients"] = list(recipients)
    return parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "<test>")


def new_codes(loaded) -> set[str]:
    return {f.code for f in lint(loaded) if f.code in NEW}


UNIDENTIFIED = {"countries": [], "country_system": None, "unidentified_reason": "委託先を選定中のため"}
YEAR_AGO = dt.date(2025, 11, 25)

CASES = [
    # (name, transfers, outsourcees, recipients, expected codes among HG056-HG059)
    ("equivalent, checked this year", [equivalent(dt.date(2026, 6, 1))], [], [], set()),
    ("equivalent, never checked", [equivalent()], [], [], {"HG057"}),
    ("equivalent, checked exactly a year ago", [equivalent(YEAR_AGO)], [], [], set()),
    ("equivalent, checked a year and a day ago", [equivalent(YEAR_AGO - dt.timedelta(days=1))], [], [], {"HG057"}),
    ("equivalent, check dated tomorrow", [equivalent(TODAY + dt.timedelta(days=1))], [], [], {"HG057"}),
    ("equivalent, measures no longer ensured", [equivalent(dt.date(2026, 10, 1), ensured=False)], [], [], {"HG056"}),
    ("equivalent, stale and not ensured", [equivalent(dt.date(2024, 1, 5), ensured=False)], [], [],
     {"HG056", "HG057"}),
    ("consent, country named", [transfer()], [], [], set()),
    ("consent, country unidentified, no reference info", [transfer(**UNIDENTIFIED)], [], [], {"HG059"}),
    ("consent, unidentified, none available", [transfer(**UNIDENTIFIED, reference_info="none_available")], [], [],
     set()),
    ("consent, unidentified, reference given", [transfer(**UNIDENTIFIED, reference_info="given")], [], [], set()),
    ("vendor left at the default JP", [transfer(parties=["vendor"])], [vendor()], [], {"HG058"}),
    ("recipient stated JP", [transfer(parties=["partner"], countries=["SG"])], [], [partner(country="JP")],
     {"HG058"}),
    ("vendor in the US", [transfer(parties=["vendor"])], [vendor(country="US")], [], set()),
    ("JP vendor, country unidentified", [transfer(parties=["vendor"], **UNIDENTIFIED, reference_info="given")],
     [vendor()], [], set()),
    ("JP vendor not a party", [transfer()], [vendor()], [], set()),
]


@pytest.mark.parametrize(("name", "transfers", "outsourcees", "recipients", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_program_raises_exactly_the_expected_codes(name, transfers, outsourcees, recipients, expected):
    assert new_codes(program(transfers, outsourcees, recipients)) == expected


def test_a_check_on_29_february_is_due_on_28_february(monkeypatch):
    loaded = program([equivalent(dt.date(2024, 2, 29))])
    monkeypatch.setattr(clock, "today", lambda: dt.date(2025, 2, 28))
    assert new_codes(loaded) == set()
    monkeypatch.setattr(clock, "today", lambda: dt.date(2025, 3, 1))
    assert new_codes(loaded) == {"HG057"}


def test_jp_party_finding_names_the_field_and_whether_it_was_set():
    found = [f for f in lint(program([transfer(parties=["vendor"])], [vendor()])) if f.code == "HG058"]
    assert [f.path for f in found] == ["outsourcing.outsourcees[0].country"]
    assert found[0].severity is Severity.error and found[0].reason == "APPI-28-1"
    assert "is not set (defaults to JP)" in found[0].message_en and "skip Art. 28" in found[0].message_en
    found = [f for f in lint(program([transfer(parties=["partner"])], [], [partner(country="JP")]))
             if f.code == "HG058"]
    assert "recipients[0].country is JP" in found[0].message_en


def test_severities_and_reasons():
    loaded = program([equivalent(dt.date(2024, 1, 5), ensured=False), transfer(id="cands", **UNIDENTIFIED)])
    got = {(f.code, f.severity, f.reason, f.path) for f in lint(loaded) if f.code in NEW}
    assert got == {
        ("HG056", Severity.error, "APPI-RULES-18-1", "cross_border[0].last_check.measures_ensured"),
        ("HG057", Severity.warning, "APPI-RULES-18-1", "cross_border[0].last_check.checked_on"),
        ("HG059", Severity.warning, "APPI-RULES-17-3", "cross_border[1].reference_info"),
    }


def test_the_findings_predict_the_law_cores_refusals():
    """What HG056 and HG059 warn of is what hogo.law decides for the provision room."""
    stop = cross_border_decision(CrossBorderFacts(country="US", standards_system=True, measures_ensured=False))
    assert not stop.allowed and stop.requirement == ProvisionRequirement.STOP_PROVISION
    assert {"APPI-28-3", "APPI-RULES-18-1"} <= set(stop.reasons)
    unidentified = dict(country="JP", consent=True, country_unidentifiable=True, unidentifiable_reason_given=True,
                        recipient_measures_info=True)
    refused = cross_border_decision(CrossBorderFacts(**unidentified))
    assert not refused.allowed and {"APPI-28-2", "APPI-RULES-17-3"} <= set(refused.reasons)
    assert cross_border_decision(CrossBorderFacts(**unidentified, reference_info_given=True)).allowed


def test_broken_example_plants_every_new_code():
    lines = (ROOT / "examples" / "policies" / "broken.yaml").read_text(encoding="utf-8").splitlines()
    planted = {code for line in lines if "# planted:" in line
               for code in re.findall(r"HG\d{3}", line.split("# planted:")[1])}
    assert planted >= NEW


@pytest.mark.parametrize("path", GOOD_EXAMPLES, ids=lambda p: p.name)
def test_good_examples_stay_clean_of_the_new_codes(path):
    assert len(GOOD_EXAMPLES) == 5
    assert new_codes(load(path)) == set()
