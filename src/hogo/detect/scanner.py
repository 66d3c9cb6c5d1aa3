"""The built-in (model-free) detector: regular expressions, check digits, context cues, lexicons.

Everything runs on a *folded* copy of the text whose length equals the original's (full-width
ASCII → ASCII, ideographic space → space, dash variants → "-"; one character for one), so every
offset found is an offset into the original text. Japanese has no word boundaries, so no ``\\b``:
numbers are delimited with digit/letter look-arounds.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from hogo.law.categories import Category
from hogo.law.era import parse_wareki
from hogo.law.mynumber import check_my_number, luhn_valid
from hogo.law.text import DASHES

from ._data import municipalities, prefectures, special_care_lexicon, surnames

__all__ = ["KIND_CATEGORY", "KINDS", "ColumnReport", "Finding", "fold", "scan", "scan_rows"]

#: Kind → the hogo.law Category it maps to. Card and account numbers are ``credit``: they are not
#: individual identification codes (Act 2(2)) and, in the financial sector, they sit with the credit
#: / transaction data of the person; their breach weight comes from ``classify_identifier``.
KIND_CATEGORY: dict[str, Category] = {
    "my_number": Category.MY_NUMBER,
    "credit_card": Category.CREDIT,
    "bank_account": Category.CREDIT,
    "phone": Category.IDENTIFYING,
    "email": Category.IDENTIFYING,
    "postal_code": Category.IDENTIFYING,
    "address": Category.IDENTIFYING,
    "person_name": Category.IDENTIFYING,
    "birth_date": Category.IDENTIFYING,
    "drivers_license": Category.IDENTIFICATION_CODE,
    "passport": Category.IDENTIFICATION_CODE,
    "basic_pension_number": Category.IDENTIFICATION_CODE,
    "special_care": Category.SPECIAL_CARE,
}
KINDS: frozenset[str] = frozenset(KIND_CATEGORY)


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected span. Offsets only — never the matched text, so logging findings leaks nothing.

    ``subkind`` refines special_care (a SpecialCareKind / NonSpecialKind value, e.g. "medical_history").
    ``category`` is ``highly_sensitive`` for the financial-sector extras (本籍, 門地, 労働組合 …).
    """

    start: int
    end: int
    kind: str
    score: float
    category: Category
    subkind: str | None = None

    def text(self, source: str) -> str:
        """The matched text, taken from the caller's ``source``."""
        return source[self.start : self.end]


# --- folding ------------------------------------------------------------------------------------

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD.update({ord(c): ord("-") for c in DASHES})
_FOLD[ord("\t")] = 0x20
_FOLD[ord("－")] = ord("-")
_FOLD_TABLE = str.maketrans(_FOLD)


_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """Full-width ASCII, ideographic space and dash variants to ASCII, one character for one."""
    if not _NEEDS_FOLD.search(text):
        return text
    out = text.translate(_FOLD_TABLE)
    assert len(out) == len(text)
    return out


# --- context cues -------------------------------------------------------------------------------

_CONTEXT_WORDS: dict[str, tuple[str, ...]] = {
    "my_number": ("マイナンバー", "個人番号"),
    "drivers_license": ("免許",),
    "passport": ("旅券", "パスポート"),
    "basic_pension_number": ("年金",),
    "bank_account": ("口座", "普通", "当座", "預金"),
    "postal_code": ("〒", "郵便番号", "郵便", "ZIP"),
    "phone": ("電話", "TEL", "Tel", "tel", "携帯", "FAX", "Fax", "ファックス", "連絡先", "架電"),
    "credit_card": ("カード", "クレジット", "card"),
    "birth_date": ("生年月日", "誕生日", "生まれ", "DOB", "生年", "birth", "Birth"),
    "other": (
        "契約番号",
        "注文番号",
        "受付番号",
        "管理番号",
        "会員番号",
        "伝票",
        "問い合わせ番号",
        "問合せ番号",
        "請求番号",
        "証券番号",
        "顧客番号",
        "予約番号",
        "オーダー",
        "参照番号",
        "ID",
        "商品コード",
        "JAN",
        "ジョブ",
        "処理件数",
        "件数",
        "金額",
        "残高",
        "¥",
        "￥",
    ),
    # only for dates: a date near these words is not a birth date
    "date_other": (
        "支払",
        "入金",
        "引落",
        "振込",
        "期限",
        "契約日",
        "申込日",
        "受付日",
        "来店",
        "予約",
        "更新日",
        "作成日",
        "発送",
        "発行",
        "満期",
        "入社",
        "有効",
        "受付",
        "日時",
    ),
}
_CTX_KIND = {w: k for k, ws in _CONTEXT_WORDS.items() for w in ws}


