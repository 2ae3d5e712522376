"""Python code (hooks, tools, tests, samples, notebooks) passes ruff, configured in pyproject."""

import subprocess

from conftest import BIN, ROOT


def test_ruff_finds_nothing():
    result = subprocess.run(
        [BIN / "ruff", "check", "--no-cache", "--output-format", "concise", ROOT],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, (
        f"ruff findings; `.venv/bin/ruff check --fix` fixes the ones marked [*]:\n{result.stdout}"
    )
