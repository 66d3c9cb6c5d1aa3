#!/usr/bin/env python
"""hogo.detect: throughput of the built-in path and per-kind precision / recall / F1.

Run from the repository root::

    .venv/bin/python bench/bench_detect.py                 # ≈ 4 MB corpus, eval set tables
    .venv/bin/python bench/bench_detect.py --mb 16 --repeat 3

Throughput: one core, one process, ``scan`` over a synthetic corpus of Japanese call notes (the eval
documents, shuffled, interleaved with PII-free Japanese business prose — most real text has no PII).
Reported as characters/s and as MB/s of UTF-8 (a Japanese character is 3 bytes in UTF-8).

Peer (optional): Microsoft Presidio with GiNZA (``ja_ginza``), run in its own virtualenv by
``bench/presidio_peer.py`` — pass that venv's interpreter with ``--peer``::

    python -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install presidio-analyzer ginza ja-ginza
    .venv/bin/python bench/bench_detect.py --peer /tmp/peer-venv/bin/python
    /tmp/peer-venv/bin/pip install holidays && /tmp/peer-venv/bin/python bench/bench_detect.py --model

The peer covers person_name, address, phone, email and credit_card; adjacent LOCATION pieces
(東京都 + 千代田区 + 丸の内 …) are merged into one address span before scoring. ja_ginza's training
data carries non-commercial terms: benchmark use only.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hogo.detect import scan  # noqa: E402
from hogo.detect.evaluate import evaluate, load_jsonl  # noqa: E402

EVAL = ROOT / "tests" / "detect" / "eval"

PROSE = [
    "本日はお忙しいところご対応いただき、誠にありがとうございました。",
    "お客様より、先月の請求内容について確認したいとのお問い合わせがありました。",
    "システムの定期メンテナンスのため、一部のサービスを停止いたします。",
    "手続きの流れについて説明し、必要書類を郵送する旨をお伝えしました。",
    "次回のご連絡は来週以降となる見込みです。引き続きよろしくお願いいたします。",
    "商品の配送状況を確認したところ、倉庫からの出荷が遅れていることが判明しました。",
    "キャンペーンの適用条件について詳しく知りたいとのことでしたので、資料をご案内しました。",
    "担当部署へ確認のうえ、折り返しご連絡することでご了承いただきました。",
    "ご契約内容の変更には、所定の申込書への記入と押印が必要です。",
    "Webサイトのマイページからもお手続きいただけますとご案内。",
]


def corpus(mb: float, seed: int = 7) -> list[str]:
    r = random.Random(seed)
    docs = [d["text"] for d in load_jsonl(sorted(EVAL.glob("*.jsonl")))]
    out, size = [], 0
    target = int(mb * 1_000_000)
    while size < target:
        parts = [r.choice(PROSE) for _ in range(r.randrange(2, 6))]
        parts.insert(r.randrange(len(parts) + 1), r.choice(docs))
        doc = "".join(parts)
        out.append(doc)
        size += len(doc.encode("utf-8"))
    return out


def throughput(docs: list[str], repeat: int) -> tuple[float, float, int]:
    chars = sum(map(len, docs))
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    best = float("inf")
    found = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = sum(len(scan(d)) for d in docs)
        best = min(best, time.perf_counter() - t0)
    return chars / best, nbytes / best / 1e6, found


PEER_KINDS = {"person_name", "address", "phone", "email", "credit_card"}


def run_peer(python: str, texts: list[str]) -> tuple[list[list[tuple[int, int, str]]], float, int]:
    inp = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    proc = subprocess.run(
        [python, str(ROOT / "bench" / "presidio_peer.py")],
        input=inp,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    tail = lines.pop()
    out = []
    for t, d in zip(texts, lines, strict=True):
        spans = sorted(tuple(s) for s in d["spans"])
        merged: list[tuple[int, int, str]] = []
        for s, e, k in spans:  # merge adjacent address pieces
            if (
                merged
                and k == "address"
                and merged[-1][2] == "address"
                and s - merged[-1][1] <= 1
                and t[merged[-1][1] : s].strip() == ""
            ):
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]), k)
                continue
            merged.append((s, e, k))
        out.append(merged)
    return out, tail["seconds"], tail["chars"]


def side_by_side(docs: list[dict], peer_spans: list[list[tuple[int, int, str]]]) -> str:
    ours = evaluate(docs, kinds=PEER_KINDS)
    it = iter(peer_spans)
    by_text = {id(d): s for d, s in zip(docs, it, strict=True)}
    theirs = evaluate(docs, detector=_lookup(docs, by_text), kinds=PEER_KINDS)
    lines = [
        f"{'kind':<14}{'labels':>7}   {'hogo P/R/F1 (overlap)':<24}{'presidio+ginza P/R/F1 (overlap)':<34}{'hogo F1 exact':>14}{'peer F1 exact':>14}"
    ]
    for k in sorted(PEER_KINDS):
        a, b = ours.overlap.get(k), theirs.overlap.get(k)
        ae, be = ours.exact.get(k), theirs.exact.get(k)
        if a is None and b is None:
            continue
        from hogo.detect.evaluate import KindScore

        a, b = a or KindScore(), b or KindScore()
        ae, be = ae or KindScore(), be or KindScore()
        lines.append(
            f"{k:<14}{a.tp + a.fn:>7}   {a.precision:.3f}/{a.recall:.3f}/{a.f1:.3f}      "
            f"{b.precision:.3f}/{b.recall:.3f}/{b.f1:.3f}                   {ae.f1:>8.3f}{be.f1:>14.3f}"
        )
    lines.append(
        f"findings on decoy-only documents: hogo {ours.decoy_findings}, peer {theirs.decoy_findings}"
    )
    return "\n".join(lines)


def _lookup(docs: list[dict], by_id: dict[int, list[tuple[int, int, str]]]):
    texts = {d["text"]: by_id[id(d)] for d in docs}

    def det(text: str) -> list[tuple[int, int, str]]:
        return texts[text]

    return det


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in MB of UTF-8 (default 4)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    ap.add_argument(
        "--peer", metavar="PYTHON", help="interpreter of a venv with presidio-analyzer + ja-ginza"
    )
    ap.add_argument(
        "--model",
        action="store_true",
        help="also score hogo.detect.model (needs ginza + ja-ginza in this venv)",
    )
    ap.add_argument("--peer-mb", type=float, default=0.2, help="throughput corpus for the (slow) peer, MB")
    args = ap.parse_args()

    docs = corpus(args.mb)
    one = "\n".join(docs)
    cps, mbps, found = throughput(docs, args.repeat)
    cps1, mbps1, _ = throughput([one], args.repeat)
    print(
        f"corpus: {len(docs):,} documents, {sum(map(len, docs)):,} characters, {len(one.encode()):,} bytes UTF-8"
    )
    print(f"per document : {cps:,.0f} chars/s = {mbps:.2f} MB/s UTF-8 ({found:,} findings)")
    print(f"one big text : {cps1:,.0f} chars/s = {mbps1:.2f} MB/s UTF-8")
    prose = [PROSE[i % len(PROSE)] * 8 for i in range(len(docs))]
    cps2, mbps2, found2 = throughput(prose, args.repeat)
    print(f"PII-free prose: {cps2:,.0f} chars/s = {mbps2:.2f} MB/s UTF-8 ({found2} findings)")
    print()
    for name in ("notes", "forms", "heldout", "heldout2"):
        path = EVAL / f"{name}.jsonl"
        print(f"== {name}.jsonl ==")
        print(evaluate(load_jsonl([path])).table())
        print()
    print("== all ==")
    all_docs = load_jsonl(sorted(EVAL.glob("*.jsonl")))
    print(evaluate(all_docs).table())
    if args.model:
        from hogo.detect.model import scan_with_model

        print()
        print("== hogo with the GiNZA model path (hogo.detect.model.scan_with_model) ==")
        print(
            evaluate(
                all_docs, detector=lambda t: [(f.start, f.end, f.kind) for f in scan_with_model(t)]
            ).table()
        )
    if args.peer:
        print()
        print("== hogo vs Presidio+GiNZA, same eval set (kinds the peer covers) ==")
        peer_spans, _, _ = run_peer(args.peer, [d["text"] for d in all_docs])
        print(side_by_side(all_docs, peer_spans))
        small = corpus(args.peer_mb, seed=11)
        _, secs, chars = run_peer(args.peer, small)
        nbytes = sum(len(d.encode("utf-8")) for d in small)
        hc, hm, _ = throughput(small, 1)
        print(
            f"throughput on {nbytes / 1e6:.2f} MB: presidio+ginza {chars / secs:,.0f} chars/s = "
            f"{nbytes / secs / 1e6:.3f} MB/s; hogo {hc:,.0f} chars/s = {hm:.2f} MB/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