def _ctx_re(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


_CTX_NUM_RE = _ctx_re(w for w, k in _CTX_KIND.items() if k != "date_other")
_CTX_DATE_RE = _ctx_re(w for w, k in _CTX_KIND.items() if k in ("birth_date", "date_other"))
_CTX_WINDOW = 24


def _context(
    folded: str, start: int, window: int = _CTX_WINDOW, rx: re.Pattern[str] = _CTX_NUM_RE
) -> str | None:
    """Kind of the context word nearest before ``start`` (within ``window`` characters)."""
    lo = max(0, start - window)
    last = None
    for m in rx.finditer(folded, lo, start):
        last = m
    return _CTX_KIND[last.group()] if last else None


# --- numbers ------------------------------------------------------------------------------------

_NUM_TOKEN = re.compile(r"(?:\+81[ \-]?(?:\(0\)[ \-]?)?)?\(?[0-9]+(?:(?:[\-ー]|\)[ \-]?|\(| )[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")


def _phone_len(d: str) -> int | None:
    if not d.startswith("0") or d.startswith("00"):
        return None
    if d.startswith(("0120", "0570")):
        return 10
    if d.startswith(("0800", "050", "070", "080", "090")):
        return 11
    return 10


_CARD_GROUPS = {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 3), (4, 4, 4, 2)}


def _card_prefix_ok(d: str) -> bool:
    return d[0] in "3456" or (d[0] == "2" and 2221 <= int(d[:4]) <= 2720)


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return 1880 <= y <= 2100


def _classify(
    folded: str, groups: list[tuple[int, int]], plus81: bool, tok_start: int
) -> tuple[str, float] | None:
    d = "".join(folded[s:e] for s, e in groups)
    n = len(d)
    sizes = tuple(e - s for s, e in groups)
    seps = [folded[groups[i][1] : groups[i + 1][0]] for i in range(len(groups) - 1)]
    ctx = _context(folded, tok_start)
    if plus81:
        nat = d[2:] if d.startswith("81") else d
        nat = nat.removeprefix("0")
        want = _phone_len("0" + nat)
        if want and len(nat) + 1 == want:
            return "phone", 0.95
        return None
    if n == 12 and sizes in {(12,), (4, 4, 4)}:
        if ctx == "drivers_license":
            return "drivers_license", 0.9
        if check_my_number(d).valid:
            return "my_number", 0.97 if ctx == "my_number" else 0.85
        return None
    if 14 <= n <= 16 and (sizes in _CARD_GROUPS or len(sizes) == 1) and _card_prefix_ok(d):
        if luhn_valid(d, lengths=(14, 15, 16)) and not (len(sizes) == 1 and ctx == "other"):
            return "credit_card", 0.95 if ctx == "credit_card" or len(sizes) > 1 else 0.8
        return None
    if ctx == "basic_pension_number" and n == 10 and sizes in {(10,), (4, 6)}:
        return "basic_pension_number", 0.9
    if ctx == "bank_account" and n == 7 and sizes == (7,):
        return "bank_account", 0.9
    if sizes == (3, 4) and seps[0] in ("-", "ー") and ctx != "other":
        return "postal_code", 0.98 if ctx == "postal_code" else 0.85
    if sizes == (7,) and ctx == "postal_code":
        return "postal_code", 0.9
    if n == 8 and len(sizes) == 1 and (ctx == "birth_date" or _BIRTH_AFTER.match(folded, groups[-1][1])):
        if _valid_date(int(d[:4]), int(d[4:6]), int(d[6:])):
            return "birth_date", 0.85
        return None
    want = _phone_len(d)
    if want and n == want and ctx != "other":
        if len(sizes) == 1:
            return "phone", 0.9 if ctx == "phone" else 0.75
        if len(sizes) <= 3 and 2 <= sizes[0] <= 5 and sizes[-1] in (3, 4):
            return "phone", 0.95
        if len(sizes) == 2 and sizes[-1] == 4:  # (03)1234-5678 handled above; 03(1234)5678 → 3 groups
            return "phone", 0.9
    return None


