"""``hogo policy diff``: each edit of the program is classified by the step the law requires."""

import copy
import dataclasses
from pathlib import Path

import pytest
import yaml

from hogo.law.reasons import Requirement as LawRequirement
from hogo.law.reasons import reason
from hogo.policy.diff import STRENGTH, Change, Requirement, diff_policies, strongest
from hogo.policy.models import Policy

MINIMAL = Path(__file__).parents[1] / "fixtures" / "minimal.yaml"
BASE = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))

R = Requirement

JOINT = {
    "id": "group", "name": "グループ共同利用", "items": ["name", "address"],
    "members": [{"name": "ほごリース株式会社", "address": "東京都港区1-1"}],
    "purposes": ["与信判断のため"],
    "responsible": {"name": "株式会社ほごクレジット", "address": "東京都千代田区丸の内1-1-1"},
    "responsible_representative": "代表取締役 保護 太郎",
}
CONSENT_RECIPIENT = {"id": "partner", "name": "提携株式会社", "basis": "consent", "items": ["name"]}
OPT_OUT_RECIPIENT = {
    "id": "broker", "name": "名簿株式会社", "basis": "opt_out", "items": ["name"], "method": "電子データの送信",
    "opt_out": {"acquisition_method": "申込書", "provision_method": "電子データの送信",
                "request_method": "お客様相談室へのお電話"},
}


# --- small dict mutators ---------------------------------------------------------------------------


def _dig(d, path):
    for k in path:
        d = d.setdefault(k, {}) if isinstance(d, dict) else d[k]
    return d


def put(*path, value):
    def m(d):
        _dig(d, path[:-1])[path[-1]] = copy.deepcopy(value)
    return m


def add(*path, value):
    def m(d):
        parent = _dig(d, path[:-1])
        parent.setdefault(path[-1], []).append(copy.deepcopy(value))
    return m


def drop(*path):
    def m(d):
        del _dig(d, path[:-1])[path[-1]]
    return m


def both(*mutators):
    def m(d):
        for f in mutators:
            f(d)
    return m


def nothing(d):
    pass


def _policy(mutate) -> Policy:
    data = copy.deepcopy(BASE)
    mutate(data)
    return Policy.model_validate(data)


def _diff(base, change):
    old = _policy(base)
    new = _policy(both(base, change))
    return diff_policies(old, new)


def _at(changes: list[Change], path: str) -> Change:
    found = [c for c in changes if c.path == path]
    assert len(found) == 1, f"{path} not found once in {[c.path for c in changes]}"
    return found[0]


with_joint = add("joint_uses", value=JOINT)
with_opt_out = add("recipients", value=OPT_OUT_RECIPIENT)
with_consent_recipient = add("recipients", value=CONSENT_RECIPIENT)

