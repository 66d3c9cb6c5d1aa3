"""Disclosure packages (開示, Art. 33): everything hogo and the declared external databases retain about a person.

A package gathers, for one subject: the vault's records with their history (every version, current or
closed, decrypted under the subject's key), engagements, consent events and opt-outs, Art. 29 provision
records and Art. 30 receipt records (Art. 33(5)), and the person's rows in the program's external SQL
databases (``connectors:``), each entry tagged with where it came from. The manifest lists every source
and how many entries came from it, so the answer can say what came from where.

Writers lay the package out as the person chose (Art. 33(1), Rules 30): an electronic file — JSON, CSV
(UTF-8 with BOM so that Excel reads the Japanese) and a readable Japanese HTML letter — or a printed letter
to the registered address (the HTML letter alone, addressed, print-ready).

Guarantors (連帯保証人): a package built with ``guarantor_of=<contract reference>`` holds only what concerns
the guaranteed debt. The vault expresses "guarantor of contract X" as an engagement of the guarantor with a
guarantor role (``joint_guarantor`` / ``guarantor``) and ``reference == X``; the principal debtor is the
subject with a non-guarantor engagement on the same reference. The package then has the guarantor's own
identifying and credit records, only the engagements on X, and the debt's credit information: the
principal's credit-category records of the items the program registers with credit bureaus (the objective
transaction facts, e.g. payment status) — never the principal's other data (the credit seed: "連帯保証人へ
の開示については、当該連帯保証人が保証している債務の範囲内とする").
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hogo.access import audit
from hogo.connectors.service import EXTERNAL_REF, Connectors, ErasureCount
from hogo.db import unit_of_work
from hogo.law.categories import Category
from hogo.policy.models import Policy, ResponseMethod
from hogo.vault.models import Engagement, Record, Subject, utcnow
from hogo.vault.service import ShreddedError, VaultError

GUARANTOR_ROLES = frozenset({"guarantor", "joint_guarantor"})
#: What a guarantor's own records may show: identity and the credit relationship, nothing else.
GUARANTOR_OWN_CATEGORIES = frozenset({Category.IDENTIFYING, Category.CREDIT})
ELECTRONIC = ResponseMethod.electronic
PRINTED = frozenset({ResponseMethod.registered_mail, ResponseMethod.mail})

SECTION_JA = {
    "subject": "本人", "record": "保有個人データ", "engagement": "契約・取引", "consent": "同意",
    "opt_out": "オプトアウト", "provision": "第三者提供記録", "receipt": "第三者からの受領記録",
    "external": "外部システム", "guaranteed_debt": "保証債務に関する情報",
}


@dataclass(frozen=True)
class Source:
    """One place the package's entries came from."""

    id: str  # "vault.records", "consent.events", "core_banking:crm.customers" …
    label_ja: str
    entries: int


