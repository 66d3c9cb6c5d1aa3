"""``hogo requests …``: the request desk at the terminal — the queue, one request's history, a decision, a package.

Output holds ids, dates, item names and reason codes only; the requester's text is never printed here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hogo.cli_support import DatabaseOption, KeyFileOption, PolicyOption, actor_named, cli_session, out
from hogo.cli_support import OutputFormat as Format

app = typer.Typer(help="Data-subject requests: the deadline queue, a request's history, decisions, packages.",
                  no_args_is_help=True)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    from hogo.law.era import parse_date_any

    try:
        return parse_date_any(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (2026-04-01, 2026/4/1, 令和8年4月1日)") from None


def _json(data: object) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


@app.command("list")
def list_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day to judge (default: today in Japan)")] = None,
    remind: Annotated[int, typer.Option("--remind", min=0, help="remind N business days before a deadline")] = 2,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """The queue: open requests by the deadline that matters now (overdue first). Exit 1 if any is overdue."""
    with cli_session(policy, database, key_file) as hogo:
        entries = hogo.requests.queue(_date(as_of), remind_business_days=remind)
    if fmt is Format.json:
        _json([e.to_dict() for e in entries])
    else:
        table = Table(title=f"requests queue ({len(entries)} open)")
        for col in ("status", "deadline", "due", "days left", "state", "type", "request"):
            table.add_column(col)
        for e in entries:
            style = {"overdue": "red", "due_today": "yellow", "reminder": "yellow"}.get(e.status)
            table.add_row(e.status, e.deadline, str(e.due_on or "-"),
                          "-" if e.business_days_left is None else str(e.business_days_left), e.state, e.type,
                          e.request_id, style=style)
        out.print(table)
    if any(e.status == "overdue" for e in entries):
        raise typer.Exit(1)


@app.command("show")
def show(
    request_id: Annotated[str, typer.Argument(help="the request's id")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """One request: deadlines, fee, decision with its grounds, its history and identity checks."""
    with cli_session(policy, database, key_file) as hogo:
        view = hogo.requests.show(request_id)
    if fmt is Format.json:
        _json(view.to_dict())
        return
    out.print(f"[bold]{view.type}[/bold] {view.id}  state={view.state}  subject={view.subject_id}", highlight=False)
    out.print(f"received {view.received_on}  answer due {view.due_on}  requester {view.requester_kind}"
              + (f" ({view.agent_kind})" if view.agent_kind else ""), highlight=False)
    fee = "not fixed" if view.fee_yen is None else f"{view.fee_yen:,} yen" + (" (waived)" if view.fee_waived else "")
    out.print(f"fee {fee}  payment due {view.payment_due_on or '-'}  paid {view.paid_at or '-'}", highlight=False)
    if view.refund_yen is not None:
        out.print(f"refunded {view.refund_yen:,} yen on {view.refunded_on} [{', '.join(view.refund_reasons)}]",
                  highlight=False)
    if view.outcome:
        out.print(f"decision {view.outcome}  grounds {', '.join(view.grounds) or '-'}  reasons "
                  f"{', '.join(view.reasons)}  notice due {view.notice_due_on}", highlight=False)
        for item, why in view.retained.items():
            out.print(f"  kept: {item} — {why}", highlight=False)
    table = Table(title="history")
    for col in ("#", "at", "event", "from", "to", "reasons", "actor"):
        table.add_column(col)
    for e in view.events:
        table.add_row(str(e["seq"]), f"{e['at']:%Y-%m-%d %H:%M}", e["event"], e["from"] or "-", e["to"],
                      ", ".join(e["reasons"]), e["actor_id"] or "-")
    out.print(table)
    if view.checks:
        checks = Table(title="identity checks")
        for col in ("holder", "role", "document", "photo", "result", "code"):
            checks.add_column(col)
        for c in view.checks:
            checks.add_row(c["holder"], c["role"], c["document_kind"], str(c["photo"]), c["result"], c["code"])
        out.print(checks)


@app.command("decide")
def decide(
    request_id: Annotated[str, typer.Argument(help="the request's id")],
    outcome: Annotated[str, typer.Option("--outcome", help="full, partial or refused")],
    actor: Annotated[str, typer.Option("--actor", help="the deciding actor's name")],
    ground: Annotated[list[str] | None, typer.Option("--ground", help="a refusal ground (repeat)")] = None,
    alternative: Annotated[str | None, typer.Option("--alternative-measures")] = None,
    on: Annotated[str | None, typer.Option("--on", help="decision date (default: today in Japan)")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Decide a request and carry out its effects (suspension, stop of provision, erasure).

    Corrections need the corrected values, which are personal data: give them through the API or SDK.
    """


    with cli_session(policy, database, key_file) as hogo:
        actor_id = actor_named(hogo, actor)
        view = hogo.requests.decide(actor_id, request_id, outcome, ground or [], alternative_measures=alternative,
                                    decided_on=_date(on))
    out.print(f"{view.id} {view.state}: {view.outcome} [{', '.join(view.reasons)}] notice due {view.notice_due_on}",
              highlight=False)
    for item, why in view.retained.items():
        out.print(f"  kept: {item} — {why}", highlight=False)
    for src in view.answer.get("external", []):
        out.print(f"  external: {src['source']} {src['action']} {src['rows']} row(s)", highlight=False)


