"""Every lint rule fires on a program that breaks it, at the right node, and stays silent when it is fixed.

Cases start from tests/fixtures/minimal.yaml (a clean program) and change one thing in its parsed YAML.
A failing case names the code and the paths the findings must point at; a passing case is a change that
keeps (or makes) the program right for that rule. A final test checks that every registered rule has both.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from hogo import clock
from hogo.law.reasons import REASONS
from hogo.policy.lint import RULES, Severity, has_errors, lint
from hogo.policy.loader import load, parse

MINIMAL = Path(__file__).parents[1] / "fixtures" / "minimal.yaml"
BASE = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))

Mutator = Callable[[dict], None]


# --- building programs ------------------------------------------------------------------------------------


def _walk(d, path):
    for key in path[:-1]:
        if isinstance(key, str) and key not in d:
            d[key] = {}
        d = d[key]
    return d, path[-1]


def put(path: tuple, value) -> Mutator:
    """Set the value at ``path`` (missing mappings on the way are created)."""
    def m(d):
        parent, key = _walk(d, path)
        parent[key] = copy.deepcopy(value)
    return m


def add(path: tuple, *values) -> Mutator:
    """Append to the list at ``path`` (created if missing)."""
    def m(d):
        parent, key = _walk(d, path)
        parent.setdefault(key, []).extend(copy.deepcopy(list(values)))
    return m


def drop(path: tuple) -> Mutator:
    def m(d):
        parent, key = _walk(d, path)
        del parent[key]
    return m


def seq(*mutators: Mutator) -> Mutator:
    def m(d):
        for x in mutators:
            x(d)
    return m


def program(mutate: Mutator | None = None):
    data = copy.deepcopy(BASE)
    if mutate:
        mutate(data)
    return parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "<test>")


def item(id_, category, **kw):
    return {"id": id_, "name": {"ja": id_, "en": id_}, "category": category, "subject_types": ["customer"], **kw}


def recipient(**kw):
    return {"id": "partner", "name": {"ja": "提携先株式会社", "en": "Partner Co."}, "basis": "consent",
            "items": ["name", "address"], **kw}


def opt_out_block(**kw):
    return {"ppc_filed_on": dt.date(2026, 1, 10), "acquisition_method": "申込書により取得",
            "provision_method": "電子ファイルの送付", "request_method": "お客様相談室へ電話",
            "update_method": "毎月更新", "start_date": dt.date(2026, 3, 1), **kw}


PROVISION_PURPOSE = {"id": "list_provision", "text": {"ja": "第三者への提供", "en": "Provision to third parties"},
                     "items": ["name", "address"], "provision": True}


def joint_use(**kw):
    return {"id": "group", "name": {"ja": "グループ共同利用", "en": "Group joint use"}, "items": ["name", "address"],
            "members": [{"name": "ほごリース株式会社"}], "purposes": ["グループの商品のご案内"],
            "responsible": {"name": "株式会社ほごクレジット", "address": "東京都千代田区丸の内1-1-1"},
            "responsible_representative": "代表取締役 保護 太郎", **kw}


PUBLISHED = {"ja": "当社ウェブサイト「顧客情報の共同利用について」", "en": "our web page on joint use"}


def outsourcee(**kw):
    return {"id": "vendor", "name": "委託先株式会社", "service": "発送業務", "items": ["name", "address"],
            "contract_clauses": ["confidentiality"], **kw}


def with_outsourcee(**kw) -> Mutator:
    return seq(put(("outsourcing", "clauses"), {"confidentiality": "秘密保持"}),
               add(("outsourcing", "outsourcees"), outsourcee(**kw)))


def cross_border(**kw):
    return {"id": "us_cloud", "recipient": "米国クラウド事業者", "countries": ["US"], "basis": "consent",
            "country_system": "米国の制度の概要", "recipient_measures": "OECDプライバシーガイドラインに沿った措置",
            **kw}


FOREIGN_VENDOR = seq(
    with_outsourcee(country="US"),
    add(("cross_border",), cross_border()),
    add(("consent_documents", 0, "cross_border"), "us_cloud"),
    put(("security", "external_environment"), ["米国の制度を把握した上で安全管理措置を実施しています。"]),
    put(("security", "foreign_handling"), ["US"]),
)

def last_check(days_ago: int, ensured: bool = True) -> dict:
    """A periodic-check result dated ``days_ago`` days before the Japanese today."""
    return {"checked_on": clock.today() - dt.timedelta(days=days_ago), "measures_ensured": ensured}


EQUIVALENT = {"basis": "equivalent_system", "periodic_check": "年1回、監査報告書で確認"}
UNIDENTIFIED = {"countries": [], "country_system": None, "unidentified_reason": "委託先を選定中のため"}

HIGHLY = item("religion", "highly_sensitive", necessity="本人確認のため必要不可欠")
SPECIAL = item("medical_history", "special_care")
DM_CONSENT = {"id": "dm_consent", "title": "DM送付の同意", "versions": [{"version": "1", "effective_from": dt.date(2026, 4, 1)}],
              "purposes": ["marketing"]}


# --- the cases --------------------------------------------------------------------------------------------
# (code, mutation, paths the findings of that code must include); FAIL: the code must be reported.

FAIL = [
    ("HG001", add(("purposes", 0, "items"), "nickname"), ["purposes[0].items[5]"]),
    ("HG001", put(("purposes", 0, "subject_types"), ["custmer"]), ["purposes[0].subject_types[0]"]),
    ("HG002", add(("items", 0, "subject_types"), "guest"), ["items[0].subject_types[2]"]),
    ("HG003", seq(add(("consent_documents", 0, "provisions"), "jicc"),
                  add(("consent_documents", 0, "purposes"), "nope"),
                  add(("consent_documents", 0, "cross_border"), "abroad"),
                  add(("consent_documents", 0, "items"), "email")),
     ["consent_documents[0].provisions[1]", "consent_documents[0].purposes[1]",
      "consent_documents[0].cross_border[0]", "consent_documents[0].items[0]"]),
    ("HG004", add(("roles", 0, "purposes"), "audit"), ["roles[0].purposes[1]"]),
    ("HG005", seq(add(("retention", 1, "items"), "email"), add(("retention", 1, "subject_types"), "guest")),
     ["retention[1].items[3]", "retention[1].subject_types[1]"]),
    ("HG005", put(("retention", 0, "floor", "bureau"), "jicc"), ["retention[0].floor.bureau"]),
    ("HG005", put(("retention", 0, "floor", "info_type_index"), 2), ["retention[0].floor.info_type_index"]),
    ("HG006", put(("requests", "desk"), "help_desk"), ["requests.desk"]),
    ("HG007", seq(add(("credit_bureaus", 0, "provided_items"), "email"),
                  add(("recipients",), recipient(items=["name", "email"]))),
     ["credit_bureaus[0].provided_items[3]", "recipients[0].items[1]"]),
    ("HG007", seq(with_outsourcee(items=["fax"]), add(("joint_uses",), joint_use(items=["fax"]))),
     ["outsourcing.outsourcees[0].items[0]", "joint_uses[0].items[0]"]),
    ("HG007", seq(with_outsourcee(country="US"), add(("cross_border",), cross_border(parties=["vendor", "cloud"]))),
     ["cross_border[0].parties[1]"]),
    ("HG008", seq(with_outsourcee(), add(("outsourcing", "outsourcees", 0, "contract_clauses"), "audit")),
     ["outsourcing.outsourcees[0].contract_clauses[1]"]),
    ("HG009", add(("items",), item("email", "identifying")), ["items[6]"]),
    ("HG010", put(("purposes", 1, "items"), []), ["purposes[1]"]),
    ("HG011", seq(put(("purposes", 1, "subject_types"), ["employee"]), put(("purposes", 1, "items"), ["name", "phone"])),
     ["purposes[1].items[1]"]),
    ("HG012", add(("purposes", 1, "items"), "my_number"), ["purposes[1].items[2]"]),
    ("HG012", put(("purposes", 1, "categories"), ["my_number"]), ["purposes[1].categories[0]"]),
    ("HG013", seq(put(("purposes", 2, "direct_marketing"), True), put(("purposes", 2, "consent_required"), True),
                  put(("purposes", 2, "provision"), True)),
     ["purposes[2].direct_marketing", "purposes[2].consent_required", "purposes[2].provision"]),
    ("HG013", add(("consent_documents", 0, "purposes"), "withholding"), ["consent_documents[0].purposes[1]"]),
    ("HG014", seq(add(("recipients",), recipient(items=["name", "my_number"])),
                  add(("joint_uses",), joint_use(items=["my_number"])),
                  add(("credit_bureaus", 0, "provided_items"), "my_number")),
     ["recipients[0].items[1]", "joint_uses[0].items[0]", "credit_bureaus[0].provided_items[3]"]),
    ("HG015", with_outsourcee(items=["my_number"]), ["outsourcing.outsourcees[0].items[0]"]),
    ("HG015", with_outsourcee(items=["my_number"], my_number=True, re_outsourcing="allowed"),
     ["outsourcing.outsourcees[0].re_outsourcing"]),
    ("HG016", seq(add(("items",), {**HIGHLY, "necessity": None}), add(("purposes", 0, "items"), "religion")),
     ["items[6]"]),
    ("HG016", seq(add(("items",), HIGHLY), add(("purposes", 0, "items"), "religion"),
                  put(("consent_documents", 0, "explicit_written"), False)), ["purposes[0].items[5]"]),
    ("HG016", seq(add(("items",), HIGHLY), put(("purposes", 0, "categories"), ["highly_sensitive"]),
                  put(("consent_documents", 0, "items"), ["name"])), ["purposes[0].categories[0]"]),
    ("HG017", seq(add(("items",), {**HIGHLY, "collected": False}), add(("purposes", 0, "items"), "religion"),
                  add(("retention", 1, "items"), "religion")),
     ["purposes[0].items[5]", "retention[1].items[3]"]),
    ("HG018", seq(add(("items",), SPECIAL), add(("purposes", 1, "items"), "medical_history")),
     ["purposes[1].items[2]"]),
    ("HG018", seq(add(("items",), SPECIAL), put(("purposes", 1, "categories"), ["special_care"])),
     ["purposes[1].categories[0]"]),
    ("HG019", put(("purposes", 1, "consent_required"), True), ["purposes[1].consent_required"]),
    ("HG020", add(("recipients",), recipient()), ["recipients[0].basis"]),
    ("HG020", put(("consent_documents", 0, "provisions"), []), ["credit_bureaus[0]"]),
    ("HG021", add(("recipients",), recipient(basis="opt_out")), ["recipients[0].basis"]),
    ("HG021", seq(add(("purposes",), PROVISION_PURPOSE),
                  add(("recipients",), recipient(basis="opt_out", items=[],
                                                 opt_out=opt_out_block(ppc_filed_on=None, start_date=None)))),
     ["recipients[0].opt_out", "recipients[0]"]),
    ("HG022", seq(add(("items",), SPECIAL), add(("purposes",), PROVISION_PURPOSE),
                  add(("recipients",), recipient(basis="opt_out", items=["name", "medical_history"],
                                                 acquired_via_opt_out=True, opt_out=opt_out_block()))),
     ["recipients[0].items[1]", "recipients[0].acquired_via_opt_out"]),
    ("HG023", add(("joint_uses",), joint_use(responsible=None)), ["joint_uses[0].responsible"]),
    ("HG023", add(("joint_uses",), joint_use(items=[], members=[], purposes=[], responsible={"name": "当社"})),
     ["joint_uses[0].items", "joint_uses[0].members", "joint_uses[0].purposes", "joint_uses[0].responsible"]),
    ("HG024", add(("joint_uses",), joint_use(responsible_representative=None)), ["joint_uses[0].responsible"]),
    ("HG023", add(("joint_uses",), joint_use(responsible={"name": "当社"})), ["joint_uses[0].responsible"]),
    ("HG025", with_outsourcee(contract_clauses=[]), ["outsourcing.outsourcees[0]"]),
    ("HG026", with_outsourcee(country="US"), ["outsourcing.outsourcees[0].country"]),
    ("HG026", seq(add(("recipients",), recipient(country="SG")), add(("cross_border",), cross_border())),
     ["recipients[0].country"]),
    # an entry listing parties covers only them, not everyone in its countries
    ("HG026", seq(with_outsourcee(country="US"), add(("recipients",), recipient(country="US")),
                  add(("cross_border",), cross_border(parties=["partner"]))),
     ["outsourcing.outsourcees[0].country"]),
    # the general statement is a promise, not a basis
    ("HG026", seq(with_outsourcee(country="US"),
                  put(("cross_border_statement",), ["外国にある委託先に提供する場合には、事前に同意をいただきます。"])),
     ["outsourcing.outsourcees[0].country"]),
    ("HG027", add(("cross_border",), cross_border(basis="adequate_country", countries=["IE", "US"])),
     ["cross_border[0].countries[1]"]),
    ("HG027", add(("cross_border",), cross_border(basis="adequate_country", countries=[])), ["cross_border[0].basis"]),
    ("HG028", add(("cross_border",), cross_border(country_system=None)), ["cross_border[0]"]),
    ("HG028", add(("cross_border",), cross_border(countries=[])), ["cross_border[0].countries"]),
    ("HG029", add(("cross_border",), cross_border(basis="equivalent_system")), ["cross_border[0].basis"]),
    ("HG030", add(("cross_border",), cross_border()), ["cross_border[0].basis"]),
    ("HG031", seq(FOREIGN_VENDOR, put(("security", "external_environment"), [])),
     ["outsourcing.outsourcees[0].country"]),
    ("HG031", seq(FOREIGN_VENDOR, put(("security", "foreign_handling"), ["IE"])),
     ["outsourcing.outsourcees[0].country"]),
    ("HG032", put(("retention", 0, "period", "years"), 3), ["retention[0].period"]),
    ("HG032", put(("retention", 0, "period", "from"), "application"), ["retention[0].period"]),
    ("HG032", seq(put(("credit_bureaus", 0, "registrations", 1, "period", "from"), "full_repayment"),
                  put(("retention", 0, "period", "from"), "full_repayment")), ["retention[0].period"]),
    ("HG033", seq(drop(("retention", 0))), ["retention"]),
    ("HG034", drop(("retention", 2, "statutory_basis")), ["retention[2]"]),
    ("HG034", drop(("retention", 2)), ["items[5]"]),
    ("HG035", put(("requests", "procedures", 3, "fees"), [{"amount_yen": 500}]), ["requests.procedures[3].fees[0]"]),
    ("HG035", put(("requests", "procedures", 3, "fees"), [{"amount_yen": 0}, {"condition": "所定の手数料"}]),
     ["requests.procedures[3].fees[1]"]),
    ("HG036", put(("requests", "procedures", 1, "fees", 0, "amount_yen"), 2701),
     ["requests.procedures[1].fees[0].amount_yen"]),
    ("HG036", put(("requests", "procedures", 0, "fees", 0, "amount_yen"), 5001),
     ["requests.procedures[0].fees[0].amount_yen"]),
    ("HG036", seq(put(("requests", "procedures", 1, "fees", 0, "amount_yen"), 2000),
                  put(("law", "fee_max_cost_ratio"), 2.0)), ["requests.procedures[1].fees[0].amount_yen"]),
    ("HG037", put(("requests", "procedures", 0, "fees"), []), ["requests.procedures[0]"]),
    ("HG037", put(("requests", "procedures", 1, "fees"), [{"condition": "所定の手数料"}]),
     ["requests.procedures[1].fees[0]"]),
    ("HG038", put(("desks", 0, "handles"), ["requests", "inquiries"]), ["desks"]),
    ("HG038", seq(put(("desks", 0, "handles"), ["complaints"])), ["desks", "requests.desk"]),
    ("HG039", drop(("security",)), ["security"]),
    ("HG040", drop(("requests", "procedures", 3)), ["requests.procedures"]),
    ("HG040", put(("requests", "procedures"), [{"type": "disclosure", "fees": [{"amount_yen": 0}]}]),
     ["requests.procedures"]),
    ("HG041", drop(("requests", "procedures", 2)), ["requests.procedures"]),
    ("HG042", put(("requests", "procedures", 1, "deadline_business_days"), 15),
     ["requests.procedures[1].deadline_business_days"]),
    ("HG043", seq(put(("requests", "identity_documents", "photo"), []),
                  put(("requests", "identity_documents", "non_photo"), ["健康保険の資格確認書"])),
     ["requests.identity_documents"]),
    ("HG044", drop(("requests", "agents", 1)), ["requests.agents"]),
    ("HG044", drop(("requests", "agents")), ["requests"]),
    ("HG044", put(("requests", "agents", 1, "proofs"), []), ["requests.agents[1]"]),
    ("HG045", put(("requests", "response_methods"), ["registered_mail"]), ["requests.response_methods"]),
    ("HG046", add(("consent_documents", 0, "purposes"), "marketing"), ["consent_documents[0].purposes[1]"]),
    ("HG047", seq(put(("law", "amendment_2026_effective"), dt.date(2028, 4, 1)),
                  put(("children",), {"guardian_consent_below_age": 15})), ["children.guardian_consent_below_age"]),
    ("HG047", seq(put(("law", "amendment_2026_effective"), dt.date(2028, 4, 1)),
                  put(("law", "guardian_consent_max_age"), 13)), ["law.guardian_consent_max_age"]),
    ("HG047", seq(put(("law", "amendment_2026_effective"), dt.date(2028, 4, 1)),
                  put(("law", "amendment_2026_child_age"), 18), put(("children",), {"guardian_consent_below_age": 16})),
     ["children.guardian_consent_below_age"]),
    ("HG048", put(("law", "sector"), ["ecommerce"]), ["law.sector"]),
    ("HG049", seq(add(("roles", 0, "categories"), "my_number", "special_care")),
     ["roles[0].categories[2]", "roles[0].categories[3]"]),
    ("HG049", put(("roles", 1, "purposes"), ["marketing"]), ["roles[1].categories[1]"]),
    ("HG050", put(("anonymized",), {"produces": True}), ["anonymized.produces"]),
    ("HG051", put(("pseudonymized",), {"produces": True, "provision_method": "提携先へ提供"}),
     ["pseudonymized.provision_method"]),
    ("HG052", put(("cookies",), {"links_to_personal_data": True}), ["cookies.links_to_personal_data"]),
    ("HG053", seq(put(("organization", "name"), "株式会社ほごクレジット"), put(("items", 2, "name"), "電話番号")),
     ["organization.name"]),
    ("HG054", add(("joint_uses",), joint_use(responsible=None, purposes=[], published_in=PUBLISHED)),
     ["joint_uses[0].published_in"]),
    ("HG054", add(("joint_uses",), joint_use(responsible_representative=None, published_in=PUBLISHED)),
     ["joint_uses[0].published_in"]),
    ("HG055", put(("children",), {"guardian_consent_below_age": 15}), ["children.guardian_consent_below_age"]),
    ("HG055", seq(put(("law", "guardian_consent_max_age"), 13), put(("children",), {"guardian_consent_below_age": 13})),
     ["children.guardian_consent_below_age"]),
    ("HG056", add(("cross_border",), cross_border(**EQUIVALENT, last_check=last_check(30, ensured=False))),
     ["cross_border[0].last_check.measures_ensured"]),
    ("HG057", add(("cross_border",), cross_border(**EQUIVALENT)), ["cross_border[0].last_check"]),
    ("HG057", add(("cross_border",), cross_border(**EQUIVALENT, last_check=last_check(400))),
     ["cross_border[0].last_check.checked_on"]),
    ("HG057", add(("cross_border",), cross_border(**EQUIVALENT, last_check=last_check(-1))),
     ["cross_border[0].last_check.checked_on"]),
    ("HG058", seq(with_outsourcee(), add(("cross_border",), cross_border(parties=["vendor"]))),
     ["outsourcing.outsourcees[0].country"]),
    ("HG058", seq(add(("recipients",), recipient(country="JP")),
                  add(("cross_border",), cross_border(parties=["partner"], countries=["JP", "SG"]))),
     ["recipients[0].country"]),
    ("HG059", add(("cross_border",), cross_border(**UNIDENTIFIED)), ["cross_border[0].reference_info"]),
]

# PASS: the code must not be reported (the fixed form of a failing case, or a boundary that is lawful).
PASS = [
    ("HG001", seq(add(("items",), item("nickname", "identifying")), add(("purposes", 0, "items"), "nickname"))),
    ("HG002", seq(add(("subject_types",), {"id": "guest", "name": "ゲスト"}), add(("items", 0, "subject_types"), "guest"))),
    ("HG003", seq(add(("recipients",), recipient()), add(("consent_documents", 0, "provisions"), "partner"))),
    ("HG004", add(("roles", 0, "purposes"), "marketing")),
    ("HG005", put(("retention", 0, "floor", "info_type_index"), 0)),
    ("HG006", None),
    ("HG007", add(("credit_bureaus", 0, "provided_items"), "income")),
    ("HG007", seq(with_outsourcee(country="US"), add(("recipients",), recipient(country="US")),
                  add(("cross_border",), cross_border(parties=["vendor", "partner"])))),
    ("HG008", with_outsourcee()),
    ("HG009", add(("items",), item("email", "identifying", collected=False))),
    ("HG010", seq(put(("purposes", 1, "items"), []), put(("purposes", 1, "categories"), ["identifying"]))),
    ("HG011", seq(put(("purposes", 1, "subject_types"), []), put(("purposes", 1, "items"), ["name", "phone"]))),
    ("HG012", None),
    ("HG013", None),
    ("HG014", add(("recipients",), recipient(basis="laws", name="税務署", items=["name", "my_number"]))),
    ("HG015", with_outsourcee(items=["my_number"], my_number=True, re_outsourcing="with_permission")),
    ("HG016", seq(add(("items",), HIGHLY), add(("purposes", 0, "items"), "religion"))),
    ("HG016", add(("items",), {**HIGHLY, "necessity": None, "collected": False})),
    ("HG017", add(("items",), {**HIGHLY, "collected": False})),
    ("HG018", seq(add(("items",), SPECIAL), add(("purposes", 0, "items"), "medical_history"))),
    ("HG018", seq(add(("items",), SPECIAL), add(("purposes", 1, "items"), "medical_history"),
                  put(("purposes", 1, "special_care_ground"), "laws"))),
    ("HG019", seq(put(("purposes", 1, "consent_required"), True), add(("consent_documents",), DM_CONSENT))),
    ("HG020", seq(add(("recipients",), recipient()), add(("consent_documents", 0, "provisions"), "partner"))),
    ("HG021", seq(add(("purposes",), PROVISION_PURPOSE), add(("recipients",), recipient(basis="opt_out", opt_out=opt_out_block())))),
    ("HG022", seq(add(("purposes",), PROVISION_PURPOSE), add(("recipients",), recipient(basis="opt_out", opt_out=opt_out_block())))),
    ("HG023", add(("joint_uses",), joint_use(items=[], item_text="氏名、住所等", members=[], scope="当社の子会社"))),
    ("HG023", add(("joint_uses",), joint_use(responsible=None, purposes=[], published_in=PUBLISHED))),
    ("HG024", add(("joint_uses",), joint_use())),
    ("HG024", add(("joint_uses",), joint_use(responsible_representative=None, published_in=PUBLISHED))),
    ("HG025", with_outsourcee()),
    ("HG026", FOREIGN_VENDOR),
    ("HG026", add(("recipients",), recipient(basis="laws", country="US"))),
    ("HG026", seq(with_outsourcee(country="US"),
                  add(("cross_border",), cross_border(parties=["vendor"], countries=[], unidentified_reason="未定")))),
    ("HG027", add(("cross_border",), cross_border(basis="adequate_country", countries=["IE", "GB", "NO"]))),
    ("HG028", add(("cross_border",), cross_border(countries=[], country_system=None, unidentified_reason="委託先未定のため"))),
    ("HG029", add(("cross_border",), cross_border(basis="equivalent_system", periodic_check="年1回、監査報告書で確認"))),
    ("HG030", seq(add(("cross_border",), cross_border()), add(("consent_documents", 0, "cross_border"), "us_cloud"))),
    ("HG031", FOREIGN_VENDOR),
    ("HG032", put(("retention", 0, "period", "years"), 6)),
    ("HG032", seq(put(("credit_bureaus", 0, "registrations", 1, "period", "from"), "full_repayment"),
                  put(("retention", 0, "period", "from"), "full_repayment"),
                  put(("retention", 0, "period", "during_contract"), True))),
    ("HG033", seq(put(("retention", 0), {"id": "credit_records", "items": ["income"], "period": {"years": 5, "from": "contract_end"}}))),
    ("HG034", None),
    ("HG035", put(("requests", "procedures", 3, "fees"), [{"amount_yen": 0}])),
    ("HG035", put(("requests", "procedures", 1, "fees"), [{"condition": "所定の手数料"}])),
    ("HG035", add(("requests", "procedures"), {"type": "my_number_held", "fees": [{"amount_yen": 300}]})),
    ("HG036", put(("requests", "procedures", 1, "fees", 0, "amount_yen"), 2700)),
    ("HG036", put(("requests", "procedures", 0, "fees", 0, "amount_yen"), 5000)),
    ("HG036", put(("requests", "procedures", 1, "fees"), [{"condition": "所定の手数料"}])),
    ("HG036", seq(put(("requests", "procedures", 0, "fees", 0, "amount_yen"), 8000),
                  put(("law", "fee_reasonable_max_yen"), 10000))),
    ("HG037", put(("requests", "procedures", 0, "fees"), [{"amount_yen": 0}])),
    ("HG037", put(("requests", "procedures", 3, "fees"), [{"condition": "所定の手数料"}])),  # HG035's
    ("HG038", seq(put(("desks", 0, "handles"), ["requests"]),
                  add(("desks",), {"id": "complaints_desk", "name": "苦情窓口", "handles": ["complaints"]}))),
    ("HG039", put(("security",), {"technical": ["アクセス制御"]})),
    ("HG040", drop(("requests", "procedures", 4))),
    ("HG041", None),
    ("HG042", seq(put(("requests", "procedures", 1, "deadline_business_days"), 15),
                  put(("law", "request_sla_business_days"), 15))),
    ("HG043", seq(put(("requests", "identity_documents", "photo"), []))),
    ("HG044", None),
    ("HG044", add(("requests", "agents"), {"kind": "appointed", "name": "弁護士",
                                            "proofs": ["委任状", "弁護士登録番号"]})),
    ("HG045", put(("requests", "response_methods"), ["electronic"])),
    ("HG046", add(("consent_documents",), DM_CONSENT)),
    ("HG047", seq(put(("law", "amendment_2026_effective"), dt.date(2028, 4, 1)),
                  put(("children",), {"guardian_consent_below_age": 16}))),
    ("HG047", put(("children",), {"guardian_consent_below_age": 15})),
    ("HG047", seq(put(("law", "amendment_2026_effective"), dt.date(2028, 4, 1)),
                  put(("law", "amendment_2026_child_age"), 15), put(("law", "guardian_consent_max_age"), 14),
                  put(("children",), {"guardian_consent_below_age": 15}))),
    ("HG048", seq(put(("law", "sector"), ["ecommerce"]), put(("children",), {"statement": "16歳未満は保護者の同意"}))),
    ("HG049", None),
    ("HG050", put(("anonymized",), {"produces": True, "items": ["性別", "年代"]})),
    ("HG051", put(("pseudonymized",), {"produces": True, "statement": "社内分析のみ"})),
    ("HG052", put(("cookies",), {"links_to_personal_data": True, "opt_out": "ブラウザの設定で無効にできます"})),
    ("HG053", None),
    ("HG054", add(("joint_uses",), joint_use(published_in=PUBLISHED))),
    ("HG054", add(("joint_uses",), joint_use(responsible=None))),  # no publication: HG023's
    ("HG055", put(("children",), {"guardian_consent_below_age": 16})),
    ("HG055", seq(put(("law", "guardian_consent_max_age"), 13), put(("children",), {"guardian_consent_below_age": 18}))),
    ("HG055", None),
    ("HG056", add(("cross_border",), cross_border(**EQUIVALENT, last_check=last_check(30)))),
    ("HG056", None),
    ("HG057", add(("cross_border",), cross_border(**EQUIVALENT, last_check=last_check(30)))),
    ("HG057", add(("cross_border",), cross_border(**EQUIVALENT, last_check=last_check(0)))),
    ("HG057", add(("cross_border",), cross_border())),  # consent: no periodic check
    ("HG058", seq(with_outsourcee(country="US"), add(("cross_border",), cross_border(parties=["vendor"])))),
    # a country not identifiable: the provision room treats the JP-default party as abroad
    ("HG058", seq(with_outsourcee(), add(("cross_border",), cross_border(parties=["vendor"], **UNIDENTIFIED)))),
    ("HG058", seq(with_outsourcee(), add(("cross_border",), cross_border(parties=[])))),
    ("HG059", add(("cross_border",), cross_border(**UNIDENTIFIED, reference_info="none_available"))),
    ("HG059", add(("cross_border",), cross_border(**UNIDENTIFIED, reference_info="given"))),
    ("HG059", add(("cross_border",), cross_border(**UNIDENTIFIED, **EQUIVALENT))),  # not consent-based
    ("HG059", add(("cross_border",), cross_border())),  # the country is named
]


def _case_id(case) -> str:
    return f"{case[0]}-{FAIL.index(case) if case in FAIL else PASS.index(case)}"


@pytest.mark.parametrize("case", FAIL, ids=_case_id)
def test_rule_reports_the_offending_node(case):
    code, mutate, paths = case
    loaded = program(mutate)
    found = [f for f in lint(loaded) if f.code == code]
    assert found, f"{code} not reported"
    reported = {f.path for f in found}
    for path in paths:
        assert path in reported, f"{code}: expected a finding at {path}, got {sorted(reported)}"
    for f in found:
        assert f.severity is RULES[code].severity and f.article == RULES[code].article
        assert f.message_ja and f.message_en
        assert f.line == loaded.line_of(_path_tuple(f.path))


@pytest.mark.parametrize("case", PASS, ids=_case_id)
def test_rule_is_silent_when_right(case):
    code, mutate = case
    found = [f"{f.path}: {f.message_en}" for f in lint(program(mutate)) if f.code == code]
    assert found == []


def _path_tuple(dotted_path: str) -> tuple:
    import re

    out: list = []
    for name, index in re.findall(r"([A-Za-z_0-9]+)|\[(\d+)\]", dotted_path):
        out.append(int(index) if index else name)
    return tuple(out)


def test_every_rule_has_a_failing_and_a_passing_case():
    assert {c[0] for c in FAIL} == set(RULES)
    assert {c[0] for c in PASS} == set(RULES)


def test_minimal_program_is_clean():
    assert lint(load(MINIMAL)) == []


# --- the registry -----------------------------------------------------------------------------------------


def test_registry_codes_are_sequential_and_grounded():
    codes = list(RULES)
    assert len(codes) >= 24
    assert codes == [f"HG{n:03d}" for n in range(1, len(codes) + 1)]
    for r in RULES.values():
        assert r.title and r.article
        assert r.reason is None or r.reason in REASONS, f"{r.code}: unknown reason {r.reason}"
        if r.article == "internal":
            assert r.reason is None, f"{r.code}: an internal rule cites no law"
    assert any(r.severity is Severity.info for r in RULES.values())


# --- lines in the YAML text -------------------------------------------------------------------------------


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("items: [name, address, my_number]\n    my_number: true", "items: [name, address, my_number]", "HG012"),
        ("purposes: [withholding], categories: [identifying, my_number]",
         "purposes: [marketing], categories: [identifying, my_number]", "HG049"),
        ("{type: correction, deadline_business_days: 10}",
         "{type: correction, fees: [{amount_yen: 300}], deadline_business_days: 10}", "HG035"),
        ("period: {years: 5, from: contract_end}\n    floor", "period: {years: 4, from: contract_end}\n    floor",
         "HG032"),
    ],
)
def test_finding_carries_the_line_of_the_text(old, new, code):
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    changed = text.replace(old, new)
    found = [f for f in lint(parse(changed)) if f.code == code]
    assert [f.line for f in found] == [_line(changed, new.splitlines()[0])]


def test_fee_thresholds_come_from_the_programs_law_settings():
    over_ratio = put(("requests", "procedures", 1, "fees", 0, "amount_yen"), 2000)  # 2000 vs cost 900
    assert not [f for f in lint(program(over_ratio)) if f.code == "HG036"]
    found = [f for f in lint(program(seq(over_ratio, put(("law", "fee_max_cost_ratio"), 2.0)))) if f.code == "HG036"]
    assert [f.path for f in found] == ["requests.procedures[1].fees[0].amount_yen"]
    assert "2x its actual cost (900 yen)" in found[0].message_en
    no_cost = put(("requests", "procedures", 0, "fees", 0, "amount_yen"), 3000)
    assert not [f for f in lint(program(no_cost)) if f.code == "HG036"]
    found = [f for f in lint(program(seq(no_cost, put(("law", "fee_reasonable_max_yen"), 2000)))) if f.code == "HG036"]
    assert len(found) == 1 and "2,000 yen (law.fee_reasonable_max_yen)" in found[0].message_en


def test_fee_rules_follow_the_law_core():
    """HG035/HG036 report exactly the fees hogo.law.rights.fee_check denies, under its reason code."""
    from hogo.law.rights import fee_check

    loaded = program(seq(put(("requests", "procedures", 3, "fees"), [{"amount_yen": 200}]),
                         put(("requests", "procedures", 1, "fees", 0, "amount_yen"), 9000)))
    p = loaded.policy
    denied = {}
    for i, proc in enumerate(p.requests.procedures):
        for j, fee in enumerate(proc.fees):
            d = fee_check(fee.amount_yen, proc.type.value, fee.actual_cost_yen, params=p.law)
            if not d.allowed:
                denied[(i, j)] = d.reasons
    assert denied == {(1, 0): ("APPI-38-2",), (3, 0): ("APPI-38-1",)}
    found = {(f.code, f.reason, f.path) for f in lint(loaded) if f.code in ("HG035", "HG036")}
    assert found == {("HG035", "APPI-38-1", "requests.procedures[3].fees[0]"),
                     ("HG036", "APPI-38-2", "requests.procedures[1].fees[0].amount_yen")}


def test_published_joint_use_moves_missing_matters_from_hg023_to_hg054():
    incomplete = joint_use(items=[], responsible=None)
    assert {f.code for f in lint(program(add(("joint_uses",), incomplete)))} & {"HG023", "HG054"} == {"HG023"}
    found = [f for f in lint(program(add(("joint_uses",), {**incomplete, "published_in": PUBLISHED})))
             if f.code in ("HG023", "HG054")]
    assert [f.code for f in found] == ["HG054"]
    assert "the items jointly used" in found[0].message_en and "the responsible party" in found[0].message_en
    assert "顧客情報の共同利用について" in found[0].message_ja


def test_parties_link_a_transfer_to_its_recipients():
    """A vendor named in parties is covered whatever the entry's countries; an unknown id is HG007."""
    loaded = program(seq(with_outsourcee(country="SG"),
                         add(("cross_border",), cross_border(parties=["vendor"], countries=["US"]))))
    codes = {f.code for f in lint(loaded)}
    assert "HG026" not in codes and "HG007" not in codes
    # the entry covers the partner it lists; the vendor in the same country is not covered by it
    loaded = program(seq(with_outsourcee(country="US"), add(("recipients",), recipient(country="US")),
                         add(("cross_border",), cross_border(parties=["partner"]))))
    assert [f.path for f in lint(loaded) if f.code == "HG026"] == ["outsourcing.outsourcees[0].country"]


def test_guardian_age_check_follows_the_law_setting():
    below_16 = put(("children",), {"guardian_consent_below_age": 15})
    assert [f.code for f in lint(program(below_16)) if f.code == "HG055"] == ["HG055"]
    relaxed = seq(below_16, put(("law", "guardian_consent_max_age"), 14))
    assert [f.code for f in lint(program(relaxed)) if f.code == "HG055"] == []


def test_english_missing_is_one_finding_with_the_count():
    loaded = program(seq(put(("organization", "name"), "株式会社ほごクレジット"), put(("items", 2, "name"), "電話番号"),
                         put(("purposes", 0, "text"), "お申込みの審査のため")))
    found = [f for f in lint(loaded) if f.code == "HG053"]
    assert len(found) == 1 and "3 notice field(s)" in found[0].message_en


def test_only_runs_the_named_rules():
    loaded = program(seq(add(("purposes", 0, "items"), "nickname"), put(("requests", "response_methods"), ["mail"])))
    assert {f.code for f in lint(loaded, only={"HG045"})} == {"HG045"}
    assert has_errors(lint(loaded)) and not has_errors(lint(loaded, only={"HG045"}))