def _numbers(folded: str, out: list[tuple[int, int, str, float]]) -> None:
    for m in _NUM_TOKEN.finditer(folded):
        s, e = m.span()
        if s:  # no \b in Japanese: the token must not continue a word, a number or a time
            prev = folded[s - 1]
            if prev.isascii() and prev.isalnum() and m.group()[0] not in "(+":  # TEL(03)…, TEL+81…
                continue
            if prev in ".,-/:" and s > 1 and folded[s - 2] in "0123456789":
                continue
        tok = m.group()
        plus81 = tok.startswith("+81")
        groups = [(s + g.start(), s + g.end()) for g in _GROUP.finditer(tok)]
        if plus81:
            got = _classify(folded, groups, True, s)
            if got:
                out.append((s, groups[-1][1], *got))
                continue
            groups = groups[1:]
            if not groups:
                continue
        i, n = 0, len(groups)
        while i < n:
            for j in range(min(n, i + 6), i, -1):
                gs = groups[i:j]
                if j - i == 1 and gs[0][1] - gs[0][0] < 7:
                    continue
                got = _classify(folded, gs, False, gs[0][0])
                if got:
                    a, b = gs[0][0], gs[-1][1]
                    # "(03)1234-5678": keep the opening parenthesis inside the span
                    if (
                        a - 1 >= s
                        and folded[a - 1] == "("
                        and got[0] == "phone"
                        and folded[gs[0][1] : gs[0][1] + 1] == ")"
                    ):
                        a -= 1
                    out.append((a, b, *got))
                    i = j
                    break
            else:
                i += 1


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{7}(?![0-9])")

# --- dates --------------------------------------------------------------------------------------

_ERA_CHARS = {"㍾": "明治", "㍽": "大正", "㍼": "昭和", "㍻": "平成", "㋿": "令和"}
_DATE = re.compile(
    r"(?<![0-9])(?P<y>(?:18|19|20)[0-9]{2})(?:年 ?(?P<m1>[0-9]{1,2})月 ?(?P<d1>[0-9]{1,2})日"
    r"|(?P<sep>[/\-.])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2}))(?![0-9])"
    r"|(?<![A-Za-z])(?P<era>明治|大正|昭和|平成|令和|[MTSHR]\.?|[㍾㍽㍼㍻㋿]) ?(?P<ey>元|[0-9]{1,2})"
    r"(?:年 ?(?P<em1>[0-9]{1,2})月 ?(?P<ed1>[0-9]{1,2})日|(?P<esep>[/\-.])(?P<em2>[0-9]{1,2})(?P=esep)"
    r"(?P<ed2>[0-9]{1,2}))(?![0-9])"
)
_BIRTH_HINT = re.compile("生|誕|DOB|[Bb]irth")
_BIRTH_AFTER = re.compile(r" ?(?:生まれ|生(?!年)|誕生)")  # "…生", but not the next field's "生年月日"


