"""``hogo provide``, ``hogo records export`` and ``hogo records improper``: a batch provision with a progress
bar, the records file, and the finding that a receipt's provider acquired the data improperly.

The database is opened as every other command opens it (``--database`` / ``HOGO_DATABASE_URL``, ``--key-file``).
A batch is provided in chunks — each chunk one provision, its records and one audit entry — so the bar moves
and a failure leaves earlier chunks provided and recorded (the law's duty is per provision, not per file).
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from hogo import clock
from hogo.cli_support import DatabaseOption, KeyFileOption, PolicyOption, actor_named, cli_session, out

records_app = typer.Typer(help="The law-kept records: provision (Art. 29), receipt (Art. 30), personal-related "
                               "information (Art. 31).", no_args_is_help=True)

PolicyArg = Annotated[Path, typer.Argument(help="the program file, e.g. hogo.yaml", show_default=False)]


def _read_refs(path: Path, column: str | None) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        if not fields:
            raise typer.BadParameter("the file has no header row", param_hint="--subjects")
        name = column or fields[0]
        if name not in fields:
            raise typer.BadParameter(f"no column {name!r}", param_hint="--column")
        return [v.strip() for row in reader if (v := (row.get(name) or "").strip())]


def provide(
    policy: PolicyArg,
    recipient: Annotated[str, typer.Option(help="recipient, credit bureau, joint use or outsourcee id")],
    items: Annotated[str, typer.Option(help="comma-separated item ids, e.g. name,address,payment_history")],
    purpose: Annotated[str, typer.Option(help="the purpose the data is provided for")],
    subjects: Annotated[Path, typer.Option(help="CSV with a header: subject ids or external refs (first column)")],
    actor: Annotated[str, typer.Option(help="name of the actor providing (its role must allow the purpose)")],
    basis: Annotated[str | None, typer.Option(help="default: the recipient's basis in the program")] = None,
    justification: Annotated[str | None, typer.Option(help="for a statutory exception: why it applies")] = None,
    method: Annotated[str, typer.Option(help="per_provision, bulk or contract_substitute")] = "per_provision",
    column: Annotated[str | None, typer.Option(help="the CSV column to read (default: the first)")] = None,
    chunk: Annotated[int, typer.Option(min=1, help="subjects per provision")] = 10_000,
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Provide personal data of the subjects in a file to a recipient, with the Art. 29 records."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from hogo.access.service import AccessDenied

    refs = _read_refs(subjects, column)
    with cli_session(policy, database, key_file, AccessDenied) as hogo:
        actor_id = actor_named(hogo, actor)
        wanted = [i.strip() for i in items.split(",") if i.strip()]
        target = hogo.policy.purpose(purpose)
        provided = records = 0
        refused: Counter[str] = Counter()
        started = time.perf_counter()
        ids = list(dict.fromkeys(  # a person listed twice (by id and by ref) is provided once
            hogo.provision.subject_ids_for(refs, list(target.subject_types) if target else ())))
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=out) as bar:
            task = bar.add_task(f"providing to {recipient}", total=len(ids))
            for start in range(0, len(ids), chunk):
                part = ids[start:start + chunk]
                result = hogo.provision.provide(actor_id, part, recipient, wanted, purpose_id=purpose,
                                                basis=basis, justification=justification, method=method)
                provided += len(result.provided)
                records += result.records
                refused.update(code for codes in result.refused.values() for code in codes[:1])
                bar.advance(task, len(part))
        seconds = time.perf_counter() - started
        out.print(f"provided {provided} of {len(ids)} subject(s) to {recipient}, {records} record(s), "
                  f"in {seconds:.1f}s")
        for code, n in refused.most_common():
            out.print(f"  refused {n}: {code}", highlight=False)


@records_app.command("export")
def export(
    policy: PolicyArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON Lines file")],
    since: Annotated[str | None, typer.Option(help="only records created on or after this day (2026-04-01)")] = None,
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Write every record still kept (provision, receipt, personal-related) as JSON Lines."""
    from hogo.law.era import parse_date_any

    day: dt.date | None = None
    if since is not None:
        try:
            day = parse_date_any(since)
        except ValueError:
            raise typer.BadParameter("not a date (2026-04-01, 2026/4/1 or 令和8年4月1日)", param_hint="--since") from None
    with cli_session(policy, database, key_file) as hogo:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as fh:
            count = hogo.provision.export_records(fh, since=day)
    out.print(f"wrote {count} record(s) to {output}")


@records_app.command("improper")
def improper(
    receipt_id: Annotated[str, typer.Argument(help="the Art. 30 receipt, as `hogo import` printed it",
                                              show_default=False)],
    finding: Annotated[str, typer.Option(help="what was found about the provider's acquisition; no personal "
                                              "values (it is kept, never printed)")],
    actor: Annotated[str, typer.Option(help="name of the actor recording the finding")],
    found_on: Annotated[str | None, typer.Option(help="the day it was found (default: today in Japan)")] = None,
    policy: PolicyOption = Path("hogo.yaml"),
    database: DatabaseOption = None,
    key_file: KeyFileOption = Path("hogo.key"),
) -> None:
    """Record that a receipt's provider acquired the data improperly (Art. 20(1)): from then on the persons'
    received items are refused for opt-out provision (Art. 27(2) proviso).

    The finding is free text that may name people, so the output says only that it was recorded.
    """

    from hogo.law.era import parse_date_any

    day = clock.today()
    if found_on is not None:
        try:
            day = parse_date_any(found_on)
        except ValueError:
            raise typer.BadParameter("not a date (2026-04-01, 2026/4/1 or 令和8年4月1日)",
                                     param_hint="--found-on") from None
    with cli_session(policy, database, key_file) as hogo:
        actor_id = actor_named(hogo, actor)
        hogo.provision.find_improper_acquisition(actor_id, receipt_id, finding, found_on=day)
    out.print(f"receipt {receipt_id}: the provider's improper acquisition, found on {day.isoformat()}, is recorded "
              "(the finding is kept, not shown); its persons' received items will not be provided by opt-out "
              "(Art. 27(2), Art. 20(1))", highlight=False)