@dataclass
class Package:
    """What is disclosed to one person, section by section, with its sources."""

    subject_id: str
    subject_type: str
    external_ref: str | None
    method: str
    generated_at: dt.datetime
    scope: list[str] | None = None
    guarantor_of: str | None = None
    shredded: bool = False
    records: list[dict] = field(default_factory=list)
    engagements: list[dict] = field(default_factory=list)
    consents: list[dict] = field(default_factory=list)
    opt_outs: list[str] = field(default_factory=list)
    provision_records: list[dict] = field(default_factory=list)
    receipts: list[dict] = field(default_factory=list)
    receipts_available: bool = True
    external: list[dict] = field(default_factory=list)
    guaranteed_debt: list[dict] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def current(self, item_id: str) -> str | None:
        """The current vault value of an item (None when absent or shredded)."""
        return next((r["value"] for r in self.records if r["item_id"] == item_id and r["current"]), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        data["manifest"] = [asdict(s) for s in self.sources]
        del data["sources"]
        return data


# --- building ---------------------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _record_rows(policy: Policy, session: Session, vault, subject_id: str, item_ids: Iterable[str],
                 section: str) -> tuple[list[dict], bool]:
    """Every version of the items' records for the subject, decrypted; (rows, shredded)."""
    wanted = list(item_ids)
    records: list[Record] = list(session.scalars(
        select(Record).where(Record.subject_id == subject_id, Record.item_id.in_(wanted))
        .order_by(Record.item_id, Record.valid_from, Record.created_at)))
    if not records:
        return [], False
    readable = [r for r in records
                if (policy.item(r.item_id) is None or policy.item(r.item_id).category is not Category.MY_NUMBER)]
    try:  # a My Number is never decrypted for a package: the answer says only that it is held
        plain: dict[str, str] | None = vault.decrypt(session, readable) if readable else {}
    except ShreddedError:
        plain = None
    order = {item_id: i for i, item_id in enumerate(i.id for i in policy.items)}
    rows = []
    for r in sorted(records, key=lambda r: (order.get(r.item_id, 1 << 30), r.valid_from, r.created_at)):
        item = policy.item(r.item_id)
        purpose = policy.purpose(r.purpose_id)
        masked = item is not None and item.category is Category.MY_NUMBER
        rows.append({
            "section": section, "source": "vault.records", "record_id": r.id, "item_id": r.item_id,
            "item_name": str(item.name) if item else r.item_id, "category": str(item.category) if item else None,
            "value": None if masked or plain is None else plain.get(r.id), "current": r.valid_to is None,
            "withheld": "MNA-HELD-ONLY" if masked else None,
            "valid_from": _iso(r.valid_from), "valid_to": _iso(r.valid_to),
            "acquired_from": r.source, "channel": r.channel, "provider": r.provider,
            "purpose_id": r.purpose_id, "purpose": str(purpose.text) if purpose else None,
            "retain_until": _iso(r.retain_until),
        })
    return rows, plain is None


def _engagement_dict(e: Engagement) -> dict:
    return {"source": "vault.engagements", "id": e.id, "kind": e.kind, "reference": e.reference, "role": e.role,
            "start_date": _iso(e.start_date), "end_date": _iso(e.end_date)}


def _check_scope(policy: Policy, scope: Sequence[str] | None) -> list[str] | None:
    if scope is None:
        return None
    for i, item_id in enumerate(scope):
        if policy.item(item_id) is None:
            raise VaultError(f"scope[{i}]", "REQ-SCOPE-ITEM", f"{item_id!r} is not an item of the program")
    return list(dict.fromkeys(scope))


def _debt_items(policy: Policy) -> list[str]:
    """The objective transaction facts of a debt: credit items the program registers with credit bureaus."""
    registered = {i for b in policy.credit_bureaus for i in b.provided_items}
    return [i.id for i in policy.items if i.category is Category.CREDIT and i.id in registered]