@app.command("refund")
def refund(
    request_id: Annotated[str, typer.Argument(help="the request's id")],
    ground: Annotated[str, typer.Option("--ground", help="leak or overcharge")],
    actor: Annotated[str, typer.Option("--actor", help="the desk member refunding")],
    on: Annotated[str | None, typer.Option("--on", help="refund date (default: today in Japan)")] = None,
    amount: Annotated[int | None, typer.Option("--amount", help="yen, to confirm the computed amount")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Give back a paid fee: a leak the company caused, or more paid than the program's fee for the handling."""


    with cli_session(policy, database, key_file) as hogo:
        actor_id = actor_named(hogo, actor)
        view = hogo.requests.refund(actor_id, request_id, ground, refunded_on=_date(on), amount_yen=amount)
    out.print(f"{view.id} {view.state}: refunded {view.refund_yen:,} yen on {view.refunded_on} "
              f"[{', '.join(view.refund_reasons)}]", highlight=False)


@app.command("package")
def package(
    request_id: Annotated[str, typer.Argument(help="the request's id")],
    out_dir: Annotated[Path, typer.Option("--out", help="the directory the package files are written to")],
    actor: Annotated[str | None, typer.Option("--actor", help="the desk member building it (for the audit)")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Write the disclosure package of a decided request to DIR and print its manifest (never a value).

    The files (JSON, CSV, the Japanese letter) hold the person's data in plain text, for sending to them.
    """


    with cli_session(policy, database, key_file) as hogo:
        actor_id = None
        if actor is not None:
            actor_id = actor_named(hogo, actor)
        files = hogo.requests.package(request_id, out_dir=out_dir, actor_id=actor_id)
        manifest = json.loads(files["manifest"].read_text(encoding="utf-8"))
    if fmt is Format.json:
        _json(manifest)
        return
    out.print(f"package of {request_id} ({manifest['method']}) written to {out_dir}", highlight=False)
    sources = Table(title="sources")
    for col in ("source", "label", "entries"):
        sources.add_column(col)
    for src in manifest["sources"]:
        sources.add_row(src["id"], src["label_ja"], str(src["entries"]))
    out.print(sources)
    files_table = Table(title="files")
    for col in ("kind", "name", "sha256"):
        files_table.add_column(col)
    for kind, f in manifest["files"].items():
        files_table.add_row(kind, f["name"], f["sha256"])
    out.print(files_table)
