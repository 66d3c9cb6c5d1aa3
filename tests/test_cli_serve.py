"""`hogo serve --demo` as a new user tries it: /docs answers, a CLI-made token reads a demo subject for an
allowed purpose and is refused for a disallowed one."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "car_lease.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOGO_")}
    env["HOGO_POLICY"] = str(POLICY)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "hogo", "serve", "--demo", "--demo-rows", "300", "--port", str(port)],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core CI machine: start-up, migrations, demo rows
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail((tmp_path / "serve.log").read_text())
        yield base, tmp_path, env
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_new_user_story(server):
    base, cwd, env = server
    assert httpx.get(f"{base}/docs").status_code == 200
    printed = (cwd / "serve.log").read_text()
    subject = re.search(r"/v1/subjects/([0-9a-f-]{36})/records\?purpose=product_provision", printed).group(1)

    created = subprocess.run([sys.executable, "-m", "hogo", "actors", "create", "newbie", "--role", "customer_service"],
                             cwd=cwd, env=env, capture_output=True, text=True, check=True)
    token = re.search(r"token \(shown once\): (\S+)", created.stdout).group(1)
    headers = {"Authorization": f"Bearer {token}"}

    ok = httpx.get(f"{base}/v1/subjects/{subject}/records", params={"purpose": "product_provision"}, headers=headers)
    assert ok.status_code == 200
    assert ok.json()["values"]["name"]
    refused = httpx.get(f"{base}/v1/subjects/{subject}/records", params={"purpose": "credit_judgement"},
                        headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ACC-ROLE-PURPOSE"
    assert httpx.get(f"{base}/v1/subjects/{subject}/records", params={"purpose": "product_provision"}).status_code == 401
