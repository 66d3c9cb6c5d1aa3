#!/usr/bin/env python
"""Presidio + GiNZA peer for bench_detect.py — runs in ITS OWN virtualenv (no hogo import).

    python -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install presidio-analyzer ginza ja-ginza
    /tmp/peer-venv/bin/python bench/presidio_peer.py < texts.jsonl > spans.jsonl

Reads JSON lines {"text": ...}; writes one JSON line per input: {"spans": [[start, end, kind], ...]}
with hogo's kind names, then a final line {"seconds": <scan time>, "chars": <n>}.
Note: GiNZA's ja_ginza model is trained on data with non-commercial terms (UD Japanese-BCCWJ, GSK
corpora); benchmarking only.

Fairness: GiNZA's extended named-entity labels are mapped to Presidio entities (Person → PERSON;
Province, City, Postal_Address, … → LOCATION); the credit-card, phone (region JP) and e-mail pattern
recognizers are registered for "ja"; tldextract is kept offline (bundled suffix list, no fetch).
"""

from __future__ import annotations

import json
import sys
import time

import tldextract

# keep the e-mail recognizer offline: tldextract with the bundled suffix snapshot only
_offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
tldextract.extract = _offline  # type: ignore[assignment]

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402
from presidio_analyzer.predefined_recognizers import (  # noqa: E402
    CreditCardRecognizer,
    EmailRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

GINZA_TO_PRESIDIO = {
    "Person": "PERSON",
    "Province": "LOCATION",
    "City": "LOCATION",
    "County": "LOCATION",
    "GPE_Other": "LOCATION",
    "Postal_Address": "LOCATION",
    "Address_Other": "LOCATION",
    "Phone_Number": "PHONE_NUMBER",
    "Email": "EMAIL_ADDRESS",
    "Date": "DATE_TIME",
}
PRESIDIO_TO_HOGO = {
    "PERSON": "person_name",
    "LOCATION": "address",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "CREDIT_CARD": "credit_card",
}


def engine() -> AnalyzerEngine:
    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "ja", "model_name": "ja_ginza"}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": GINZA_TO_PRESIDIO,
            "low_confidence_score_multiplier": 1.0,
            "low_score_entity_names": [],
        },
    }
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    reg = RecognizerRegistry(supported_languages=["ja"])
    reg.add_recognizer(CreditCardRecognizer(supported_language="ja", context=["カード", "クレジット"]))
    reg.add_recognizer(
        PhoneRecognizer(supported_language="ja", supported_regions=("JP",), context=["電話", "TEL", "携帯"])
    )
    reg.add_recognizer(EmailRecognizer(supported_language="ja"))
    reg.add_recognizer(SpacyRecognizer(supported_language="ja", supported_entities=["PERSON", "LOCATION"]))
    return AnalyzerEngine(nlp_engine=nlp, registry=reg, supported_languages=["ja"])


def main() -> int:
    eng = engine()
    texts = [json.loads(line)["text"] for line in sys.stdin if line.strip()]
    t0 = time.perf_counter()
    for t in texts:
        res = eng.analyze(text=t, language="ja", entities=list(PRESIDIO_TO_HOGO))
        spans = sorted({(r.start, r.end, PRESIDIO_TO_HOGO[r.entity_type]) for r in res})
        print(json.dumps({"spans": spans}))
    print(json.dumps({"seconds": time.perf_counter() - t0, "chars": sum(map(len, texts))}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