def _dates(folded: str, out: list[tuple[int, int, str, float]]) -> None:
    for m in _DATE.finditer(folded):
        s, e = m.span()
        if _BIRTH_AFTER.match(folded, e) or _context(folded, s, 20, _CTX_DATE_RE) == "birth_date":
            score = 0.9
        else:
            continue
        if m.group("y"):
            ok = _valid_date(
                int(m.group("y")), int(m.group("m1") or m.group("m2")), int(m.group("d1") or m.group("d2"))
            )
        else:
            era = m.group("era").rstrip(".")
            era = _ERA_CHARS.get(era, era)
            em, ed = m.group("em1") or m.group("em2"), m.group("ed1") or m.group("ed2")
            try:
                parse_wareki(
                    f"{era}{m.group('ey')}年{em}月{ed}日"
                    if len(era) == 2
                    else f"{era}{m.group('ey')}.{em}.{ed}"
                )
                ok = True
            except ValueError:
                ok = False
        if ok:
            out.append((s, e, "birth_date", score))


# --- addresses ----------------------------------------------------------------------------------

_K = "\u4e00-\u9fff々〆ヶ"
_KATA = "\u30a1-\u30fa\u30fc"
_KN = f"(?![様殿氏])[{_K}]"  # a kanji that is not an honorific
_FILL = f"[{_K}{_KATA}\u3041-\u3093]"
_BLOCK_TAIL = r"(?: ?[0-9]+(?:(?:番地?の?|[-ー])[0-9]+)*(?:番地?|号)?)?"
# digit-led anchors (fast: the scan starts only at digits); bare digits count only right after 町/村
_ADDR_ANCHOR = re.compile(
    r"[0-9]+(?P<suf>丁目" + _BLOCK_TAIL + r"|(?:(?:番地?の?|[-ー])[0-9]+)+(?:番地?|号)?|番地?)?"
)
_ADDR_ANCHOR_KANJI = re.compile(r"[一二三四五六七八九十]+丁目" + _BLOCK_TAIL)


def _addr_heads() -> re.Pattern[str]:
    heads = sorted(set(prefectures()) | set(municipalities()), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, heads)))


_ADDR_HEAD = _addr_heads()
_FILL_RE = re.compile(f"(?:{_FILL}|[0-9]+条|[0-9]+線)*")
_ADDR_BACK = 32


def _anchors(folded: str) -> list[tuple[int, int]]:
    out = []
    for m in _ADDR_ANCHOR.finditer(folded):
        s = m.start()
        if s and folded[s - 1] in "0123456789":
            continue
        if m.group("suf") or (s and folded[s - 1] in "町村"):
            out.append(m.span())
    if "丁目" in folded:
        out.extend(m.span() for m in _ADDR_ANCHOR_KANJI.finditer(folded))
        out.sort()
    return out


def _addresses(folded: str, out: list[tuple[int, int, str, float]]) -> None:
    last_end = 0
    for s, e in _anchors(folded):
        if s < last_end:
            continue
        lo = max(last_end, s - _ADDR_BACK)
        for h in _ADDR_HEAD.finditer(folded, lo, s):
            gap = _FILL_RE.match(folded, h.end(), s)
            if gap and gap.end() == s:
                out.append((h.start(), e, "address", 0.9 if h.group() in _PREFS else 0.8))
                last_end = e
                break


_PREFS = frozenset(prefectures())

# --- names --------------------------------------------------------------------------------------

_HONORIFIC = re.compile("様|さま|さん|氏(?!名)|殿|くん")
_KANJI_RUN = re.compile(f"[{_K}]{{1,6}}$")
_KATA_RUN = re.compile(f"[{_KATA}]{{2,12}}(?:[ ・][{_KATA}]{{2,12}})?$")
_KATA_STOP = frozenset(
    {
        "オペレーター",
        "ユーザー",
        "カスタマー",
        "メンバー",
        "ゲスト",
        "オーナー",
        "スタッフ",
        "ドライバー",
        "マネージャー",
        "リーダー",
        "パートナー",
        "センター",
        "サポート",
        "メーカー",
        "ショップ",
        "サービス",
        "クライアント",
        "ホスト",
    }
)
_NAME_LABEL = re.compile(
    r"(?P<lab>氏名|お名前|名前|フリガナ|ふりがな|カナ氏名|契約者名|契約者|ご本人|本人|申込者名|申込者|担当者|担当|名義人|名義"
    r"|連帯保証人|保証人|受取人|世帯主|患者名|患者|ご主人|奥様)(?: ?[:：] ?| |は|の)"
)
_STRONG_LABELS = frozenset(
    {"氏名", "お名前", "名前", "フリガナ", "ふりがな", "カナ氏名", "契約者名", "申込者名", "名義人", "患者名"}
)
_NAME_AFTER_LABEL = re.compile(
    f"(?:{_KN}){{1,4}}(?: (?:(?:{_KN}){{1,4}}|[\u3041-\u3093]{{2,4}})(?![{_K}]| ?[:：]))?(?![{_K}])|[{_KATA}]{{2,10}}(?:[ ・][{_KATA}]{{2,10}})?"
)


