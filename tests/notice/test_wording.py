"""Shared wording: a period reads the same in the notice and in the ledger, for every event the schema knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from hogo.notice.content import build_document
from hogo.policy.inventory import inventory_rows
from hogo.policy.loader import PolicyError, load, parse
from hogo.policy.models import Period, PeriodEvent
from hogo.policy.wording import EVENT_LABELS, describe_period

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal.yaml"


@pytest.mark.parametrize(
    ("period", "ja", "en"),
    [
        ({"months": 6, "from": "inquiry"}, "照会日から6ヶ月間", "6 months from the inquiry date"),
        ({"years": 5, "from": "contract_end", "during_contract": True}, "契約期間中及び契約終了日から5年間",
         "During the contract and 5 years from the end of the contract"),
        ({"years": 1, "months": 6, "from": "full_repayment"}, "完済日から1年6ヶ月間",
         "1 year and 6 months from full repayment"),
        ({"years": 3, "days": 1, "from": "last_provision"}, "最後の提供日から3年1日間",
         "3 years and 1 day from the last provision"),
        ({"from": "contract_end"}, "契約終了日まで", "Until the end of the contract"),
        ({"from": "purpose_achieved"}, "利用目的の達成まで", "Until achievement of the purpose"),
        ({"years": 2, "from": "use", "text": {"ja": "二年", "en": "two years"}}, "二年", "two years"),
        ({"years": 2, "from": "use", "text": "二年間"}, "二年間", "二年間"),  # no English: the Japanese stands
    ],
)
def test_describe_period(period, ja, en):
    p = Period.model_validate(period)
    assert describe_period(p, "ja") == ja
    assert describe_period(p, "en") == en


def test_every_event_has_a_name_in_both_languages():
    assert set(EVENT_LABELS) == set(PeriodEvent)
    for event, (ja, en) in EVENT_LABELS.items():
        assert ja and en and not ja.isascii() and en.isascii(), event
        assert describe_period(Period.model_validate({"years": 1, "from": event}), "ja") == f"{ja}から1年間"


def test_an_unknown_event_is_a_schema_error_not_a_wording_problem():
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "period: {years: 5, from: contract_end}", "period: {years: 5, from: contract_ending}", 1)
    with pytest.raises(PolicyError) as caught:
        parse(text)
    assert [p.field for p in caught.value.problems] == ["retention[0].period.from"]


def test_notice_and_ledger_word_a_period_alike():
    policy = load(MINIMAL).policy
    retention = next(s for s in build_document(policy, "ja").sections if s.id == "retention")
    notice_periods = {row[2].plain.splitlines()[0] for row in retention.blocks[1].rows}
    ledger_periods = {r["retention"] for r in inventory_rows(policy) if r["retention"]}
    assert ledger_periods <= notice_periods
    assert {describe_period(r.period, "ja") for r in policy.retention} == notice_periods
