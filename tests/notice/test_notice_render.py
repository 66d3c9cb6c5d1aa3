"""The rendered notice: key facts in both languages and formats, well-formed HTML, escaping, placement."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hogo.notice import render_notice
from hogo.notice.content import SECTION_ORDER, Link, Rich, build_document, format_date, format_period, rich
from hogo.notice.render import md_escape, md_rich
from hogo.policy.loader import load, parse
from hogo.policy.models import Period

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
    en = visible(full, "en", "html")
    assert normalise("If processing takes up to 10 business days: ¥500 (plus tax)") in en


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


@pytest.mark.parametrize(
    ("period", "ja", "en"),
    [
        ({"months": 6, "from": "inquiry"}, "照会日から6ヶ月間", "6 months from the inquiry date"),
        ({"years": 5, "from": "contract_end", "during_contract": True}, "契約期間中及び契約終了日から5年間",
         "During the contract and 5 years from the end of the contract"),
        ({"years": 1, "months": 6, "from": "payoff"}, "完済日から1年6ヶ月間", "1 year and 6 months from full repayment"),
        ({"from": "contract_end"}, "契約終了日まで", "Until the end of the contract"),
        ({"years": 2, "from": "odd_event"}, "odd eventから2年間", "2 years from odd event"),
        ({"years": 2, "from": "x", "text": {"ja": "二年", "en": "two years"}}, "二年", "two years"),
    ],
)
def test_period_wording(period, ja, en):
    p = Period.model_validate(period)
    assert format_period(p, "ja") == ja
    assert format_period(p, "en") == en


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


def test_invalid_arguments_are_refused(minimal):
    with pytest.raises(ValueError, match="lang"):
        render_notice(minimal, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fmt"):
        render_notice(minimal, fmt="pdf")  # type: ignore[arg-type]
