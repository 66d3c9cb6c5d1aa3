"""Registration periods as data: the notice prints the same period the keep-until dates are computed from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hogo.law.bureau import registration_keep_until
from hogo.notice.content import Section, Table, build_document
from hogo.notice.labels import label
from hogo.policy.loader import load
from hogo.provision.bureau.service import registration_periods, wording_mismatches

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def _bureau_tables(section: Section) -> dict[str, Table]:
    return {sub.id.removeprefix("credit_bureaus-"): next(b for b in sub.blocks if isinstance(b, Table))
            for sub in section.subsections if any(isinstance(b, Table) for b in sub.blocks)}


@pytest.mark.parametrize("name", ["consumer_credit", "car_lease"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bureau_notice_states_the_computed_periods(name, lang):
    policy = load(EXAMPLES / f"{name}.yaml").policy
    doc = build_document(policy, lang)
    [section] = [s for s in doc.sections if s.id == "credit_bureaus"]
    tables = _bureau_tables(section)
    periods = registration_periods(policy)
    assert periods and {p["bureau_id"] for p in periods} == set(tables)
    header = label(lang, "registration_period")
    for p in periods:
        table = tables[p["bureau_id"]]
        row = table.rows[p["index"]]
        assert row[0].plain == (p["info_type"] if lang == "ja" else p["info_type_en"])
        # the notice's period cell is the wording of the very data the keep-until dates come from
        assert row[table.headers.index(header)].plain == p[f"wording_{lang}"]


@pytest.mark.parametrize("name", ["consumer_credit", "car_lease"])
def test_bureau_period_wording_agrees_with_the_numbers(name):
    assert wording_mismatches(load(EXAMPLES / f"{name}.yaml").policy) == []


def test_bureau_periods_of_the_car_lease_seed():
    rows = {(r["bureau_id"], r["index"]): r for r in registration_periods(load(EXAMPLES / "car_lease.yaml").policy)}
    assert set(rows) == {("cic", 0), ("cic", 1), ("cic", 2), ("jicc", 0), ("jicc", 1), ("jicc", 2)}  # not KSC
    app = rows[("cic", 0)]
    assert (app["months"], app["from"], app["during_contract"]) == (6, "inquiry", False)
    assert app["wording_ja"] == "NCSが個人信用情報機関に照会した日から6ケ月間"
    late = rows[("jicc", 2)]
    assert (late["years"], late["from"], late["during_contract"]) == (5, "contract_end", True)


def test_bureau_consumer_credit_keep_until_examples():
    policy = load(EXAMPLES / "consumer_credit.yaml").policy
    [bureau] = policy.credit_bureaus
    periods = [r.period for r in bureau.registrations]
    end = dt.date(2027, 8, 31)
    # 申込情報: 登録した日から6ヶ月間
    assert registration_keep_until(periods[0], {"registration": dt.date(2026, 8, 31)}) == dt.date(2027, 2, 28)
    # 成約情報: 契約終了日まで、最長で契約終了日から5年間
    assert registration_keep_until(periods[1], {"registration": dt.date(2026, 1, 5)}) is None
    assert registration_keep_until(periods[1], {"contract_end": end}) == dt.date(2032, 8, 31)
    # 消費者ローンの残高情報: 完済日から5年間
    assert registration_keep_until(periods[2], {"full_repayment": dt.date(2028, 2, 29)}) == dt.date(2033, 2, 28)
    # クレジットカードの残高情報: 会員契約終了日まで
    assert registration_keep_until(periods[3], {"contract_end": end}) == end
    # 異動情報 / 早期完済情報: 5年間
    assert registration_keep_until(periods[4], {"contract_end": end}) == dt.date(2032, 8, 31)
    assert registration_keep_until(periods[5], {"full_repayment": end}) == dt.date(2032, 8, 31)


def test_bureau_wording_check_catches_a_disagreement():
    policy = load(EXAMPLES / "car_lease.yaml").policy
    cic = policy.credit_bureaus[0]
    wrong = cic.registrations[0].model_copy(update={"period": cic.registrations[0].period.model_copy(
        update={"months": 3})})
    changed = policy.model_copy(update={"credit_bureaus": [
        cic.model_copy(update={"registrations": [wrong, *cic.registrations[1:]]}), *policy.credit_bureaus[1:]]})
    assert wording_mismatches(changed) == ["cic[0] 本契約に係る申込みをした事実: the wording does not state 3 months"]