# (case id, shared setup, the edit, the changed path, expected requirement, articles that must be cited)
CASES = [
    # purposes (Act 17(2), 18(1), 21(3))
    ("B01-purpose-text-within-scope", nothing,
     put("purposes", 1, "text", value="既存及び新規の商品・サービスのご案内のため"),
     "purposes[marketing].text", R.NOTIFY_OR_PUBLISH, ("APPI-17-2", "APPI-21-3")),
    ("purpose-added-plain", nothing,
     add("purposes", value={"id": "aftercare", "text": "ご契約後のお問合せ対応のため", "items": ["name", "phone"]}),
     "purposes[aftercare]", R.NOTIFY_OR_PUBLISH, ("APPI-17-2", "APPI-21-3")),
    ("B02-new-provision-purpose", nothing,
     add("purposes", value={"id": "partner_marketing", "text": "提携先のマーケティングのための提供",
                            "items": ["name", "address"], "provision": True}),
     "purposes[partner_marketing]", R.CONSENT, ("APPI-17-2", "APPI-18-1", "APPI-27-1")),
    ("purpose-added-with-special-care", nothing,
     both(add("items", value={"id": "medical", "name": "病歴", "category": "special_care"}),
          add("purposes", value={"id": "insurance", "text": "保険引受のため", "items": ["medical"]})),
     "purposes[insurance]", R.CONSENT, ("APPI-18-1", "APPI-20-2")),
    ("purpose-direct-marketing-turned-on", nothing,
     put("purposes", 0, "direct_marketing", value=True),
     "purposes[credit_screening].direct_marketing", R.CONSENT, ("APPI-17-2", "APPI-18-1")),
    ("purpose-provision-turned-on", nothing,
     put("purposes", 1, "provision", value=True),
     "purposes[marketing].provision", R.CONSENT, ("APPI-27-1",)),
    ("purpose-category-highly-sensitive", nothing,
     add("purposes", 0, "categories", value="highly_sensitive"),
     "purposes[credit_screening].categories[highly_sensitive]", R.CONSENT, ("FIN-GL-5",)),
    ("purpose-item-ordinary", nothing,
     add("purposes", 1, "items", value="phone"),
     "purposes[marketing].items[phone]", R.NOTIFY_OR_PUBLISH, ("APPI-17-2",)),
    ("purpose-item-narrowed", nothing,
     put("purposes", 0, "items", value=["name", "address"]),
     "purposes[credit_screening].items[phone]", R.NONE, ()),
    ("purpose-removed", nothing, lambda d: d["purposes"].pop(1),
     "purposes[marketing]", R.NONE, ()),
    ("my-number-affair-added", nothing,
     add("purposes", value={"id": "social_insurance", "text": "健康保険・厚生年金保険届出事務のため",
                            "subject_types": ["employee"], "items": ["my_number"], "my_number": True}),
     "purposes[social_insurance]", R.NOTIFY_OR_PUBLISH, ("MNA-9",)),
    ("my-number-outside-affairs", nothing,
     add("purposes", 1, "items", value="my_number"),
     "purposes[marketing].items[my_number]", R.CONSENT, ("MNA-9",)),
    # items (Act 20(2))
    ("special-care-item-acquired", nothing,
     add("items", value={"id": "medical", "name": "病歴", "category": "special_care"}),
     "items[medical]", R.CONSENT, ("APPI-20-2",)),
    ("ordinary-item-acquired", nothing,
     add("items", value={"id": "email", "name": "メールアドレス", "category": "identifying"}),
     "items[email]", R.NONE, ("APPI-21-1",)),
    # third-party provision (Act 27, 28)
    ("recipient-consent-added", nothing, with_consent_recipient,
     "recipients[partner]", R.CONSENT, ("APPI-27-1",)),
    ("recipient-opt-out-added", nothing, with_opt_out,
     "recipients[broker]", R.PRIOR_NOTICE, ("APPI-27-2", "APPI-27-3")),
    ("recipient-laws-added", nothing,
     add("recipients", value={"id": "police", "name": "警察署", "basis": "laws", "items": ["address"]}),
     "recipients[police]", R.NONE, ("APPI-27-1-1",)),
    ("recipient-foreign-added", nothing,
     add("recipients", value={**CONSENT_RECIPIENT, "country": "US"}),
     "recipients[partner]", R.CONSENT, ("APPI-28-1",)),
    ("recipient-items-widened", with_consent_recipient,
     add("recipients", 0, "items", value="income"),
     "recipients[partner].items[income]", R.CONSENT, ("APPI-27-1",)),
    ("opt-out-items-widened", with_opt_out,
     add("recipients", 0, "items", value="phone"),
     "recipients[broker].items[phone]", R.PRIOR_NOTICE, ("APPI-27-3",)),
    ("opt-out-method-changed", with_opt_out,
     put("recipients", 0, "opt_out", "provision_method", value="CD-Rの郵送"),
     "recipients[broker].opt_out.provision_method", R.PRIOR_NOTICE, ("APPI-27-3",)),
    ("recipient-removed", with_consent_recipient, put("recipients", value=[]),
     "recipients[partner]", R.NONE, ()),
    # cross-border (Act 28)
    ("cross-border-consent", nothing,
     add("cross_border", value={"id": "us_cloud", "recipient": "Example Cloud Inc.", "countries": ["US"],
                                "basis": "consent", "items": ["name"]}),
     "cross_border[us_cloud]", R.CONSENT, ("APPI-28-1", "APPI-28-2")),
    ("cross-border-equivalent-system", nothing,
     add("cross_border", value={"id": "us_cloud", "recipient": "Example Cloud Inc.", "countries": ["US"],
                                "basis": "equivalent_system", "items": ["name"]}),
     "cross_border[us_cloud]", R.NOTIFY_OR_PUBLISH, ("APPI-28-1", "APPI-28-3")),
    ("cross-border-adequate-country", nothing,
     add("cross_border", value={"id": "uk_bpo", "recipient": "Example BPO Ltd.", "countries": ["GB"],
                                "basis": "adequate_country", "items": ["name"]}),
     "cross_border[uk_bpo]", R.NOTIFY_OR_PUBLISH, ("APPI-28-1",)),
    # joint use (Act 27(5)(iii), 27(6))
    ("joint-use-started", nothing, with_joint,
     "joint_uses[group]", R.PRIOR_NOTICE, ("APPI-27-5-3",)),
    ("joint-use-purpose-changed", with_joint,
     put("joint_uses", 0, "purposes", value=["与信判断及び債権管理のため"]),
     "joint_uses[group].purposes[与信判断及び債権管理のため]", R.PRIOR_NOTICE, ("APPI-27-6",)),
    ("joint-use-responsible-replaced", with_joint,
     put("joint_uses", 0, "responsible", "name", value="ほごリース株式会社"),
     "joint_uses[group].responsible.name", R.PRIOR_NOTICE, ("APPI-27-6",)),
    ("C08-responsible-address-changed", with_joint,
     put("joint_uses", 0, "responsible", "address", value="東京都港区芝公園1-1-1"),
     "joint_uses[group].responsible.address", R.NOTIFY_OR_PUBLISH, ("APPI-27-6",)),
    ("joint-use-representative-changed", with_joint,
     put("joint_uses", 0, "responsible_representative", value="代表取締役 保護 花子"),
     "joint_uses[group].responsible_representative", R.NOTIFY_OR_PUBLISH, ("APPI-27-6",)),
    ("joint-use-items-extended", with_joint,
     add("joint_uses", 0, "items", value="income"),
     "joint_uses[group].items[income]", R.CONSENT, ("APPI-27-5-3",)),
    ("joint-use-members-extended", with_joint,
     add("joint_uses", 0, "members", value={"name": "ほご保証株式会社"}),
     "joint_uses[group].members[ほご保証株式会社]", R.CONSENT, ("APPI-27-5-3",)),
    ("joint-use-member-left", with_joint, put("joint_uses", 0, "members", value=[]),
     "joint_uses[group].members[ほごリース株式会社]", R.NONE, ()),
    # outsourcing (Act 25, 27(5)(i), 28)
    ("outsourcee-domestic", nothing,
     add("outsourcing", "outsourcees", value={"id": "printer", "name": "ほご印刷株式会社", "service": "印刷・発送",
                                              "items": ["name", "address"]}),
     "outsourcing.outsourcees[printer]", R.NONE, ("APPI-25",)),
    ("outsourcee-eu", nothing,
     add("outsourcing", "outsourcees", value={"id": "dc", "name": "Example DC Ltd.", "service": "データセンター",
                                              "country": "IE", "items": ["name"]}),
     "outsourcing.outsourcees[dc]", R.NONE, ("APPI-25",)),
    ("outsourcee-foreign", nothing,
     add("outsourcing", "outsourcees", value={"id": "callcenter", "name": "Example BPO Inc.", "service": "コールセンター",
                                              "country": "PH", "items": ["name", "phone"]}),
     "outsourcing.outsourcees[callcenter]", R.CONSENT, ("APPI-28-1",)),
    ("outsourcee-foreign-equivalent-system", nothing,
     both(add("outsourcing", "outsourcees", value={"id": "callcenter", "name": "Example BPO Inc.",
                                                   "service": "コールセンター", "country": "PH", "items": ["name"]}),
          add("cross_border", value={"id": "bpo", "recipient": "Example BPO Inc.", "countries": ["PH"],
                                     "basis": "equivalent_system", "items": ["name"]})),
     "outsourcing.outsourcees[callcenter]", R.NOTIFY_OR_PUBLISH, ("APPI-28-3",)),
    # matters to make knowable (Act 32(1))
    ("organization-renamed", nothing, put("organization", "name", value="株式会社ほごファイナンス"),
     "organization.name", R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("organization-moved-with-opt-out", with_opt_out,
     put("organization", "address", value="大阪府大阪市北区梅田1-1-1"),
     "organization.address", R.NOTIFY_OR_PUBLISH, ("APPI-32-1", "APPI-27-3")),
    ("representative-changed", nothing,
     put("organization", "representative", "name", value="保護 花子"),
     "organization.representative.name", R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("fee-changed", nothing, put("requests", "procedures", 1, "fees", 0, "amount_yen", value=500),
     "requests.procedures[disclosure].fees[0].amount_yen", R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("desk-phone-changed", nothing, put("desks", 0, "phone", value="0120-111-111"),
     "desks[privacy_desk].phone", R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("security-measure-added", nothing,
     add("security", "technical", value="通信を暗号化しています。"),
     "security.technical[通信を暗号化しています。]", R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("retention-changed", nothing, put("retention", 1, "period", "years", value=7),
     "retention[customer_identity].period.years", R.NONE, ("APPI-22",)),
    # credit bureaus
    ("bureau-period-changed", nothing,
     put("credit_bureaus", 0, "registrations", 0, "period", "months", value=12),
     "credit_bureaus[cic].registrations[申込情報].period.months", R.NOTIFY_OR_PUBLISH, ()),
    ("bureau-added", nothing,
     add("credit_bureaus", value={"id": "jicc", "name": "株式会社日本信用情報機構(JICC)", "address": "東京都台東区",
                                  "phone": "0570-055-955", "provided_items": ["name"]}),
     "credit_bureaus[jicc]", R.CONSENT, ("APPI-27-1",)),
    ("bureau-items-widened", nothing, add("credit_bureaus", 0, "provided_items", value="income"),
     "credit_bureaus[cic].provided_items[income]", R.CONSENT, ("APPI-27-1",)),
    ("bureau-phone-changed", nothing, put("credit_bureaus", 0, "phone", value="0570-666-414"),
     "credit_bureaus[cic].phone", R.NOTIFY_OR_PUBLISH, ()),
]


@pytest.mark.parametrize(("case", "base", "change", "path", "requirement", "articles"), CASES,
                         ids=[c[0] for c in CASES])
def test_classification(case, base, change, path, requirement, articles):
    found = _at(_diff(base, change), path)
    assert found.requirement is requirement, found.message_en
    assert set(articles) <= set(found.articles), found.articles
    assert found.message_ja.startswith(path) and found.message_en.startswith(path)


def test_c08_address_is_without_delay_not_in_advance():
    c = _at(_diff(with_joint, put("joint_uses", 0, "responsible", "address", value="東京都港区芝公園1-1-1")),
            "joint_uses[group].responsible.address")
    assert c.requirement is R.NOTIFY_OR_PUBLISH and STRENGTH.index(c.requirement) < STRENGTH.index(R.PRIOR_NOTICE)
    assert "遅滞なく" in c.message_ja and "without delay" in c.message_en
    assert c.kind == "changed" and c.before == "東京都千代田区丸の内1-1-1" and c.after == "東京都港区芝公園1-1-1"


def test_b01_notes_that_beyond_the_related_scope_needs_consent():
    c = _at(_diff(nothing, put("purposes", 1, "text", value="既存及び新規の商品・サービスのご案内のため")),
            "purposes[marketing].text")
    assert "同意" in c.message_ja and "18条1項" in c.message_ja and "consent" in c.message_en
    assert c.before == "新商品・サービスのご案内のため"


def test_b02_says_why_consent_is_needed():
    c = _at(_diff(nothing, add("purposes", value={"id": "p", "text": "提携先への提供", "provision": True})),
            "purposes[p]")
    assert c.kind == "added" and c.before is None and c.after == "提携先への提供 (p)"
    assert "第三者提供" in c.message_ja


def test_identical_and_reordered_policies_have_no_changes():
    assert diff_policies(_policy(nothing), _policy(nothing)) == []
    assert strongest([]) is R.NONE

    def reorder(d):
        d["purposes"].reverse()
        d["items"].reverse()
        d["security"]["technical"].reverse()
    assert diff_policies(_policy(nothing), _policy(reorder)) == []


def test_only_english_changed_shows_the_english_text():
    c = _at(_diff(nothing, put("purposes", 1, "text", value={"ja": "新商品・サービスのご案内のため",
                                                               "en": "To tell you about new products"})),
            "purposes[marketing].text")
    assert c.before == "To inform you of new products and services" and c.after == "To tell you about new products"


def test_every_cited_article_is_a_registered_reason():
    for _case, base, change, *_ in CASES:
        for c in _diff(base, change):
            for code in c.articles:
                assert reason(code).code == code


def test_requirements_are_the_law_cores_and_strongest_follows_strength_not_spelling():
    assert Requirement is LawRequirement
    assert STRENGTH == (R.NONE, R.NOTIFY_OR_PUBLISH, R.PRIOR_NOTICE, R.CONSENT)
    assert [str(r) for r in STRENGTH] == ["none", "notify_or_publish", "prior_notice", "consent"]
    # alphabetically "prior_notice" > "notify_or_publish" > "none" > "consent": the order must not come from that
    changes = _diff(nothing, both(put("organization", "name", value="株式会社ほごファイナンス"), with_opt_out))
    assert strongest(changes) is R.PRIOR_NOTICE
    changes = _diff(nothing, both(with_opt_out, with_consent_recipient))
    assert strongest(changes) is R.CONSENT
    changes = _diff(nothing, both(put("organization", "name", value="株式会社ほごファイナンス"),
                                  put("retention", 1, "period", "years", value=7)))
    assert strongest(changes) is R.NOTIFY_OR_PUBLISH


def test_a_change_only_carries_a_ranked_requirement():
    with pytest.raises(ValueError, match="notify_or_publish"):
        Change("x", "changed", R.SUPERVISION, (), "", "")


def test_change_is_frozen_and_serialisable():
    c = _diff(nothing, put("organization", "name", value="株式会社ほごファイナンス"))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.requirement = R.NONE  # type: ignore[misc]
    d = c.as_dict()
    assert d["path"] == "organization.name" and d["requirement"] == "notify_or_publish"
    assert d["before"] == "株式会社ほごクレジット" and d["after"] == "株式会社ほごファイナンス"


# --- cross-border parties (Act 28) ---------------------------------------------------------------------

PH_CALLCENTER = {"id": "callcenter", "name": "Example BPO Inc.", "service": "コールセンター", "country": "PH",
                 "items": ["name"]}
with_callcenter = add("outsourcing", "outsourcees", value=PH_CALLCENTER)


def _transfer(basis, parties=(), recipient="Example Group", countries=("PH",)):
    return add("cross_border", value={"id": f"t_{basis}", "recipient": recipient, "parties": list(parties),
                                      "countries": list(countries), "basis": basis, "items": ["name"]})


@pytest.mark.parametrize(("transfers", "requirement"), [
    # listed in parties of a 基準適合体制 transfer whose recipient is named differently (a group contract)
    ([_transfer("equivalent_system", parties=["callcenter"])], R.NOTIFY_OR_PUBLISH),
    # parties decide: a same-name 基準適合体制 entry does not count once another entry lists the outsourcee
    ([_transfer("consent", parties=["callcenter"]),
      _transfer("equivalent_system", recipient="Example BPO Inc.")], R.CONSENT),
    # listed, but the transfer covers another country only
    ([_transfer("equivalent_system", parties=["callcenter"], countries=["IN"])], R.CONSENT),
    # listed in an entry for another party only: fall back to the name, which matches
    ([_transfer("equivalent_system", parties=["someone_else"], recipient="Example BPO Inc.")], R.NOTIFY_OR_PUBLISH),
    # an "adequate country" entry cannot cover the Philippines
    ([_transfer("adequate_country", parties=["callcenter"])], R.CONSENT),
], ids=["parties-equivalent-system", "parties-override-name", "country-not-covered", "name-fallback",
        "adequate-country-misdeclared"])
def test_outsourcee_is_matched_to_its_transfer_by_parties(transfers, requirement):
    c = _at(_diff(both(*transfers), with_callcenter), "outsourcing.outsourcees[callcenter]")
    assert c.requirement is requirement, c.message_en
    assert "APPI-28-1" in c.articles


def test_outsourcee_country_change_is_checked_against_parties():
    base = both(with_callcenter, _transfer("equivalent_system", parties=["callcenter"]))
    moved = _at(_diff(base, put("outsourcing", "outsourcees", 0, "country", value="VN")),
                "outsourcing.outsourcees[callcenter].country")
    assert moved.requirement is R.CONSENT and "VN" in moved.message_ja
    to_eu = _at(_diff(base, put("outsourcing", "outsourcees", 0, "country", value="DE")),
                "outsourcing.outsourcees[callcenter].country")
    assert to_eu.requirement is R.NONE and "APPI-25" in to_eu.articles


def test_foreign_opt_out_recipient_with_a_standards_meeting_system_needs_prior_notice():
    recipient = add("recipients", value={**OPT_OUT_RECIPIENT, "country": "US"})
    covered = _at(_diff(_transfer("equivalent_system", parties=["broker"], countries=["US"]), recipient),
                  "recipients[broker]")
    assert covered.requirement is R.PRIOR_NOTICE
    assert {"APPI-27-2", "APPI-28-1", "APPI-28-3"} <= set(covered.articles) and "28条3項" in covered.message_ja
    uncovered = _at(_diff(nothing, recipient), "recipients[broker]")
    assert uncovered.requirement is R.CONSENT and "APPI-28-2" in uncovered.articles


def test_transfer_parties_widened_and_narrowed():
    base = _transfer("consent", parties=["callcenter"])
    widened = _at(_diff(base, add("cross_border", 0, "parties", value="printer")),
                  "cross_border[t_consent].parties[printer]")
    assert widened.requirement is R.CONSENT and "APPI-28-2" in widened.articles
    narrowed = _at(_diff(base, put("cross_border", 0, "parties", value=[])),
                   "cross_border[t_consent].parties[callcenter]")
    assert narrowed.requirement is R.NONE


# --- fields the schema gained --------------------------------------------------------------------------

NEW_FIELD_CASES = [
    ("cross-border-statement", nothing,
     add("cross_border_statement", value="外国にある第三者に提供する場合は、あらかじめ本人の同意を得ます。"),
     "cross_border_statement[外国にある第三者に提供する場合は、あらかじめ本人の同意を得ます。]",
     R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("joint-use-published-in", with_joint,
     put("joint_uses", 0, "published_in", value="当社ウェブサイト「共同利用について」"),
     "joint_uses[group].published_in", R.NOTIFY_OR_PUBLISH, ("APPI-27-5-3",)),
    ("joint-use-note", with_joint,
     add("joint_uses", 0, "note", value="共同利用者は与信判断以外に利用しません。"),
     "joint_uses[group].note[共同利用者は与信判断以外に利用しません。]", R.NOTIFY_OR_PUBLISH, ("APPI-27-5-3",)),
    ("fee-no-longer-stated", nothing, put("requests", "procedures", 1, "fees", 0, "amount_yen", value=None),
     "requests.procedures[disclosure].fees[0].amount_yen", R.NOTIFY_OR_PUBLISH, ("APPI-32-1",)),
    ("retention-counted-from-another-event", nothing, put("retention", 1, "period", "from", value="full_repayment"),
     "retention[customer_identity].period.from", R.NONE, ("APPI-22",)),
    ("bureau-period-counted-from-another-event", nothing,
     put("credit_bureaus", 0, "registrations", 0, "period", "from", value="application"),
     "credit_bureaus[cic].registrations[申込情報].period.from", R.NOTIFY_OR_PUBLISH, ("APPI-27-1",)),
    ("notice-we", nothing, put("notice", "we", value="弊社"), "notice.we", R.NONE, ()),
]


@pytest.mark.parametrize(("case", "base", "change", "path", "requirement", "articles"), NEW_FIELD_CASES,
                         ids=[c[0] for c in NEW_FIELD_CASES])
def test_new_schema_fields(case, base, change, path, requirement, articles):
    found = _at(_diff(base, change), path)
    assert found.requirement is requirement, found.message_en
    assert set(articles) <= set(found.articles), found.articles
    for code in found.articles:
        assert reason(code).code == code


def test_fee_no_longer_stated_shows_the_old_amount():
    c = _at(_diff(nothing, put("requests", "procedures", 1, "fees", 0, "amount_yen", value=None)),
            "requests.procedures[disclosure].fees[0].amount_yen")
    assert c.kind == "removed" and c.before == "1000" and c.after is None


def test_period_event_is_shown_by_its_value():
    c = _at(_diff(nothing, put("retention", 1, "period", "from", value="full_repayment")),
            "retention[customer_identity].period.from")
    assert c.before == "contract_end" and c.after == "full_repayment"


# --- joint use widened (Act 27(1), 27(5)(iii)) --------------------------------------------------------


@pytest.mark.parametrize(("change", "path"), [
    (add("joint_uses", 0, "items", value="income"), "joint_uses[group].items[income]"),
    (add("joint_uses", 0, "members", value={"name": "ほご保証株式会社"}), "joint_uses[group].members[ほご保証株式会社]"),
], ids=["items", "members"])
def test_widened_joint_use_needs_consent_but_a_new_one_for_new_data_only_prior_notice(change, path):
    c = _at(_diff(with_joint, change), path)
    assert c.requirement is R.CONSENT
    assert {"APPI-27-1", "APPI-27-5-3"} <= set(c.articles)
    assert "法27条1項" in c.message_ja and "法27条5項3号" in c.message_ja
    assert "Art. 27(1)" in c.message_en and "Art. 27(5)(iii)" in c.message_en
    assert "新たに取得する個人データ" in c.message_ja and "同意は要せず" in c.message_ja
    assert "newly acquired data needs no consent: prior notice only" in c.message_en


# --- connectors: the company's own databases a request reaches (internal) ----------------------------------

CRM = {"id": "crm", "name": "顧客管理システム", "url": "postgresql://app:${CRM_DB_PASSWORD}@crm.internal/crm",
       "tables": [{"table": "customers", "subject_key": "customer_no", "key_item": "external_ref",
                   "columns": {"full_name": "name", "tel": "phone"}}]}
with_crm = add("connectors", value=CRM)

CONNECTOR_CASES = [
    ("connector-added", nothing, add("connectors", value=CRM), "connectors[crm]"),
    ("connector-removed", with_crm, drop("connectors"), "connectors[crm]"),
    ("connector-url", with_crm, put("connectors", 0, "url", value="postgresql://app:${CRM_PW}@crm2.internal/crm"),
     "connectors[crm].url"),
    ("connector-erasure-action", with_crm, put("connectors", 0, "tables", 0, "on_erasure", value="null_columns"),
     "connectors[crm].tables[0].on_erasure"),
]


@pytest.mark.parametrize(("case", "base", "change", "path"), CONNECTOR_CASES, ids=[c[0] for c in CONNECTOR_CASES])
def test_connector_changes_require_nothing_of_the_public(case, base, change, path):
    changes = _diff(base, change)
    assert changes, "the change is seen"
    assert all(c.requirement is R.NONE for c in changes), [(c.path, c.requirement) for c in changes]
    assert all(c.path.startswith("connectors") for c in changes)
    found = [c for c in changes if c.path.startswith(path)]
    assert found, [c.path for c in changes]
    for c in found:
        assert set(c.articles) == {"APPI-33-1", "APPI-35-1"}
        assert "社内管理事項" in c.message_ja and "internal" in c.message_en
        assert "${CRM" not in (c.message_ja + c.message_en)  # the URL is shown only as before/after
