"""The rendered notice: key facts in both languages and formats, well-formed HTML, escaping, placement."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hogo.law.crossborder import EQUIVALENT_COUNTRIES
from hogo.notice import render_notice
from hogo.notice.content import SECTION_ORDER, Link, Rich, Table, build_document, format_date, rich
from hogo.notice.labels import COUNTRIES, LABELS, country_name
from hogo.notice.render import md_escape, md_rich
from hogo.policy.loader import PolicyError, load, parse
from hogo.policy.models import LocalizedText

HERE = Path(__file__).resolve().parent
MINIMAL = HERE.parent / "fixtures" / "minimal.yaml"
FULL = HERE / "full.yaml"

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Checker(HTMLParser):
    """Collects body text, ids and hrefs, and fails on any unbalanced or misnested tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.decl: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.decl.append(decl)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if "body" in self.stack and not {"style", "script"} & set(self.stack):
            self.text.append(data)


def check_html(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker


def html_text(html: str) -> str:
    return "".join(check_html(html).text)


def md_text(md: str) -> str:
    """Markdown with its backslash escapes undone: what a reader sees, for substring checks."""
    return re.sub(r"\\(.)", r"\1", md)


@pytest.fixture(scope="module")
def minimal():
    return load(MINIMAL).policy


@pytest.fixture(scope="module")
def full():
    return load(FULL).policy


def visible(policy, lang, fmt) -> str:
    out = render_notice(policy, lang=lang, fmt=fmt)
    return normalise(html_text(out) if fmt == "html" else md_text(out))


# --- key facts in all four combinations --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_minimal_notice_carries_the_key_facts(minimal, lang, fmt):
    text = visible(minimal, lang, fmt)
    expected = [
        minimal.organization.name.get(lang),
        minimal.organization.representative.name.get(lang),
        *(p.text.get(lang) for p in minimal.purposes),
        minimal.credit_bureaus[0].registrations[0].period.text.get(lang),
        minimal.credit_bureaus[0].registrations[1].period.text.get(lang),
        "1,000円" if lang == "ja" else "¥1,000",
        "0120-000-000",
        "privacy@example.jp",
        "0120-810-414",
    ]
    for fact in expected:
        assert normalise(fact) in text, fact


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_headings_are_in_the_requested_language(minimal, fmt):
    ja = visible(minimal, "ja", fmt)
    en = visible(minimal, "en", fmt)
    for heading in ("個人情報の利用目的", "個人番号及び特定個人情報の利用目的", "安全管理のために講じた措置",
                    "保有個人データの開示等の請求手続", "苦情・お問い合わせ窓口", "目次"):
        assert normalise(heading) in ja
        assert normalise(heading) not in en
    for heading in ("Purposes of use", "Purposes of use of My Number", "Security control measures",
                    "Requests for disclosure and other rights", "Complaints and inquiries", "Contents"):
        assert normalise(heading) in en
        assert normalise(heading) not in ja


def test_my_number_purposes_get_their_own_section(minimal):
    doc = build_document(minimal, "ja")
    ids = [s.id for s in doc.sections]
    assert "my_number" in ids
    section = doc.sections[ids.index("my_number")]
    texts = [r.plain for b in section.blocks for r in getattr(b, "items", ())]
    assert texts == ["源泉徴収票作成事務のため(従業者)"]
    assert "番号法" in section.blocks[0].text.plain
    purposes = doc.sections[ids.index("purposes")]
    listed = [r.plain for sub in purposes.subsections for b in sub.blocks for r in getattr(b, "items", ())]
    assert all("源泉徴収票" not in x for x in listed), "My Number purposes are not ordinary purposes"


def test_fees_show_amount_tax_and_condition(full):
    ja = visible(full, "ja", "html")
    assert normalise("事務処理が10営業日以内の場合：500円(税別)") in ja
    assert normalise("1,000円(税込)") in ja
    assert normalise("電磁的記録の提供による開示の場合：所定の手数料") in ja  # amount not stated
    en = visible(full, "en", "html")
    assert normalise("If processing takes up to 10 business days: ¥500 (plus tax)") in en
    assert normalise("For disclosure as an electronic record: a prescribed fee") in en


def _fee_cells(policy, lang) -> dict[str, str]:
    requests = next(s for s in build_document(policy, lang).sections if s.id == "requests")
    sub = next(s for s in requests.subsections if s.id == "requests-types")
    table = sub.blocks[0]
    assert isinstance(table, Table)
    fee = table.headers.index(LABELS[lang]["req_fee"])
    return {row[0].plain: row[fee].plain for row in table.rows}


@pytest.mark.parametrize(("lang", "free"), [("ja", "無料"), ("en", "Free of charge")])
def test_a_fee_is_called_free_only_where_none_may_be_charged(full, lang, free):
    cells = _fee_cells(full, lang)
    # my_number_held is chargeable (Art. 38(1)) and the policy states no fee: the notice says nothing
    held = "個人番号の保有の有無の確認" if lang == "ja" else "Whether we hold your My Number"
    assert cells[held] == ""
    correction = "内容の訂正・追加・削除" if lang == "ja" else "Correction, addition or deletion"
    assert cells[correction] == free  # no fee may be charged for a correction
    assert free not in cells["開示" if lang == "ja" else "Disclosure"]


def test_the_notice_calls_the_company_what_it_calls_itself(full, minimal):
    ja = visible(full, "ja", "html")
    assert "当社" not in ja  # fixed sentences, enum wording and the policy's text alike say 弊社
    assert normalise("弊社は、取り扱う個人データの漏えい、滅失又は毀損の防止") in ja
    assert normalise("弊社の事前の許諾がある場合に限り可") in ja and normalise("弊社窓口において書面") in ja
    assert normalise("当社は、取り扱う個人データの漏えい") in visible(minimal, "ja", "html")  # the default
    heisha = minimal.model_copy(update={"notice": minimal.notice.model_copy(update={"we": LocalizedText(ja="弊社")})})
    ja = visible(heisha, "ja", "html")
    assert "当社" not in ja and normalise("(以下「弊社」といいます。)") in ja
    assert normalise('Hogo Credit Co., Ltd. ("we") complies') in visible(heisha, "en", "html")


def test_cross_border_transfers_name_the_parties_they_cover(full):
    ja = visible(full, "ja", "html")
    assert normalise("対象となる提供先・委託先「顧客管理システムの運用保守」の委託先、みらい生命保険株式会社") in ja
    en = visible(full, "en", "html")
    assert normalise('Contractor for "Operating the customer management system", Mirai Life Insurance Co., Ltd.') in en


def test_a_cross_border_statement_alone_makes_the_section(minimal):
    statement = LocalizedText(ja="当社は、外国にある第三者に個人データを提供しません。")
    policy = minimal.model_copy(update={"cross_border_statement": [statement]})
    section = next(s for s in build_document(policy, "ja").sections if s.id == "cross_border")
    # the statement only: no "as follows" introduction with nothing following it
    assert [b.text.plain for b in section.blocks] == [statement.ja] and section.subsections == ()


def test_joint_use_publication_and_notes(full):
    ja = visible(full, "ja", "html")
    assert normalise("共同利用の詳細は、弊社ウェブサイトの「グループ会社との共同利用について」に掲載しています。") in ja
    assert normalise("別途法令等によりお客様の同意が必要とされる場合は、同意を得たうえで共同利用します。") in ja
    en = visible(full, "en", "html")
    assert normalise('For details of the joint use, see the page "Joint use with group companies" on our website.') in en
    url = "https://www.example.co.jp/group"
    joint = full.joint_uses[0].model_copy(update={"published_in": LocalizedText(ja=url)})
    html = render_notice(full.model_copy(update={"joint_uses": [joint]}))
    assert f'共同利用の詳細は、<a href="{url}">{url}</a>に掲載しています。' in html


def test_identity_documents_say_one_of_and_n_of(full):
    ja = visible(full, "ja", "html")
    assert normalise("顔写真付きの書類(次のいずれか1点)運転免許証") in ja
    assert normalise("顔写真のない書類(次のうち2点)健康保険の資格確認書") in ja
    en = visible(full, "en", "html")
    assert normalise("Documents without a photo (two of the following)") in en


# --- structure ---------------------------------------------------------------------------------------------


FULL_ORDER = [
    "operator", "purposes", "custom-2", "my_number", "special_care", "items", "third_party", "joint_use",
    "outsourcing", "cross_border", "credit_bureaus", "consent", "security", "requests", "custom-1",
    "retention", "anonymized", "pseudonymized", "cookies", "children", "breach", "contact", "accredited",
    "custom-3",
]


def test_sections_in_order_with_custom_sections_placed_after_their_anchor(full):
    doc = build_document(full, "ja")
    assert [s.id for s in doc.sections] == FULL_ORDER
    assert [s.id for s in doc.sections if not s.id.startswith("custom")] == list(SECTION_ORDER)


def test_empty_sections_are_skipped_but_required_ones_stay(minimal):
    bare = minimal.model_copy(update={"security": type(minimal.security)()})
    ids = [s.id for s in build_document(bare, "ja").sections]
    assert ids == ["operator", "purposes", "my_number", "items", "credit_bureaus", "consent", "security",
                   "requests", "retention", "contact"]
    security = build_document(bare, "ja").sections[ids.index("security")]
    assert "必要かつ適切な措置" in security.blocks[0].text.plain


def test_custom_section_anchored_to_an_absent_section_keeps_its_place(minimal):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "notice:\n", "notice:\n  sections:\n    - {title: 録音, body: [通話を録音します。], after: joint_use}\n")
    policy = parse(text).policy
    ids = [s.id for s in build_document(policy, "ja").sections]
    assert ids.index("custom-1") == ids.index("items") + 1


