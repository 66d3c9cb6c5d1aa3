"""The personal-information inventory (個人情報管理台帳) derived from the policy.

The PPC's data-mapping toolkit (個人情報保護委員会「データマッピング・ツールキット」) asks a business to
keep a ledger of what it holds, why, where it goes and how long it stays. Every one of those facts is
already in ``hogo.yaml``, so the ledger is generated rather than maintained by hand: one row per item
× purpose, in the toolkit's column groups (基本項目 / 社内での取扱い / 委託 / 第三者提供).

Columns the policy has no data for (件数, 保管場所・媒体, 利用部署 …) stay empty: the officer fills
them in, and an invented value would be worse than a blank. Enum-like columns carry W3C DPV IRIs in a
column next to the Japanese label, so the ledger can be joined with other DPV-annotated records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hogo.law.categories import CATEGORY_RULES, Category, category_label
from hogo.policy.models import (
    CrossBorderBasis,
    Item,
    Policy,
    ProvisionBasis,
    Purpose,
    RetentionRule,
    SubjectType,
)
from hogo.policy.wording import describe_period

__all__ = [
    "DPV_IRIS",
    "GROUPS",
    "INVENTORY_COLUMNS",
    "Column",
    "dpv_legend",
    "inventory_csv",
    "inventory_rows",
    "write_inventory",
]

_DPV = "https://w3id.org/dpv#"

# W3C Data Privacy Vocabulary (DPV 2.x) concepts the ledger cites, checked against the DPV 2.0
# vocabulary (dpv: entities, legal bases, personal-data classes). Category IRIs are not here: they
# come from hogo.law.categories.CATEGORY_RULES[…].dpv_iri so that the law room and the ledger never
# disagree. A concept DPV lacks (opt-out provision, APPI's adequacy/基準適合体制 routes) gets no IRI.
DPV_IRIS: dict[str, str] = {
    # data-subject types, by the policy's subject_types ids; other ids fall back to dpv:DataSubject
    "subject:customer": _DPV + "Customer",
    "subject:client": _DPV + "Client",
    "subject:consumer": _DPV + "Consumer",
    "subject:employee": _DPV + "Employee",
    "subject:applicant": _DPV + "Applicant",
    "subject:job_applicant": _DPV + "JobApplicant",
    "subject:member": _DPV + "Member",
    "subject:user": _DPV + "User",
    "subject:visitor": _DPV + "Visitor",
    "subject:subscriber": _DPV + "Subscriber",
    "subject:student": _DPV + "Student",
    "subject:patient": _DPV + "Patient",
    "subject:child": _DPV + "Child",
    "subject:*": _DPV + "DataSubject",  # guarantor, caller … have no narrower DPV class
    # provision bases (提供の根拠)
    "basis:consent": _DPV + "Consent",
    "basis:laws": _DPV + "LegalObligation",
    # roles of whoever receives the data
    "role:outsourcee": _DPV + "DataProcessor",  # 委託先
    "role:third_party": _DPV + "ThirdParty",  # 第三者 (recipients, credit bureaus, foreign recipients)
    "role:joint_use": _DPV + "JointDataControllers",  # 共同利用者
}

# Japanese meaning of each IRI, for the legend sheet.
_IRI_JA: dict[str, str] = {
    _DPV + "Customer": "顧客",
    _DPV + "Client": "顧客（サービス利用者）",
    _DPV + "Consumer": "消費者",
    _DPV + "Employee": "従業者",
    _DPV + "Applicant": "申込者",
    _DPV + "JobApplicant": "採用応募者",
    _DPV + "Member": "会員",
    _DPV + "User": "利用者",
    _DPV + "Visitor": "来訪者",
    _DPV + "Subscriber": "契約者（購読者）",
    _DPV + "Student": "学生",
    _DPV + "Patient": "患者",
    _DPV + "Child": "こども",
    _DPV + "DataSubject": "本人（上記以外の区分）",
    _DPV + "Consent": "本人の同意",
    _DPV + "LegalObligation": "法令に基づく場合",
    _DPV + "DataProcessor": "委託先",
    _DPV + "ThirdParty": "第三者",
    _DPV + "JointDataControllers": "共同利用者",
}

_BASIS_JA = {ProvisionBasis.consent: "本人同意", ProvisionBasis.opt_out: "オプトアウト",
             ProvisionBasis.laws: "法令に基づく"}
_CROSS_BORDER_BASIS_JA = {
    CrossBorderBasis.consent: "外国提供の本人同意",
    CrossBorderBasis.equivalent_system: "基準適合体制",
    CrossBorderBasis.adequate_country: "同等国（EU・英国）",
}


@dataclass(frozen=True)
class Column:
    key: str
    ja: str
    group: str
    width: int = 14


GROUPS = ("基本項目", "社内での取扱い", "委託", "第三者提供")

INVENTORY_COLUMNS: list[Column] = [
    Column("no", "管理番号", "基本項目", 8),
    Column("item_id", "項目ID", "基本項目", 16),
    Column("item", "個人情報の項目", "基本項目", 18),
    Column("category", "区分", "基本項目", 14),
    Column("category_dpv", "区分(DPV)", "基本項目", 38),
    Column("special_care", "要配慮個人情報の有無", "基本項目", 10),
    Column("subjects", "本人の区分", "基本項目", 16),
    Column("subjects_dpv", "本人の区分(DPV)", "基本項目", 34),
    Column("source", "取得方法・取得元", "基本項目", 16),
    Column("count", "件数", "基本項目", 8),
    Column("purpose_id", "利用目的ID", "基本項目", 18),
    Column("purpose", "利用目的", "基本項目", 40),
    Column("consent", "同意書", "基本項目", 28),
    Column("storage", "保管場所・媒体", "社内での取扱い", 16),
    Column("department", "利用部署", "社内での取扱い", 12),
    Column("access", "アクセス権者", "社内での取扱い", 20),
    Column("retention", "保管期間", "社内での取扱い", 30),
    Column("retention_basis", "保管期間の根拠", "社内での取扱い", 30),
    Column("disposal", "廃棄方法", "社内での取扱い", 18),
    Column("outsourcee", "委託先名", "委託", 24),
    Column("outsourcee_service", "委託内容", "委託", 24),
    Column("outsourcee_country", "委託先所在国", "委託", 10),
    Column("outsourcee_dpv", "委託先の区分(DPV)", "委託", 34),
    Column("recipient", "提供先", "第三者提供", 32),
    Column("recipient_basis", "提供の根拠", "第三者提供", 22),
    Column("recipient_basis_dpv", "提供の根拠(DPV)", "第三者提供", 34),
    Column("recipient_dpv", "提供先の区分(DPV)", "第三者提供", 34),
    Column("provided_items", "提供項目", "第三者提供", 32),
    Column("recipient_country", "提供先所在国", "第三者提供", 10),
    Column("record_duty", "記録義務", "第三者提供", 10),
]

_SEP = "; "


def _join(values: Iterable[str]) -> str:
    return _SEP.join(values)


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


# --- sharing entries --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Share:
    """One party an item goes to, in the shape the third-party columns need."""

    id: str
    name: str
    basis: str
    basis_iri: str | None
    role_iri: str
    items: str
    countries: tuple[str, ...]
    record: bool


def _item_names(policy: Policy, ids: Iterable[str]) -> str:
    return "・".join((it.name.ja if (it := policy.item(i)) else i) for i in ids)


def _shares(policy: Policy, item: Item, purpose: Purpose | None) -> list[_Share]:
    """Recipients, credit bureaus, joint uses and foreign recipients that receive ``item`` for ``purpose``."""
    return [s for s in _all_shares(policy, item) if _serves(policy, s.id, purpose)]


def _serves(policy: Policy, share_id: str, purpose: Purpose | None) -> bool:
    """Whether a provision belongs to ``purpose``'s row.

    The consent documents tie a provision to the purposes it was consented for (the CIC
    registration to credit screening, not to payroll); a provision no consent document names
    cannot be tied to a purpose and shows in every row of the item.
    """
    docs = [d for d in policy.consent_documents if share_id in d.provisions or share_id in d.cross_border]
    if purpose is None or not docs:
        return True
    return any(not d.purposes or purpose.id in d.purposes for d in docs)


def _all_shares(policy: Policy, item: Item) -> list[_Share]:
    out: list[_Share] = []
    for r in policy.recipients:
        if item.id in r.items:
            out.append(_Share(
                r.id, r.name.ja, _BASIS_JA[r.basis], DPV_IRIS.get(f"basis:{r.basis}"), DPV_IRIS["role:third_party"],
                _item_names(policy, r.items), (r.country,),
                # Art. 29: no record for Art. 27(1) exceptions nor for Act 16(2) public bodies
                r.basis is not ProvisionBasis.laws and not r.public_body,
            ))
    for b in policy.credit_bureaus:
        if item.id in b.provided_items:
            # registration with a designated bureau is a consent-based provision (Art. 27(1))
            out.append(_Share(b.id, b.name.ja, _BASIS_JA[ProvisionBasis.consent], DPV_IRIS["basis:consent"],
                              DPV_IRIS["role:third_party"], _item_names(policy, b.provided_items), (), True))
    for j in policy.joint_uses:
        if item.id in j.items:
            # joint use is not provision to a third party (Art. 27(5)(iii)): no Art. 29 record
            out.append(_Share(j.id, f"{j.name.ja}（共同利用）", "共同利用", None, DPV_IRIS["role:joint_use"],
                              _item_names(policy, j.items), (), False))
    for x in policy.cross_border:
        if item.id in x.items:
            basis_iri = DPV_IRIS["basis:consent"] if x.basis is CrossBorderBasis.consent else None
            out.append(_Share(x.id, x.recipient.ja, _CROSS_BORDER_BASIS_JA[x.basis], basis_iri,
                              DPV_IRIS["role:third_party"], _item_names(policy, x.items), tuple(x.countries), True))
    return out


# --- retention --------------------------------------------------------------------------------


def _rule_applies(rule: RetentionRule, item: Item, subjects: list[str]) -> bool:
    named = item.id in rule.items or item.category in rule.categories
    if not named and (rule.items or rule.categories):
        return False
    return not rule.subject_types or not subjects or bool(set(rule.subject_types) & set(subjects))


def _retention_basis(policy: Policy, rule: RetentionRule) -> str:
    parts = []
    if rule.statutory_basis:
        parts.append(rule.statutory_basis.ja)
    if rule.floor:
        bureau = next((b for b in policy.credit_bureaus if b.id == rule.floor.bureau), None)
        if bureau and rule.floor.info_type_index < len(bureau.registrations):
            reg = bureau.registrations[rule.floor.info_type_index]
            parts.append(f"{bureau.name.ja}の{reg.info_type.ja}の登録期間（{describe_period(reg.period)}）以上")
    return "、".join(parts)


# --- rows -------------------------------------------------------------------------------------


def _row_subjects(item: Item, purpose: Purpose | None) -> list[str]:
    if purpose is None or not purpose.subject_types:
        return list(item.subject_types)
    if not item.subject_types:
        return list(purpose.subject_types)
    return [s for s in item.subject_types if s in purpose.subject_types]


def _subject_type(policy: Policy, subject_id: str) -> SubjectType | None:
    return next((s for s in policy.subject_types if s.id == subject_id), None)


def _subject_iri(subject_id: str) -> str:
    return DPV_IRIS.get(f"subject:{subject_id}", DPV_IRIS["subject:*"])


def _row(policy: Policy, no: int, item: Item, purpose: Purpose | None) -> dict[str, str]:
    subjects = _row_subjects(item, purpose)
    subject_names = [(st.name.ja if (st := _subject_type(policy, s)) else s) for s in subjects]
    rules = [r for r in policy.retention if _rule_applies(r, item, subjects)]
    shares = _shares(policy, item, purpose)
    outsourcees = [o for o in policy.outsourcing.outsourcees if item.id in o.items]
    roles = [] if purpose is None else [
        r for r in policy.roles if purpose.id in r.purposes and (not r.categories or item.category in r.categories)
    ]
    consents = [] if purpose is None else [
        d for d in policy.consent_documents if purpose.id in d.purposes and (not d.items or item.id in d.items)
    ]
    records = [s.record for s in shares]
    row = {
        "no": str(no),
        "item_id": item.id,
        "item": item.name.ja,
        "category": category_label(item.category),
        "category_dpv": CATEGORY_RULES[item.category].dpv_iri or "",
        "special_care": "有" if item.category is Category.SPECIAL_CARE else "無",
        "subjects": _join(subject_names),
        "subjects_dpv": _join(_distinct(_subject_iri(s) for s in subjects)),
        "source": "" if item.collected else "取得しない",
        "count": "",
        "purpose_id": purpose.id if purpose else "",
        "purpose": purpose.text.ja if purpose else "",
        "consent": _join(d.title.ja for d in consents),
        "storage": "",
        "department": "",
        "access": _join(r.name.ja for r in roles),
        "retention": _join(_distinct(describe_period(r.period) for r in rules)),
        "retention_basis": _join(_distinct(_retention_basis(policy, r) for r in rules)),
        "disposal": _join(_distinct(r.disposal.ja if r.disposal else None for r in rules)),
        "outsourcee": _join(o.name.ja if o.name else o.id for o in outsourcees),
        "outsourcee_service": _join(o.service.ja for o in outsourcees),
        "outsourcee_country": _join(_distinct(o.country for o in outsourcees)),
        "outsourcee_dpv": DPV_IRIS["role:outsourcee"] if outsourcees else "",
        "recipient": _join(s.name for s in shares),
        "recipient_basis": _join(s.basis for s in shares),
        "recipient_basis_dpv": _join(_distinct(s.basis_iri for s in shares)),
        "recipient_dpv": _join(_distinct(s.role_iri for s in shares)),
        "provided_items": _join(s.items for s in shares),
        "recipient_country": _join(_distinct(c for s in shares for c in s.countries)),
        "record_duty": ("要" if any(records) else "不要") if records else "",
    }
    return {c.key: row[c.key] for c in INVENTORY_COLUMNS}


def inventory_rows(policy: Policy) -> list[dict[str, str]]:
    """One row per item × purpose that uses it (by ``items`` or ``categories``); unused items once.

    Keys are :data:`INVENTORY_COLUMNS` keys, in column order; ``column.ja`` is the header.
    """
    uses: dict[str, list[Purpose]] = {item.id: [] for item in policy.items}
    for purpose in policy.purposes:
        for item in policy.items_of(purpose):
            uses[item.id].append(purpose)
    rows: list[dict[str, str]] = []
    for item in policy.items:
        for purpose in uses[item.id] or [None]:
            rows.append(_row(policy, len(rows) + 1, item, purpose))
    return rows


# --- legend and output ------------------------------------------------------------------------

_DPV_COLUMNS = [c for c in INVENTORY_COLUMNS if c.key.endswith("_dpv")]
_CATEGORY_BY_IRI: dict[str, list[str]] = {}
for _cat, _rule in CATEGORY_RULES.items():
    if _rule.dpv_iri:
        _CATEGORY_BY_IRI.setdefault(_rule.dpv_iri, []).append(category_label(_cat))


def _curie(iri: str) -> str:
    for prefix, ns in (("pd", "https://w3id.org/dpv/pd#"), ("dpv", _DPV)):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def dpv_legend(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The DPV terms the rows use: CURIE, IRI, Japanese meaning and the columns that carry it."""
    used: dict[str, list[str]] = {}
    for row in rows:
        for col in _DPV_COLUMNS:
            for iri in filter(None, row[col.key].split(_SEP)):
                cols = used.setdefault(iri, [])
                if col.ja not in cols:
                    cols.append(col.ja)
    return [
        {"term": _curie(iri), "iri": iri,
         "ja": _IRI_JA.get(iri) or "・".join(_CATEGORY_BY_IRI.get(iri, [])),
         "columns": "、".join(cols)}
        for iri, cols in used.items()
    ]


