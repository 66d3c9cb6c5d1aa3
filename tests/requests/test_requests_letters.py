"""Letters in Japanese: the result of a request, the notice of reasons (Art. 36), the erasure answer naming kept
records. Checked on the visible text of the rendered HTML."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from _support import MINIMAL

from hogo.law.reasons import reason
from hogo.notice.letters import (
    KeptRecord,
    LetterDecision,
    LetterError,
    render_reasons_letter,
    render_result_letter,
)
from hogo.policy.loader import load

POLICY = load(MINIMAL).policy
RECEIVED, DECIDED = dt.date(2026, 11, 2), dt.date(2026, 11, 16)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "title")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return re.sub(r"\s+", "", "".join(p.parts))


def decision(**kw) -> LetterDecision:
    base = dict(request_type="disclosure", outcome="full", received_on=RECEIVED, decided_on=DECIDED,
                reference="REQ-2026-0001", addressee="山田 太郎", address="東京都渋谷区道玄坂2-2-2")
    return LetterDecision(**(base | kw))


def test_full_disclosure_answer_has_era_dates_company_desk_fee_and_method():
    t = text(render_result_letter(POLICY, decision(done=("name", "address"), fee_yen=1000,
                                                    fee_paid_on=dt.date(2026, 11, 5), method="electronic")))
    assert "保有個人データの開示の請求に対する回答" in t
    assert "令和8年11月2日付けで受け付けました" in t and "決定日令和8年11月16日" in t
    assert "ご請求のとおり開示いたします。" in t and "開示する項目氏名、住所" in t
    assert "手数料1,000円（令和8年11月5日受領）" in t and "電磁的記録の提供（電子ファイル）" in t
    assert "株式会社ほごクレジット" in t and "代表取締役保護太郎" in t
    assert "お客様相談室" in t and "0120-000-000" in t and "privacy@example.jp" in t
    assert "東京都渋谷区道玄坂2-2-2山田太郎様" in t and "受付番号REQ-2026-0001" in t
    assert "個人情報保護法第33条第3項" in t and "理由" not in t.replace("理由の", "")


@pytest.mark.parametrize(("code", "article"), [
    ("APPI-33-2-1", "個人情報保護法第33条第2項第1号"),
    ("APPI-33-2-2", "個人情報保護法第33条第2項第2号"),
    ("APPI-33-2-3", "個人情報保護法第33条第2項第3号"),
], ids=["33-2-i", "33-2-ii", "33-2-iii"])
def test_partial_disclosure_states_each_ground_with_its_article(code, article):
    d = decision(outcome="partial", grounds=(code,), withheld=("income",), done=("name",))
    answer, reasons = text(render_result_letter(POLICY, d)), text(render_reasons_letter(POLICY, d))
    for t in (answer, reasons):
        assert re.sub(r"\s+", "", reason(code).ja) in t and article in t
        assert "個人情報保護法第36条" in t
    assert "開示しない項目年収" in answer
    assert "理由の通知" in reasons and "その一部について請求に応じないこと" in reasons and "対象の項目年収" in reasons


def test_refusal_on_identity_names_the_order():
    d = decision(outcome="refused", grounds=("APPI-ORDER-12-3",))
    t = text(render_reasons_letter(POLICY, d))
    assert "請求に応じないことを決定" in t and "個人情報保護法施行令第12条第3号" in t


def test_erasure_answer_names_the_record_kept_under_retention():
    kept = KeptRecord(item="payment_history", where="core_banking:crm.loans", basis="貸金業法第19条（帳簿の保存）",
                      until=dt.date(2036, 3, 31))
    d = decision(request_type="erasure", outcome="partial", done=("name", "phone"), kept=(kept,))
    t = text(render_result_letter(POLICY, d))
    assert "保有個人データの消去の請求に対する回答" in t and "消去した項目氏名、電話番号" in t
    assert "消去しなかった記録とその理由" in t
    assert "支払状況core_banking:crm.loans" in t  # a source the program does not declare stays as written and "貸金業法第19条（帳簿の保存）" in t
    assert "令和18年3月31日" in t
    assert re.sub(r"\s+", "", reason("REQ-RETAINED").ja) in t and "個人情報保護法第35条第7項" in t


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"outcome": "refused"}, "grounds", "APPI-36"),
    ({"outcome": "partial", "grounds": ("APPI-99",)}, "grounds[0]", "LETTER-GROUND"),
    ({"request_type": "complaint"}, "request_type", "LETTER-TYPE"),
    ({"outcome": "maybe"}, "outcome", "LETTER-OUTCOME"),
    ({"decided_on": dt.date(2026, 10, 1)}, "decided_on", "LETTER-DATES"),
    ({"outcome": "partial", "kept": (KeptRecord("name", "vault.records", grounds=()),)}, "kept[0].grounds",
     "APPI-36"),
], ids=["no-reasons", "unknown-code", "bad-type", "bad-outcome", "dates", "kept-without-ground"])
def test_a_letter_is_not_written_from_a_bad_decision(change, field, rule):
    with pytest.raises(LetterError) as info:
        render_result_letter(POLICY, decision(**change))
    assert (info.value.field, info.value.rule) == (field, rule)
    assert "山田" not in str(info.value)


def test_reasons_letter_only_for_refusals():
    with pytest.raises(LetterError):
        render_reasons_letter(POLICY, decision())


def test_letters_escape_what_they_print():
    t = render_result_letter(POLICY, decision(addressee="<b>x</b>"))
    assert "<b>x</b>" not in t and "&lt;b&gt;x&lt;/b&gt;" in t
