"""An unexpected error in the `hogo` command never prints local variables (they can hold personal values)."""

import subprocess
import sys

SCRIPT = """
import sys
from hogo.cli import app

@app.command("explode")
def explode() -> None:
    planted = "山田花子 090-8765-4321"
    raise RuntimeError("boom")

sys.argv = ["hogo", "explode"]
app()
"""


def test_traceback_shows_no_locals():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env={"TERM": "dumb", "COLUMNS": "200", "PATH": ""})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "boom" in output  # the error itself is reported
    assert "090-8765-4321" not in output  # Rich would print it in a "locals" panel
