"""No personal value in any error body or server log line: the access line is method, path template,
status and actor id; errors name fields and rules; unexpected errors are logged by type and frames only."""

from __future__ import annotations

import logging
import re
import threading
import time

import httpx
import pytest
from _api_support import error_of

from hogo.api.server import config

BAD_MY_NUMBER = "987654321098"  # fails the check digit
BAD_PHONE = "03-9876-54"  # 8 digits
GOOD_PHONE = "080-4321-8765"
NAME = "渡辺 秘密子"
PLANTED = (BAD_MY_NUMBER, BAD_PHONE, GOOD_PHONE, NAME, "4321", "9876", "秘密")
CLIENT_LOGGERS = ("httpx", "httpcore")  # the test's own HTTP client logs its URLs; the server is under test


# Numbers the server itself prints (ids, its port and pid, timings) could contain the short planted fragments
# by chance ("127.0.0.1:43211" holds "4321"); they are not personal values and are masked before the search.
OWN_NUMBERS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                         r"|127\.0\.0\.1:\d+|process \[\d+\]|\d+(\.\d+)?ms")


def _server_log(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if not r.name.startswith(CLIENT_LOGGERS))


def _searchable(log: str) -> str:
    return OWN_NUMBERS.sub("<own>", log)


def _requests(http, staff, customer, employee):
    """Bad and good requests carrying the planted values, in every place a client might put them."""
    s, hr = staff["screening"].headers, staff["hr"].headers
    yield 422, http.put(f"/v1/subjects/{employee}/records", headers=hr,
                        json={"purpose": "withholding", "values": {"my_number": BAD_MY_NUMBER}})
    yield 422, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": "credit_screening", "values": {"phone": BAD_PHONE}})
    yield 422, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": "credit_screening", "values": {"phone": int(BAD_PHONE.replace("-", ""))}})
    yield 422, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": "credit_screening", "values": {"phone": [BAD_PHONE]}})
    yield 422, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": BAD_PHONE, "values": {"name": NAME}})
    yield 422, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": "credit_screening", "values": {BAD_PHONE: NAME}})
    yield 422, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": "credit_screening", "values": {"name": NAME}, BAD_PHONE: NAME})
    yield 422, http.post("/v1/search", headers=s, json={"item": "phone", "value": BAD_PHONE,
                                                         "purpose": "credit_screening"})
    yield 422, http.post("/v1/search", headers=hr, json={"item": "my_number", "value": BAD_MY_NUMBER,
                                                          "purpose": "withholding"})
    yield 422, http.get(f"/v1/subjects/{customer}/records", headers=s,
                        params={"purpose": "credit_screening", "items": f"name,{GOOD_PHONE}"})
    yield 403, http.put(f"/v1/subjects/{customer}/records", headers=staff["marketing"].headers,
                        json={"purpose": "marketing", "values": {"name": NAME, "phone": GOOD_PHONE}})
    yield 200, http.put(f"/v1/subjects/{customer}/records", headers=s,
                        json={"purpose": "credit_screening", "values": {"name": NAME, "phone": GOOD_PHONE}})
    yield 200, http.post("/v1/search", headers=s, json={"item": "phone", "value": GOOD_PHONE,
                                                         "purpose": "credit_screening"})
    yield 401, http.post("/v1/search", json={"item": "phone", "value": GOOD_PHONE, "purpose": "credit_screening"})


@pytest.fixture
def employee(client, staff):
    r = client.post("/v1/subjects", headers=staff["hr"].headers, json={"subject_type": "employee",
                                                                       "purpose": "withholding"})
    return r.json()["id"]


def test_no_planted_value_in_error_bodies_or_logs(caplog, client, staff, customer, employee):
    caplog.set_level(logging.DEBUG)
    for status, r in _requests(client, staff, customer, employee):
        assert r.status_code == status, r.text
        if status >= 400:
            error_of(r, status)
            for value in PLANTED:
                assert value not in r.text, (value, r.text)
    log = _server_log(caplog)
    for value in PLANTED:
        assert value not in _searchable(log), value
    # the access line is there, with the template and the actor, not the path
    assert f"PUT /v1/subjects/{{subject_id}}/records 422 actor={staff['screening'].id}" in log
    assert "POST /v1/search 401 actor=-" in log
    assert customer not in log


def test_an_unexpected_error_is_a_value_free_500(caplog, h, client, staff, customer, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError(f"duplicate key value violates unique constraint: (phone)=({GOOD_PHONE})")

    monkeypatch.setattr(h.access, "read", explode)
    caplog.set_level(logging.DEBUG)
    r = client.get(f"/v1/subjects/{customer}/records", headers=staff["screening"].headers,
                   params={"purpose": "credit_screening"})
    error = error_of(r, 500)
    assert error["code"] == "API-INTERNAL"
    log = _server_log(caplog)
    assert GOOD_PHONE not in r.text and GOOD_PHONE not in log
    assert "unhandled RuntimeError in GET /v1/subjects/{subject_id}/records at" in log
    assert "GET /v1/subjects/{subject_id}/records 500" in log


def test_under_uvicorn_no_value_reaches_any_log(caplog, h, staff, customer, employee):
    """The real server, as ``hogo.api.server.config`` sets it up: uvicorn's own access log (raw URLs with
    query strings) is off, and nothing uvicorn or the app logs carries a planted value."""
    caplog.set_level(logging.DEBUG)
    server = __import__("uvicorn").Server(config(h, port=0, log_config=None, log_level="debug"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for status, r in _requests(http, staff, customer, employee):
                assert r.status_code == status, r.text
                assert "server" not in r.headers
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    log = _server_log(caplog)
    for value in PLANTED:
        assert value not in _searchable(log), value
    assert not [r for r in caplog.records if r.name == "uvicorn.access"]
    assert any(r.name == "uvicorn.error" for r in caplog.records)  # uvicorn's logs were captured
    assert f"POST /v1/search 200 actor={staff['screening'].id}" in log