_SPACED_NAME = re.compile(f" (?:{_KN}){{1,3}}(?![{_K}]| ?[:：])")
_KANJI_BEFORE = re.compile(f"[{_K}]{{1,4}}$")


def _surname_start(run: str) -> int | None:
    """Where a known surname starts inside a kanji run (given name at most 3 characters after it)."""
    sn = surnames()
    best1 = None
    for i in range(len(run)):
        for ln in (4, 3, 2):
            if run[i : i + ln] in sn and len(run) - i - ln <= 3:
                return i
        if best1 is None and run[i] in sn and len(run) - i - 1 <= 3:
            best1 = i
    return best1


def _names(folded: str, out: list[tuple[int, int, str, float]]) -> None:
    sn = surnames()
    for m in _HONORIFIC.finditer(folded):
        s = m.start()
        end = s
        if end > 0 and folded[end - 1] == " ":
            end -= 1
        lo = max(0, end - 13)
        seg = folded[lo:end]
        km = _KANJI_RUN.search(seg)
        if km:
            run = km.group()
            # "山田 太郎様": a surname run before one space
            pre = lo + km.start()
            if pre >= 2 and folded[pre - 1] == " ":
                prev = _KANJI_RUN.search(folded, max(0, pre - 6), pre - 1)
                if prev and prev.group() in sn:
                    out.append((prev.start(), end, "person_name", 0.85))
                    continue
            i = _surname_start(run)
            if i is not None:
                out.append((pre + i, end, "person_name", 0.85))
            continue
        ka = _KATA_RUN.search(seg)
        if ka and ka.group() not in _KATA_STOP and not ka.group().endswith("ー"):
            out.append((lo + ka.start(), end, "person_name", 0.7))
    for m in _SPACED_NAME.finditer(folded):  # "山田 太郎": a known surname, one space, a given name
        b = _KANJI_BEFORE.search(folded, max(0, m.start() - 4), m.start())
        if b and b.group() in sn:
            out.append((b.start(), m.end(), "person_name", 0.6))
    for m in _NAME_LABEL.finditer(folded):
        nm = _NAME_AFTER_LABEL.match(folded, m.end())
        if not nm:
            continue
        name = nm.group()
        strong = m.group("lab") in _STRONG_LABELS
        first = name.split(" ")[0]
        is_kata = "\u30a1" <= name[0] <= "\u30fc"
        if is_kata:
            if name in _KATA_STOP:
                continue
            out.append((nm.start(), nm.end(), "person_name", 0.8 if strong else 0.6))
        elif strong or (first[:2] in sn or first[:1] in sn or first[:3] in sn) and _surname_start(first) == 0:
            out.append((nm.start(), nm.end(), "person_name", 0.9 if strong else 0.75))


# --- special care -------------------------------------------------------------------------------

_LEX = special_care_lexicon()
_SPECIAL = re.compile("|".join(map(re.escape, sorted(_LEX, key=len, reverse=True))))


def _special(folded: str, out: list[tuple[int, int, str, float]], subs: dict[int, str]) -> None:
    for m in _SPECIAL.finditer(folded):
        ent = _LEX[m.group()]
        out.append((m.start(), m.end(), "special_care", ent.score))
        subs[m.start()] = m.group()


