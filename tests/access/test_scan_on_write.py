"""Free text typed by staff is scanned on write: special-care information or a My Number in a memo is
judged by the acquisition rules instead of being stored silently (APPI Art. 20(2); My Number Act Art. 20)."""

from __future__ import annotations

import pytest
from _support import MINIMAL, ConsentFor
from sqlalchemy import text

from hogo.access.service import AccessDenied, ConsentView
from hogo.policy.loader import load
from hogo.policy.models import Item
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing


class ApplicationConsentInForce(ConsentFor):
    """The person signed the application consent, which covers credit screening."""

    def view(self, session, subject_id):
        return ConsentView(valid_documents=frozenset({"application_consent"}))


def program_with_memo():
    policy = load(MINIMAL).policy
    memo = Item(id="memo", name={"ja": "応対メモ"}, category="attribute", format="text", subject_types=["customer"])
    purposes = [p.model_copy(update={"items": [*p.items, "memo"]}) if p.id in ("credit_screening", "marketing")
                else p for p in policy.purposes]
    roles = [r.model_copy(update={"categories": [*r.categories, "attribute"]}) for r in policy.roles]
    return policy.model_copy(update={"items": [*policy.items, memo], "purposes": purposes, "roles": roles})


@pytest.fixture
def hm(db_url):
    hogo = open_hogo(program_with_memo(), db_url, keyring=KeyRing.generate())
    hogo.access.consent = ConsentFor("credit_screening")
    yield hogo
    hogo.close()


def counts(h):
    with h.sessions() as s:
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("records", "audit_entries")}


@pytest.fixture
def people(hm):
    marketer = hm.access.create_actor("marketer", "marketing_staff").id
    screener = hm.access.create_actor("screener", "screening_staff").id
    sid = hm.access.create_subject(screener, "customer", purpose_id="credit_screening")
    return marketer, screener, sid


def test_plain_memo_is_stored(hm, people):
    marketer, _, sid = people
    hm.access.write(marketer, sid, {"memo": "来店予定は明日の午後です。"}, purpose_id="marketing")
    assert hm.access.read(marketer, sid, ["memo"], purpose_id="marketing").values == {"memo": "来店予定は明日の午後です。"}


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("ご本人より、糖尿病で通院中とのこと。", {"APPI-20-2", "DET-SPECIAL-CARE"}),
        ("本人確認時にマイナンバー 123456789018 を伺った", {"MNA-20", "DET-MY-NUMBER"}),
    ],
)
def test_special_care_or_my_number_in_a_memo_is_refused_and_only_audited(hm, people, memo, expected):
    marketer, _, sid = people
    before = counts(hm)
    with pytest.raises(AccessDenied) as info:
        hm.access.write(marketer, sid, {"memo": memo}, purpose_id="marketing")
    assert expected <= set(info.value.withheld["memo"])
    after = counts(hm)
    assert after == {"records": before["records"], "audit_entries": before["audit_entries"] + 1}
    assert memo not in str(info.value)


def test_special_care_memo_under_a_consent_that_covers_the_purpose_is_stored(hm, people):
    _, screener, sid = people
    hm.access.consent = ApplicationConsentInForce("credit_screening")
    hm.access.write(screener, sid, {"memo": "糖尿病で通院中（申込書の同意あり）"}, purpose_id="credit_screening")
    assert hm.access.read(screener, sid, ["memo"], purpose_id="credit_screening").values["memo"].startswith("糖尿病")
