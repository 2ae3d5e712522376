"""The "Measured: eager vs compiled" page shows a stored benchmark record, never a figure typed by
hand: its table and figures must be what bench/eager_vs_compiled.py draws from the record, the
record must be a complete full run, and the script must still run.

No timing is asserted anywhere: the figures depend on the machine, which the record names.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, load_module, quiet_env

bench = load_module("bench/eager_vs_compiled.py")
PAGE = ROOT / "docs" / "topics" / "eager-vs-compiled.md"
REFRESH = "run `make speed` to measure again, or `python bench/eager_vs_compiled.py --render` " \
          "to redraw from the stored record"


def record_problems(data: dict, settings: dict) -> list[str]:
    """What is missing or impossible in a record: every framework, step and mode, in order."""
    problems = []
    for key in ("date", "machine", "versions", "settings", "devices", "timings"):
        if key not in data:
            problems.append(f"no {key!r}")
    if problems:
        return problems
    if data["settings"] != settings:
        problems.append(f"settings {data['settings']}, expected {settings}")
    date = dt.date.fromisoformat(data["date"])
    if date > dt.date.today():
        problems.append(f"dated {date}, in the future")
    for package in ("torch", "jax", "jaxlib"):
        if package not in data["versions"]:
            problems.append(f"no version of {package}")
    if not {"tensorflow", "tensorflow-cpu"} & set(data["versions"]):
        problems.append("no version of TensorFlow")
    found = {(t["framework"], t["workload"], t["mode"]): t for t in data["timings"]}
    wanted = {(f, w, m) for f, modes in bench.MODES.items() for w in bench.WORKLOADS for m in modes}
    if missing := wanted - set(found):
        problems.append(f"no timing for {sorted(missing)}")
    for key, t in found.items():
        if not 0 < t["q1_ms"] <= t["median_ms"] <= t["q3_ms"]:
            problems.append(f"{key}: quartiles {t['q1_ms']}, {t['median_ms']}, {t['q3_ms']}")
        if len(t["blocks_ms"]) != settings["blocks"] or t["first_call_s"] <= 0:
            problems.append(f"{key}: {len(t['blocks_ms'])} blocks, first call {t['first_call_s']}")
    return problems


def test_record_is_a_complete_full_run():
    data = json.loads(bench.RECORD.read_text())
    problems = record_problems(data, bench.FULL)
    assert not problems, (
        f"{bench.RECORD.relative_to(ROOT)} is not a complete full run ({'; '.join(problems)}): "
        "run `make speed`, not a --quick run, to store the record")


def test_table_is_the_one_the_record_gives():
    stored = bench.TABLE.read_text()
    expected = bench.table(json.loads(bench.RECORD.read_text()))
    assert stored == expected, (
        f"{bench.TABLE.relative_to(ROOT)} differs from what the record gives: {REFRESH}")


@pytest.mark.frameworks  # matplotlib comes with the frameworks' requirements
def test_figures_are_the_ones_the_record_gives(tmp_path):
    bench.figures(json.loads(bench.RECORD.read_text()), tmp_path / "figure")
    for scheme in ("light", "dark"):
        stored = Path(f"{bench.FIGURE}-{scheme}.svg")
        drawn = tmp_path / f"figure-{scheme}.svg"
        assert stored.read_bytes() == drawn.read_bytes(), (
            f"{stored.relative_to(ROOT)} differs from the figure the record gives: {REFRESH}")


def test_page_shows_both_figures_with_alt_text_and_the_table():
    text = PAGE.read_text()
    images = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", text)
    by_scheme = {src.rsplit("#", 1)[-1]: alt for alt, src in images if "measured/" in src}
    assert set(by_scheme) == {"only-light", "only-dark"}, (
        f"{PAGE.relative_to(ROOT)} must show the light figure with #only-light and the dark one "
        f"with #only-dark (Material shows one per colour scheme); found {sorted(by_scheme)}")
    for scheme, alt in by_scheme.items():
        assert len(alt.split()) >= 10, (
            f"{PAGE.relative_to(ROOT)}: the {scheme} figure needs alt text that says what it "
            f"shows, not {alt!r}")
    assert f'--8<-- "{bench.TABLE.name}"' in text, (
        f"{PAGE.relative_to(ROOT)} must include the generated table: --8<-- \"{bench.TABLE.name}\"")


@pytest.mark.frameworks
def test_benchmark_script_runs(tmp_path):
    """A smoke run: every framework's steps are timed and a complete record is written."""
    result = subprocess.run(
        [sys.executable, ROOT / "bench" / "eager_vs_compiled.py", "--quick", "--out", tmp_path],
        capture_output=True, text=True, cwd=ROOT, env=quiet_env(), timeout=600,
    )
    assert result.returncode == 0, f"bench/eager_vs_compiled.py --quick failed:\n{result.stderr}"
    data = json.loads((tmp_path / bench.RECORD.name).read_text())
    problems = record_problems(data, bench.QUICK)
    assert not problems, f"the smoke run's record is incomplete: {'; '.join(problems)}"
    assert (tmp_path / bench.TABLE.name).read_text() == bench.table(data)
    for scheme in ("light", "dark"):
        assert (tmp_path / f"{bench.FIGURE.name}-{scheme}.svg").stat().st_size