def build_package(hogo, subject_id: str, *, method: str | ResponseMethod = ELECTRONIC,
                  scope: Sequence[str] | None = None, guarantor_of: str | None = None,
                  connectors: Connectors | None = None, actor_id: str | None = None) -> Package:
    """Collect the disclosure package of ``subject_id`` (see the module doc for the guarantor scope).

    ``scope`` restricts the package to the listed items (a request for part of the data). The building is
    audited (counts only, never values). ``connectors`` defaults to the program's, closed afterwards.
    """
    policy: Policy = hogo.policy
    try:
        method = ResponseMethod(method)
    except ValueError:
        raise VaultError("method", "REQ-METHOD", f"{method!r} is not a response method") from None
    if method not in policy.requests.response_methods:
        raise VaultError("method", "REQ-METHOD", f"the program does not offer {method.value!r} as a response method")
    items = _check_scope(policy, scope)
    owned = connectors is None
    conns = connectors or Connectors(policy)
    all_items = [i.id for i in policy.items]
    own_cats = GUARANTOR_OWN_CATEGORIES if guarantor_of else None

    with hogo.read_sessions() as s:
        subject = s.get(Subject, subject_id)
        if subject is None:
            raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
        engagements = hogo.vault.engagements(s, subject_id)
        principals: list[str] = []
        if guarantor_of is not None:
            if not any(e.reference == guarantor_of and e.role in GUARANTOR_ROLES for e in engagements):
                raise VaultError("guarantor_of", "REQ-GUARANTOR",
                                 "the person is not a guarantor of this contract")
            engagements = [e for e in engagements if e.reference == guarantor_of]
            principals = list(dict.fromkeys(
                e.subject_id for e in hogo.vault.engagements(s, None, reference=guarantor_of)
                if e.role not in GUARANTOR_ROLES and e.subject_id != subject_id))
        own = [i for i in (items or all_items)
               if own_cats is None or policy.item(i).category in own_cats]  # type: ignore[union-attr]
        records, shredded = _record_rows(policy, s, hogo.vault, subject_id, own, "record")
        debt: list[dict] = []
        for pid in principals:
            debt_items = [i for i in _debt_items(policy) if items is None or i in items]
            rows, _ = _record_rows(policy, s, hogo.vault, pid, debt_items, "guaranteed_debt")
            for r in rows:
                r["source"] = "vault.records (guaranteed debt)"
                r["contract"] = guarantor_of
            debt.extend(rows)
        consents = [] if guarantor_of else [
            {"source": "consent.events", "document_id": e.document_id, "title": _doc_title(policy, e.document_id),
             "version": e.version, "event": e.event, "at": _iso(e.at), "channel": e.channel,
             "evidence_ref": e.evidence_ref}
            for e in hogo.consents.history(s, subject_id)]
        opt_outs = [] if guarantor_of else sorted(hogo.consents.state(s, subject_id).opted_out)
        keys: dict[str, str | None] = {EXTERNAL_REF: subject.external_ref}
        key_items = {k for k in conns.key_items() if k != EXTERNAL_REF}
        current = {r["item_id"]: r["value"] for r in records if r["current"]}
        missing = [k for k in key_items if k not in current]
        if missing and not shredded:
            found, _ = _record_rows(policy, s, hogo.vault, subject_id, missing, "key")
            current.update({r["item_id"]: r["value"] for r in found if r["current"]})
        keys.update({k: current.get(k) for k in key_items})

    provision_rows = hogo.provision.records_for(subject_id)
    if items is not None:
        provision_rows = [r for r in provision_rows if set(r["items"]) & set(items)]
    receipts_for = getattr(hogo.provision, "receipts_for", None)
    receipt_rows = list(receipts_for(subject_id)) if receipts_for is not None else []

    try:
        found_rows = conns.collect(keys)
    finally:
        if owned:
            conns.close()
    external = []
    for rows in found_rows:
        columns = {c: item for c, item in rows.columns.items()
                   if (items is None or item in items)
                   and (own_cats is None or policy.item(item).category in own_cats)}  # type: ignore[union-attr]
        if not columns:
            continue
        external.append({
            "source": rows.source, "connector_id": rows.connector_id, "connector_name": rows.connector_name,
            "table": rows.table, "identified_by": rows.key_item,
            "columns": {c: {"item_id": i, "item_name": str(policy.item(i).name)} for c, i in columns.items()},  # type: ignore[union-attr]
            "rows": [{c: row.get(c) for c in columns} for row in rows.rows],
        })

    package = Package(
        subject_id=subject.id, subject_type=subject.subject_type, external_ref=subject.external_ref,
        method=method.value, generated_at=utcnow(), scope=items, guarantor_of=guarantor_of, shredded=shredded,
        records=records, engagements=[_engagement_dict(e) for e in engagements], consents=consents,
        opt_outs=opt_outs, provision_records=[] if guarantor_of else provision_rows,
        receipts=[] if guarantor_of else receipt_rows, receipts_available=receipts_for is not None,
        external=external, guaranteed_debt=debt,
    )
    package.sources = _sources(package)
    with unit_of_work(hogo.sessions) as s:
        audit.append(s, action="requests.package", allowed=True, actor_id=actor_id, subject_id=subject_id,
                     items=sorted({r["item_id"] for r in records}), reasons=("APPI-33-1", "APPI-33-5"),
                     detail={"method": method.value, "records": len(records), "external_tables": len(external),
                             "external_rows": sum(len(t["rows"]) for t in external),
                             "provision_records": len(package.provision_records),
                             "guarantor_of": guarantor_of})
    return package