def test_custom_sections_can_precede_every_standard_section():
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "notice:\n", "notice:\n  sections:\n    - {title: はじめに, body: [本書について], after: preamble}\n")
    ids = [s.id for s in build_document(parse(text).policy, "ja").sections]
    assert ids[:2] == ["custom-1", "operator"]


def test_a_custom_section_anchor_must_be_a_standard_section():
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "notice:\n", "notice:\n  sections:\n    - {title: 録音, body: [通話を録音します。], after: recording}\n")
    with pytest.raises(PolicyError) as caught:
        parse(text)
    assert [p.field for p in caught.value.problems] == ["notice.sections[0].after"]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", ["minimal", "full"])
def test_html_is_a_complete_well_formed_document(request, name, lang):
    policy = request.getfixturevalue(name)
    html = render_notice(policy, lang=lang)
    assert html.lstrip().lower().startswith("<!doctype html>")
    checker = check_html(html)
    assert checker.errors == []
    assert checker.stack == []
    tags = dict((t, a) for t, a in checker.tags if t in {"html", "meta"} and ("lang" in a or "charset" in a))
    assert tags["html"]["lang"] == lang
    assert tags["meta"]["charset"] == "utf-8"
    assert len(checker.ids) == len(set(checker.ids)), "ids must be unique"
    anchors = [h[1:] for h in checker.hrefs if h.startswith("#")]
    assert anchors and set(anchors) <= set(checker.ids), "every table-of-contents link has its target"
    assert '"Hiragino Sans"' in html and '"Noto Sans JP"' in html and "max-width: 50em" in html
    for tag in ("nav", "table", "th", "h1", "h2", "footer"):
        assert f"<{tag}" in html