def inventory_csv(policy: Policy) -> bytes:
    """UTF-8 with BOM and CRLF, so that Excel in Japan opens it without mojibake."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow([c.ja for c in INVENTORY_COLUMNS])
    for row in inventory_rows(policy):
        writer.writerow([row[c.key] for c in INVENTORY_COLUMNS])
    return buf.getvalue().encode("utf-8-sig")


def _write_xlsx(policy: Policy, out_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    rows = inventory_rows(policy)
    wb = Workbook()
    ws = wb.active
    ws.title = "台帳"
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fills = ["DDEBF7", "E2EFDA", "FFF2CC", "FCE4D6"]
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    # row 1: one merged cell per group; row 2: the column headers
    start = 1
    for gi, group in enumerate(GROUPS):
        width = sum(1 for c in INVENTORY_COLUMNS if c.group == group)
        if not width:
            continue
        end = start + width - 1
        cell = ws.cell(row=1, column=start, value=group)
        cell.font, cell.alignment = bold, center
        for col in range(start, end + 1):
            ws.cell(row=1, column=col).fill = PatternFill("solid", fgColor=fills[gi % len(fills)])
            ws.cell(row=1, column=col).border = border
        if end > start:
            ws.merge_cells(start_row=1, start_column=start, end_row=1, end_column=end)
        start = end + 1
    for ci, col in enumerate(INVENTORY_COLUMNS, 1):
        cell = ws.cell(row=2, column=ci, value=col.ja)
        gi = GROUPS.index(col.group)
        cell.font, cell.alignment, cell.border = bold, center, border
        cell.fill = PatternFill("solid", fgColor=fills[gi % len(fills)])
        ws.column_dimensions[get_column_letter(ci)].width = col.width
    for ri, row in enumerate(rows, 3):
        for ci, col in enumerate(INVENTORY_COLUMNS, 1):
            cell = ws.cell(row=ri, column=ci, value=row[col.key])
            cell.alignment, cell.border = wrap, border
    ws.freeze_panes = "D3"  # headers and the item columns stay visible while scrolling
    if rows:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(INVENTORY_COLUMNS))}{len(rows) + 2}"

    legend = wb.create_sheet("凡例")
    legend.append(["用語", "IRI", "意味", "使用列"])
    for cell in legend[1]:
        cell.font = bold
    for entry in dpv_legend(rows):
        legend.append([entry["term"], entry["iri"], entry["ja"], entry["columns"]])
    legend.append([])
    legend.append(["出典", "W3C Data Privacy Vocabulary (DPV) 2.x — https://w3id.org/dpv"])
    for letter, width in zip("ABCD", (30, 52, 28, 40), strict=True):
        legend.column_dimensions[letter].width = width
    legend.freeze_panes = "A2"
    wb.save(out_path)


def write_inventory(policy: Policy, out_path: str | Path, fmt: Literal["csv", "xlsx"] = "csv") -> Path:
    """Write the ledger as CSV (BOM, Japanese headers) or XLSX (sheets 台帳 and 凡例)."""
    out = Path(out_path)
    if fmt == "csv":
        out.write_bytes(inventory_csv(policy))
    elif fmt == "xlsx":
        _write_xlsx(policy, out)
    else:
        raise ValueError(f"unknown inventory format {fmt!r}; use 'csv' or 'xlsx'")
    return out