def _doc_title(policy: Policy, document_id: str) -> str:
    doc = next((d for d in policy.consent_documents if d.id == document_id), None)
    return str(doc.title) if doc else document_id


def _sources(p: Package) -> list[Source]:
    out = [Source("vault.records", "個人データ（保有個人データ、変更履歴を含む）", len(p.records)),
           Source("vault.engagements", "契約・取引", len(p.engagements))]
    if p.guarantor_of:
        out.append(Source("vault.records (guaranteed debt)", f"保証債務に関する情報（契約 {p.guarantor_of}）",
                          len(p.guaranteed_debt)))
    else:
        out += [Source("consent.events", "同意の記録", len(p.consents)),
                Source("consent.opt_outs", "オプトアウト（利用停止の申出）", len(p.opt_outs)),
                Source("provision.records", "第三者提供記録（法29条）", len(p.provision_records)),
                Source("provision.receipts", "第三者からの受領記録（法30条）", len(p.receipts))]
    for t in p.external:
        out.append(Source(t["source"], f"{t['connector_name']}（{t['table']}）", len(t["rows"])))
    return out


# --- the requests service's packager ------------------------------------------------------------------------

#: The files of a package that carry the person's values; ``manifest.json`` carries only ids, counts, hashes.
VALUE_FILES = ("disclosure.json", "disclosure.csv", "disclosure.html")
_REQUEST_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def package_folder(root: str | Path, request_id: str) -> Path:
    """``<root>/<request id>``; anything but a request id is refused, so no path can be built from input."""
    if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id):
        raise VaultError("request_id", "REQ-ID", "a request id")
    return Path(root) / request_id



@dataclass
class DisclosurePackager:
    """The requests service's ``packager``: the package of a decided disclosure request, written to disk.

    ``open_hogo`` wires it (``<out_root>/<request id>/``); each needs the other, so ``requests`` is set after
    the service exists. A partial decision packages only the items the decision disclosed
    (``answer["items"]``); a provision-records request packages the Art. 29/30 records alone.
    """

    hogo: Any
    out_root: Path
    requests: Any = None

    def package(self, request_id: str, *, out_dir: str | Path | None = None,
                actor_id: str | None = None) -> dict[str, Path]:
        """Build and write the package (to ``out_dir``, default ``<out_root>/<request id>``); the files by kind."""
        view = self.requests.show(request_id)
        if view.type == "my_number_held":
            raise VaultError("type", "MNA-HELD-ONLY", "a My Number request is answered by letter only")
        scope = view.scope.get("items") or None
        if view.outcome == "partial" and "items" in view.answer:
            scope = list(view.answer["items"])
        p = build_package(self.hogo, view.subject_id, method=view.response_method or ELECTRONIC, scope=scope,
                          actor_id=actor_id)
        if view.type == "provision_records":
            p.records, p.engagements, p.consents, p.opt_outs, p.external = [], [], [], [], []
            p.sources = [s for s in _sources(p) if s.id.startswith("provision.")]
        target = Path(out_dir) if out_dir is not None else package_folder(self.out_root, request_id)
        return write_package(self.hogo, p, target, request_id=request_id)

    def discard(self, request_id: str) -> list[str]:
        """Delete the package's files that carry values, once the answer went out (Art. 22: no longer needed).

        The manifest stays, with the time of discarding, as the proof of what was sent (its file hashes); the
        request-file keeper removes the folder with the request's file. Returns the names deleted. A package
        written elsewhere (``out_dir``) is the caller's to dispose of.
        """
        folder = package_folder(self.out_root, request_id)
        removed = [name for name in VALUE_FILES if (folder / name).is_file()]
        for name in removed:
            (folder / name).unlink()
        manifest = folder / "manifest.json"
        if removed and manifest.is_file():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            data["discarded_at"] = utcnow().isoformat()
            data["discarded"] = removed
            manifest.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return removed

    def manifest(self, request_id: str, *, actor_id: str | None = None) -> dict[str, Any]:
        """The manifest of the request's package (ids, sources, counts, file hashes — never values).

        The package is written on first ask and then read back, so asking again does not rebuild it.
        """
        path = package_folder(self.out_root, request_id) / "manifest.json"
        if not path.is_file():
            path = self.package(request_id, actor_id=actor_id)["manifest"]
        return json.loads(path.read_text(encoding="utf-8"))