def _collect_spans(into: list[str], value: object) -> None:
    if isinstance(value, Rich):
        into.extend(s.text if isinstance(s, Link) else s for line in value.lines for s in line)


def test_same_facts_in_both_formats(full):
    """Every string the content model holds shows up in the HTML and in the Markdown alike."""
    for lang in ("ja", "en"):
        doc = build_document(full, lang)
        html = visible(full, lang, "html")
        md = visible(full, lang, "md")
        strings: list[str] = [doc.title, *doc.dates, *doc.signature]
        collect = partial(_collect_spans, strings)
        for section in doc.sections:
            strings.append(section.title)
            for sub in (section, *section.subsections):
                strings.append(sub.title)
                for block in (*sub.blocks, *sub.closing):
                    collect(getattr(block, "text", None))
                    for item in getattr(block, "items", ()):
                        collect(item)
                    for row in getattr(block, "rows", ()):
                        strings.extend(x for x in row if isinstance(x, str))
                        for cell in row:
                            collect(cell)
                    strings.extend(getattr(block, "headers", ()))
        for s in strings:
            assert normalise(s) in html, s
            assert normalise(s) in md, s


# --- escaping ----------------------------------------------------------------------------------------------


def _with_name(policy, name: str):
    org = policy.organization.model_copy(update={"name": type(policy.organization.name)(ja=name)})
    return policy.model_copy(update={"organization": org})


def test_policy_markup_is_escaped_in_html(minimal):
    evil = _with_name(minimal, "悪い<script>alert('x')</script>会社 & Co")
    html = render_notice(evil)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "悪い<script>alert('x')</script>会社 & Co" in html_text(html)
    assert check_html(html).errors == []


def test_policy_markup_is_escaped_in_markdown(minimal):
    md = render_notice(_with_name(minimal, "悪い<script>*強調*[x](y)会社"), fmt="md")
    assert re.search(r"(?<!\\)<script", md) is None
    assert r"悪い\<script\>\*強調\*\[x\](y)会社" in md


def test_unsafe_link_schemes_stay_plain_text(full):
    html = render_notice(full)
    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html_text(html)
    assert '<a href="https://tools.google.com/dlpage/gaoptout">' in html
    assert '<a href="mailto:kaiji@example.co.jp">kaiji@example.co.jp</a>' in html


