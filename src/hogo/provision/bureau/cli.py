"""``hogo bureau``: the credit-bureau inspection report and the registration periods, at the terminal.

The report is the periodic check seed 002 requires (Art. 14(5), 15(3)): inquiries proper, registrations
complete and within their periods. Rows hold identifiers, dates and reason codes only. Exit code 1 when the
inspection found problems, so a scheduled job can alert on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hogo import clock
from hogo.cli_support import DatabaseOption, KeyFileOption, PolicyOption, cli_session, load_or_exit

app = typer.Typer(help="Credit bureaus: inspection of inquiries and registrations, registration periods.",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
out = Console()
err = Console(stderr=True)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _date(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    from hogo.law.era import parse_date_any

    try:
        return parse_date_any(text)
    except ValueError:
        err.print(f"[red]error[/red] --{name}: not a date (use 2026-05-06, 2026年5月6日 or 令和8年5月6日)")
        raise typer.Exit(2) from None


def _previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@app.command("report")
def report(
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
    period_from: Annotated[str | None, typer.Option("--from", help="first day (default: first of last month)")] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="last day (default: end of last month)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="day registrations are checked (default: --to)")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv")] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write; default stdout")] = None,
) -> None:
    """The periodic inspection report: improper inquiries, applications above the threshold never inquired,
    contracts not registered, registrations past their period. Exit 1 if anything was found."""
    default_from, default_to = _previous_month(clock.today())
    start = _date(period_from, "from") or default_from
    end = _date(period_to, "to") or default_to
    check = _date(as_of, "as-of")
    with cli_session(policy, database, key_file, code=2) as hogo:  # exit 1 means "findings" here
        rep = hogo.bureaus.inspection_report(start, end, as_of=check)
    rows = rep.rows()
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt is ReportFormat.json:
            json.dump({"period_from": rep.period_from.isoformat(), "period_to": rep.period_to.isoformat(),
                       "as_of": rep.as_of.isoformat(), "summary": rep.summary, "findings": rows,
                       "audit_seq": rep.audit_seq}, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
        elif fmt is ReportFormat.csv:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["kind", "bureau_id", "subject_id", "ref", "on", "reasons"])
            for r in rows:
                writer.writerow([r["kind"], r["bureau_id"] or "", r["subject_id"], r["ref"], r["on"] or "",
                                 " ".join(r["reasons"])])
        else:
            console = Console(file=stream) if output else out
            title = f"信用情報機関 定期検査 / bureau inspection {rep.period_from} – {rep.period_to} (as of {rep.as_of})"
            table = Table(title=title)
            for col in ("kind", "bureau", "subject", "ref", "date", "reasons"):
                table.add_column(col)
            for r in rows:
                table.add_row(r["kind"], r["bureau_id"] or "-", r["subject_id"], r["ref"], r["on"] or "-",
                              " ".join(r["reasons"]))
            console.print(table)
            summary = Table(title="summary")
            summary.add_column("count")
            summary.add_column("value", justify="right")
            for key, value in rep.summary.items():
                summary.add_row(key, str(value))
            console.print(summary)
    finally:
        if output:
            stream.close()
    if rows:
        raise typer.Exit(1)


@app.command("periods")
def periods(
    policy: PolicyOption = Path("hogo.yaml"),
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv")] = ReportFormat.table,
) -> None:
    """The registration period of every bureau and information type, as the notice states it."""
    from hogo.provision.bureau.service import registration_periods

    rows = registration_periods(load_or_exit(policy).policy)
    if fmt is ReportFormat.json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if fmt is ReportFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["bureau_id"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table(title="登録期間 / registration periods")
    for col in ("bureau", "info type", "years", "months", "days", "from", "during contract", "notice wording"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["bureau_id"], r["info_type"], str(r["years"]), str(r["months"]), str(r["days"]), r["from"],
                      "yes" if r["during_contract"] else "", r["wording_ja"])
    out.print(table)