# --- erasure in the external databases --------------------------------------------------------------------


def subject_keys(hogo, subject_id: str, connectors: Connectors | None = None) -> dict[str, str | None]:
    """The values that identify the person in the external databases (``external_ref`` and key items).

    Read them *before* erasing in the vault: once the phone number is erased there, it can no longer find
    the person's rows elsewhere.
    """
    return read_subject_keys(hogo.policy, hogo.vault, hogo.read_sessions, subject_id, connectors)


def read_subject_keys(policy: Policy, vault, sessions, subject_id: str,
                      connectors: Connectors | None = None) -> dict[str, str | None]:
    """:func:`subject_keys` from the parts (the requests service has no facade)."""
    conns = connectors or Connectors(policy)
    wanted = sorted(k for k in conns.key_items() if k != EXTERNAL_REF)
    with sessions() as s:
        subject = s.get(Subject, subject_id)
        if subject is None:
            raise VaultError("subject_id", "VAULT-SUBJECT", "no such subject")
        keys: dict[str, str | None] = {EXTERNAL_REF: subject.external_ref}
        records = vault.current(s, subject_id, wanted) if wanted else []
        try:
            plain = vault.decrypt(s, records) if records else {}
        except ShreddedError:
            plain = {}
        found = {r.item_id: plain.get(r.id) for r in records}
    keys.update({k: found.get(k) for k in wanted})
    return keys


def external_keep(policy: Policy, kept: Iterable[str]) -> dict[str, set[str]]:
    """``Connectors.erase``'s ``keep``: the same kept items in every declared table."""
    items = set(kept)
    return {f"{c.id}:{t.db_schema + '.' if t.db_schema else ''}{t.table}": items
            for c in policy.connectors for t in c.tables}


def erasure_detail(counts: Sequence[ErasureCount]) -> dict[str, int]:
    """What the audit entry and the decision say of an external erasure: counts only."""
    return {"tables": len(counts), "rows_deleted": sum(c.rows for c in counts if c.action == "delete_row"),
            "rows_nulled": sum(c.rows for c in counts if c.action == "null_columns")}


def erase_external(hogo, subject_id: str, keys: dict[str, str | None], *, retained: Iterable[str] = (),
                   connectors: Connectors | None = None, actor_id: str | None = None,
                   request_id: str | None = None) -> list[ErasureCount]:
    """Erase the person in every declared external table, keeping the ``retained`` items; audited (counts only).

    ``keys`` come from :func:`subject_keys`, taken before the vault erasure. An erasure *request* does this
    through ``Requests.decide``; this is for operators acting outside a request.
    """
    owned = connectors is None
    conns = connectors or Connectors(hogo.policy)
    kept = set(retained)
    try:
        counts = conns.erase(keys, keep=external_keep(hogo.policy, kept))
    finally:
        if owned:
            conns.close()
    with unit_of_work(hogo.sessions) as s:
        audit.append(s, action="connectors.erase", allowed=True, actor_id=actor_id, subject_id=subject_id,
                     items=sorted(kept), reasons=("APPI-35-7",),
                     detail={**erasure_detail(counts), "request_id": request_id})
    return counts


# --- writing ----------------------------------------------------------------------------------------------


