"""Every code sample on the site runs, and samples of one topic agree across frameworks.

Samples live in examples/<topic>/<framework>.py; pages include them by named section. Each
sample ends with a ``results`` dict; values under the same name in two frameworks' files are the
same computation on the same inputs, so they must match to a tolerance.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, quiet_env

EXAMPLES = ROOT / "examples"
SAMPLES = sorted(EXAMPLES.glob("*/*.py"))
TOPICS = sorted({sample.parent.name for sample in SAMPLES})
FRAMEWORKS = ("pytorch", "tensorflow", "jax")  # every topic has all three
OPTIONAL = ("keras", "flax")  # where Keras or Flax has an idiom of its own
# Default tolerance: float64 samples agree to rounding. Topics listed here compute in float32 or
# train for several steps, where the order of floating-point operations differs by framework.
TOLERANCE = {"default": (1e-6, 1e-8)}


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def run(sample: Path, out_dir: Path) -> tuple[Path, subprocess.CompletedProcess, Path]:
    out = out_dir / f"{sample.parent.name}-{sample.stem}.npz"
    result = subprocess.run(
        [sys.executable, ROOT / "tools" / "run_sample.py", sample, out],
        capture_output=True, text=True, cwd=ROOT, env=quiet_env(), timeout=600,
    )
    return sample, result, out


def selected_samples(session) -> list[Path]:
    """The samples the selected tests need (all of them unless -k narrowed the run)."""
    needed = set()
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "sample" in params:
            needed.add(params["sample"])
        if "topic" in params:
            needed.update((EXAMPLES / params["topic"]).glob("*.py"))
    return sorted(needed)


@pytest.fixture(scope="session")
def sample_runs(request, tmp_path_factory) -> dict[Path, tuple[subprocess.CompletedProcess, Path]]:
    """Run each needed sample once, two at a time, each in its own process (its own imports)."""
    out_dir = tmp_path_factory.mktemp("samples")
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda sample: run(sample, out_dir), selected_samples(request.session)))
    return {sample: (result, out) for sample, result, out in runs}


def test_samples_are_named_by_framework():
    allowed = set(FRAMEWORKS) | set(OPTIONAL)
    strays = [rel(s) for s in SAMPLES if s.stem not in allowed]
    assert not strays, f"Sample files must be named one of {sorted(allowed)}.py: {strays}"


@pytest.mark.parametrize("sample", SAMPLES, ids=rel)
def test_sample_runs(sample, sample_runs):
    result, _ = sample_runs[sample]
    assert result.returncode == 0, (
        f"{rel(sample)} failed (exit {result.returncode}). Run it with "
        f"`.venv/bin/python tools/run_sample.py {rel(sample)} /tmp/out.npz`:\n"
        f"{result.stderr[-3000:]}"
    )


@pytest.mark.parametrize("topic", TOPICS)
def test_samples_agree(topic, sample_runs):
    folder = EXAMPLES / topic
    missing = [f"{name}.py" for name in FRAMEWORKS if not (folder / f"{name}.py").exists()]
    assert not missing, f"examples/{topic}/ lacks {missing}: each topic shows all three frameworks."
    results = {}
    for sample in sorted(folder.glob("*.py")):
        result, out = sample_runs[sample]
        if result.returncode != 0:
            pytest.fail(f"{rel(sample)} did not run; see test_sample_runs for its error.")
        with np.load(out) as data:
            results[sample.stem] = {name: data[name] for name in data.files}
    shared = set.intersection(*(set(results[name]) for name in FRAMEWORKS))
    assert shared, (
        f"examples/{topic}/: no result name is shared by {', '.join(FRAMEWORKS)}. Give the same "
        "computation the same key in each file's `results` so the agreement can be checked."
    )
    rtol, atol = TOLERANCE.get(topic, TOLERANCE["default"])
    names = sorted(results)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            for key in sorted(set(results[first]) & set(results[second])):
                a, b = results[first][key], results[second][key]
                assert a.shape == b.shape, (
                    f"examples/{topic}: {key!r} has shape {a.shape} in {first}.py but "
                    f"{b.shape} in {second}.py."
                )
                if not np.allclose(a, b, rtol=rtol, atol=atol):
                    worst = float(np.max(np.abs(a.astype(float) - b.astype(float))))
                    pytest.fail(
                        f"examples/{topic}: {key!r} differs between {first}.py and {second}.py "
                        f"(max abs difference {worst:.3g}; tolerance rtol={rtol}, atol={atol}). "
                        "Same inputs must give the same result: check the inputs and the "
                        "computation, or give the results different names if they differ "
                        "on purpose."
                    )
