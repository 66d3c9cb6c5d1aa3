"""`hogo requests list|show|decide` on the embedded SQLite default, with the minimal program."""

from __future__ import annotations

import datetime as dt
import json

from _requests_support import PHOTO, customer
from _support import MINIMAL
from typer.testing import CliRunner

from hogo.cli import app
from hogo.sdk import open_hogo
from hogo.vault.crypto import KeyRing

runner = CliRunner()


def run(tmp_path, *args):
    env = {"HOGO_POLICY": str(MINIMAL), "HOGO_DATABASE_URL": f"sqlite:///{tmp_path / 'hogo.db'}",
           "HOGO_KEY_FILE": str(tmp_path / "hogo.key")}
    return runner.invoke(app, [str(a) for a in args], env=env)


def test_queue_show_and_decide_from_the_terminal(tmp_path):
    KeyRing.generate().save(tmp_path / "hogo.key")
    h = open_hogo(MINIMAL, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
    try:
        desk = h.access.create_actor("desk", "marketing_staff").id
        sid = customer(h, {"name": "山田 太郎"})
        late = h.requests.intake(desk, sid, "correction", items=["name"], received_on=dt.date(2026, 4, 1),
                                 details="氏名の漢字が違います")
        h.requests.verify_identity(desk, late.id, PHOTO, on=dt.date(2026, 4, 1))
        marketing = h.requests.intake(desk, sid, "suspension", purposes=["marketing"], received_on=dt.date(2026, 5, 12))
        h.requests.verify_identity(desk, marketing.id, PHOTO, on=dt.date(2026, 5, 12))
    finally:
        h.close()

    listed = run(tmp_path, "requests", "list", "--as-of", "2026-05-14", "--format", "json")
    assert listed.exit_code == 1, listed.output  # one request is overdue
    queue = json.loads(listed.output)
    assert [(q["request_id"], q["status"]) for q in queue] == [(late.id, "overdue"), (marketing.id, "open")]

    shown = run(tmp_path, "requests", "show", late.id)
    assert shown.exit_code == 0, shown.output
    assert "correction" in shown.output and "運転免許証" in shown.output and "history" in shown.output
    assert "漢字が違います" not in shown.output  # the requester's text stays encrypted
    as_json = json.loads(run(tmp_path, "requests", "show", late.id, "--format", "json").output)
    assert [e["event"] for e in as_json["events"]] == ["intake", "identity_confirmed"]
    assert as_json["due_on"] == "2026-04-15" and "漢字" not in json.dumps(as_json, ensure_ascii=False)

    decided = run(tmp_path, "requests", "decide", marketing.id, "--outcome", "full", "--actor", "desk",
                  "--on", "2026-05-14")
    assert decided.exit_code == 0, decided.output
    assert "decided: full [APPI-35-1, APPI-35-7]" in decided.output
    assert run(tmp_path, "requests", "decide", marketing.id, "--outcome", "full", "--actor", "desk").exit_code == 1
    assert run(tmp_path, "requests", "decide", late.id, "--outcome", "full", "--actor", "nobody").exit_code == 2
    assert run(tmp_path, "requests", "show", "no-such-request").exit_code == 1

    h = open_hogo(MINIMAL, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
    try:
        assert h.requests.show(marketing.id).answer == {"suspended_purposes": ["marketing"]}
        assert h.audit_verify().ok
    finally:
        h.close()


def test_package_writes_the_files_and_prints_only_the_manifest(tmp_path):
    KeyRing.generate().save(tmp_path / "hogo.key")
    h = open_hogo(MINIMAL, f"sqlite:///{tmp_path / 'hogo.db'}", key_path=tmp_path / "hogo.key")
    try:
        desk = h.access.create_actor("desk", "marketing_staff").id
        sid = customer(h, {"name": "山田 太郎", "address": "東京都新宿区西新宿1-1-1"})
        r = h.requests.intake(desk, sid, "disclosure", received_on=dt.date(2026, 5, 12), response_method="electronic")
        h.requests.verify_identity(desk, r.id, PHOTO, on=dt.date(2026, 5, 12))
        h.requests.record_payment(desk, r.id, paid_on=dt.date(2026, 5, 12))
        undecided = h.requests.intake(desk, sid, "disclosure", received_on=dt.date(2026, 5, 12))
        h.requests.decide(desk, r.id, "full", decided_on=dt.date(2026, 5, 13))
    finally:
        h.close()

    out_dir = tmp_path / "to-send"
    done = run(tmp_path, "requests", "package", r.id, "--out", out_dir, "--actor", "desk", "--format", "json")
    assert done.exit_code == 0, done.output
    manifest = json.loads(done.output)
    assert manifest["request_id"] == r.id and manifest["subject_id"] == sid and manifest["method"] == "electronic"
    assert {s["id"]: s["entries"] for s in manifest["sources"]}["vault.records"] == 2
    assert sorted(manifest["files"]) == ["csv", "html", "json"]
    assert "山田" not in done.output and "西新宿" not in done.output  # the manifest, never a value
    data = json.loads((out_dir / "disclosure.json").read_text(encoding="utf-8"))
    assert {r["item_id"]: r["value"] for r in data["records"]} == {"name": "山田 太郎",
                                                                   "address": "東京都新宿区西新宿1-1-1"}
    assert json.loads((out_dir / "manifest.json").read_text(encoding="utf-8")) == manifest
    table = run(tmp_path, "requests", "package", r.id, "--out", tmp_path / "again")
    assert table.exit_code == 0 and "vault.records" in table.output and "山田" not in table.output

    refused = run(tmp_path, "requests", "package", undecided.id, "--out", tmp_path / "nothing")
    assert refused.exit_code == 1 and "REQ-TRANSITION" in refused.output
    assert not (tmp_path / "nothing").exists()