def csv_rows(p: Package) -> list[list[str]]:
    """One line per disclosed value or record: section, source, item, value and its context."""
    head = ["区分", "取得元", "項目ID", "項目名", "値", "現在の値", "有効開始", "有効終了", "備考"]
    out = [head]

    def line(section: str, source: str, item_id: str, name: str, value: object, current: object = "",
             start: object = "", end: object = "", note: str = "") -> None:
        out.append([SECTION_JA[section], source, item_id, name, "" if value is None else str(value),
                    {True: "はい", False: "いいえ"}.get(current, ""), start or "", end or "", note])

    for r in (*p.records, *p.guaranteed_debt):
        note = f"利用目的: {r['purpose'] or r['purpose_id']}; 取得: {r['acquired_from']}/{r['channel']}"
        if r.get("withheld"):
            note += "; 保有しています（番号そのものは記載しません）"
        if r.get("contract"):
            note += f"; 契約: {r['contract']}"
        line(r["section"], r["source"], r["item_id"], r["item_name"], r["value"], r["current"], r["valid_from"],
             r["valid_to"], note)
    for e in p.engagements:
        line("engagement", e["source"], e["kind"], e["role"], e["reference"], "", e["start_date"], e["end_date"])
    for c in p.consents:
        line("consent", c["source"], c["document_id"], c["title"], c["event"], "", c["at"], "",
             f"版: {c['version']}; 方法: {c['channel']}")
    for purpose_id in p.opt_outs:
        line("opt_out", "consent.opt_outs", purpose_id, purpose_id, "opted_out")
    for r in p.provision_records:
        line("provision", "provision.records", r["recipient_id"], r.get("recipient_name") or r["recipient_id"],
             ", ".join(r["items"]), "", r.get("provided_on") or r.get("created_at"), "",
             f"根拠: {r.get('basis')}; 保存期限: {r.get('retain_until')}")
    for r in p.receipts:
        line("receipt", "provision.receipts", str(r.get("provider_id") or r.get("id") or ""),
             str(r.get("provider_name") or r.get("provider") or ""), ", ".join(r.get("items") or []), "",
             r.get("received_on") or r.get("created_at") or "", "", f"保存期限: {r.get('retain_until') or ''}")
    for t in p.external:
        for row in t["rows"]:
            for col, meta in t["columns"].items():
                line("external", t["source"], meta["item_id"], meta["item_name"], row.get(col), "", "", "",
                     f"{t['connector_name']} {t['table']}.{col}")
    return out


def write_package(hogo, p: Package, out_dir: str | Path, *, lang: str = "ja",
                  request_id: str | None = None) -> dict[str, Path]:
    """Write the package as the person chose; returns the files by kind (and a manifest with their hashes).

    Electronic: ``disclosure.json``, ``disclosure.csv`` (UTF-8 with BOM), ``disclosure.html``. Printed
    letter: ``disclosure.html`` addressed to the registered address, for printing and mailing.
    """
    from hogo.notice.letters import render_disclosure_letter

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    data = p.to_dict()
    if p.method == ELECTRONIC:
        files["json"] = out / "disclosure.json"
        files["json"].write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                 encoding="utf-8")
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(csv_rows(p))
        files["csv"] = out / "disclosure.csv"
        files["csv"].write_bytes(buf.getvalue().encode("utf-8-sig"))
    files["html"] = out / "disclosure.html"
    files["html"].write_text(render_disclosure_letter(hogo.policy, data, printed=p.method in PRINTED),
                             encoding="utf-8")
    manifest = {
        "request_id": request_id, "subject_id": p.subject_id, "method": p.method, "generated_at": data["generated_at"],
        "guarantor_of": p.guarantor_of, "scope": p.scope, "sources": data["manifest"],
        "receipts_available": p.receipts_available,
        "files": {kind: {"name": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest()}
                  for kind, f in files.items()},
    }
    files["manifest"] = out / "manifest.json"
    files["manifest"].write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return files