# --- the scan -----------------------------------------------------------------------------------

_PRIORITY = {
    k: i
    for i, k in enumerate(
        (
            "email",
            "my_number",
            "credit_card",
            "passport",
            "drivers_license",
            "basic_pension_number",
            "bank_account",
            "phone",
            "postal_code",
            "birth_date",
            "address",
            "special_care",
            "person_name",
        )
    )
}


def scan(text: str, *, kinds: set[str] | frozenset[str] | None = None) -> list[Finding]:
    """Find personal information in ``text``; offsets index the original string."""
    if kinds is not None and not set(kinds) <= KINDS:
        raise ValueError(f"unknown kinds {sorted(set(kinds) - KINDS)}; expected some of {sorted(KINDS)}")
    want = KINDS if kinds is None else frozenset(kinds)
    folded = fold(text)
    raw: list[tuple[int, int, str, float]] = []
    subs: dict[int, str] = {}
    has_digit = any(c in folded for c in "0123456789")
    if "@" in folded and "email" in want:
        raw.extend((m.start(), m.end(), "email", 0.99) for m in _EMAIL.finditer(folded))
    if has_digit:
        _numbers(folded, raw)
        if "passport" in want and ("旅券" in folded or "パスポート" in folded):
            for m in _PASSPORT.finditer(folded):
                if _context(folded, m.start()) == "passport":
                    raw.append((m.start(), m.end(), "passport", 0.9))
        if "birth_date" in want and _BIRTH_HINT.search(folded):
            _dates(folded, raw)
        if "address" in want:
            _addresses(folded, raw)
    if "person_name" in want:
        _names(folded, raw)
    if "special_care" in want:
        _special(folded, raw, subs)
    raw = [r for r in raw if r[2] in want]
    # overlap resolution: higher-priority kind first, then longer span
    raw.sort(key=lambda r: (_PRIORITY[r[2]], -(r[1] - r[0]), r[0]))
    starts: list[int] = []  # taken spans, disjoint, sorted by start
    ends: list[int] = []
    findings: list[Finding] = []
    for s, e, k, sc in raw:
        i = bisect_right(starts, s)
        if (i and ends[i - 1] > s) or (i < len(starts) and starts[i] < e):
            continue
        starts.insert(i, s)
        ends.insert(i, e)
        if k == "special_care":
            ent = _LEX[subs[s]]
            findings.append(Finding(s, e, k, sc, ent.category, ent.subkind))
        else:
            findings.append(Finding(s, e, k, sc, KIND_CATEGORY[k]))
    findings.sort(key=lambda f: (f.start, f.end))
    return findings


# --- tables -------------------------------------------------------------------------------------


@dataclass
class ColumnReport:
    """Per-column summary of a table scan: how many cells were scanned, how many had findings, by kind."""

    column: str
    cells: int = 0
    cells_with_findings: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "cells": self.cells,
            "cells_with_findings": self.cells_with_findings,
            "kinds": dict(sorted(self.kinds.items())),
        }


def scan_rows(
    rows: Iterable[Mapping[str, object]],
    columns: Iterable[str] | None = None,
    *,
    kinds: set[str] | None = None,
) -> dict[str, ColumnReport]:
    """Scan table cells (e.g. ``csv.DictReader`` rows); count findings per column and kind.

    ``columns``: the columns to scan (default: every column of the first row). A named column
    missing from a row counts as an empty cell.
    """
    cols = list(columns) if columns is not None else None
    reports: dict[str, ColumnReport] = {c: ColumnReport(c) for c in cols or []}
    for row in rows:
        if cols is None:
            cols = list(row)
            reports = {c: ColumnReport(c) for c in cols}
        for c in cols:
            v = row.get(c)
            rep = reports[c]
            rep.cells += 1
            if v is None or v == "":
                continue
            found = scan(str(v), kinds=kinds)
            if found:
                rep.cells_with_findings += 1
                for f in found:
                    rep.kinds[f.kind] = rep.kinds.get(f.kind, 0) + 1
    return reports