def test_markdown_table_pipes_are_escaped(full):
    md = render_notice(full, fmt="md")
    rows = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert any(r"| 請求書の印刷 \| 発送 |" in ln for ln in rows)
    assert r"電子媒体の手交 \| 暗号化した上で送付" in md  # escaped outside tables too
    block: list[int] = []
    for ln in md.splitlines() + [""]:
        if ln.startswith("|"):
            block.append(len(re.findall(r"(?<!\\)\|", ln)))
        elif block:
            assert len(set(block)) == 1, f"ragged table: {block}"
            block = []


def test_md_escape():
    assert md_escape("a|b") == r"a\|b"
    assert md_escape("# 見出し") == r"\# 見出し"
    assert md_escape("1. item") == r"1\. item"
    assert md_escape("- item") == r"\- item"
    assert md_escape("0120-000-000") == "0120-000-000"
    assert md_escape("1.0") == "1.0"
    assert md_escape("<b>_x_</b>") == r"\<b\>\_x\_\</b\>"
    assert md_rich(rich("a", Link("t|1", "https://e.x/(a)")), "<br>") == r"a<br>[t\|1](https://e.x/%28a%29)"


# --- language ----------------------------------------------------------------------------------------------


def test_english_falls_back_to_japanese_where_english_is_missing(full):
    en = visible(full, "en", "html")
    assert normalise("団体信用生命保険の加入手続のため") in en  # purpose without English
    assert normalise("To make credit decisions and manage credit") in en
    assert normalise("与信判断及び与信後の管理のため") not in en  # has English, so the Japanese is not used
    assert normalise("貸金業法に基づく貸金業") in en


def test_footer_dates_in_wareki_and_western(full):
    ja = visible(full, "ja", "html")
    assert normalise("制定日 平成18年7月25日(2006年7月25日)") in ja
    assert normalise("改定日 平成29年12月1日(2017年12月1日)") in ja
    assert normalise("改定日 令和4年4月1日(2022年4月1日)") in ja
    assert normalise("施行日 令和7年10月1日(2025年10月1日)") in ja
    en = visible(full, "en", "html")
    assert normalise("Established: 25 July 2006") in en
    assert normalise("Effective: 1 October 2025") in en


def test_format_date():
    assert format_date(dt.date(2019, 5, 1), "ja") == "令和元年5月1日(2019年5月1日)"
    assert format_date(dt.date(2006, 7, 25), "en") == "25 July 2006"


def test_consent_documents_show_the_current_version(full):
    ja = visible(full, "ja", "html")
    assert normalise("個人情報の取扱いに関する同意条項3.1令和7年10月1日") in ja
    assert normalise("2.0令和6年4月1日") not in ja


def test_credit_bureau_particulars(full):
    ja = visible(full, "ja", "html")
    assert normalise("お申込金額が300,000円を超えるお申込みについては、全件照会します。") in ja
    assert normalise("割賦販売法、貸金業法に基づく指定信用情報機関") in ja
    assert normalise("契約期間中及び契約終了日から5年間") in ja  # generated from the numbers
    assert normalise("0120-111-222(フリーダイヤル)") in ja
    en = visible(full, "en", "html")
    assert normalise("0120-111-222 (toll-free)") in en


def test_unknown_or_foreign_countries_are_named(full):
    ja = visible(full, "ja", "html")
    assert normalise("個人データを取り扱う外国：シンガポール、米国、XZ") in ja
    en = visible(full, "en", "html")
    assert normalise("Singapore, United States") in en


def test_every_country_designated_as_equivalent_has_a_name():
    for code in EQUIVALENT_COUNTRIES:
        assert country_name(code, "ja") != code and country_name(code, "en") != code, code
    for lang in (0, 1):
        names = [n[lang] for n in COUNTRIES.values()]
        assert len(names) == len(set(names))


def test_invalid_arguments_are_refused(minimal):
    with pytest.raises(ValueError, match="lang"):
        render_notice(minimal, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fmt"):
        render_notice(minimal, fmt="pdf")  # type: ignore[arg-type]


def test_agent_without_proofs_prints_no_empty_documents_label():
    text = MINIMAL.read_text(encoding="utf-8")
    marker = "      proofs: [{ja: 戸籍謄本, en: Family register}]\n"
    assert marker in text
    policy = parse(text.replace(marker, "")).policy
    html = render_notice(policy, lang="ja", fmt="html")
    assert "未成年者又は成年被後見人の法定代理人" in html
    assert "必要書類：戸籍謄本" not in html
    assert "必要書類：<" not in html and not re.search(r"必要書類：\s*$", html, re.M)
    assert "必要書類：委任状(実印押印)" in html  # the appointed agent keeps its documents
