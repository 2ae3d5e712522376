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

import pytest

from conftest import ROOT, quiet_env
from sample_keys import unshared_key_problems

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
        needed = selected_samples(request.session)
        runs = list(pool.map(lambda sample: run(sample, out_dir), needed))
    return {sample: (result, out) for sample, result, out in runs}


def test_samples_are_named_by_framework():
    allowed = set(FRAMEWORKS) | set(OPTIONAL)
    strays = [rel(s) for s in SAMPLES if s.stem not in allowed]
    assert not strays, f"Sample files must be named one of {sorted(allowed)}.py: {strays}"


@pytest.mark.parametrize("name", TOPICS)
def test_results_keys_are_shared(name):
    # Read from the source, not run: a key only one file defines is compared with nothing.
    folder = EXAMPLES / name
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.py"))}
    problems = unshared_key_problems(sources, rel(folder))
    assert not problems, "\n".join(problems)


def test_renamed_results_key_names_the_closest_key_and_both_fixes():
    problems = unshared_key_problems({
        "jax.py": 'results = {"grad": g, "hessian": h}\n',
        "pytorch.py": 'results = {"hessian": h}\nresults.update(gradient=g)\n',
        "tensorflow.py": 'results = {}\nresults["grad"] = g\nresults["hessian"] = h\n',
    }, "examples/autodiff")
    assert problems == [
        "examples/autodiff/pytorch.py:2: results key 'gradient' is defined in no other sample of "
        "this topic, so nothing is compared with it. The closest key in the other files is 'grad' "
        "(jax.py, tensorflow.py). Rename it to match the other files, or, if only this framework "
        "can compute it, declare it in this file: "
        'UNSHARED_RESULTS = {"gradient": "why only this framework has it"}.'
    ]


def test_declared_unshared_key_passes_and_a_stale_declaration_fails():
    shared = 'results = {"y": y}\n'
    own = 'UNSHARED_RESULTS = {"y_onnx": "ONNX is shown for PyTorch only"}\n'
    assert not unshared_key_problems(
        {"jax.py": shared, "pytorch.py": own + 'results = {"y": y, "y_onnx": z}\n'}, "examples/t"
    )
    assert unshared_key_problems({"jax.py": shared, "pytorch.py": own + shared}, "examples/t") == [
        "examples/t/pytorch.py: UNSHARED_RESULTS names 'y_onnx', which `results` does not define. "
        "Remove it from UNSHARED_RESULTS."
    ]
    blank = 'UNSHARED_RESULTS = {"y_onnx": " "}\nresults = {"y": y, "y_onnx": z}\n'
    assert "needs a reason" in unshared_key_problems({"jax.py": shared, "pytorch.py": blank},
                                                     "examples/t")[0]


def test_results_keys_that_cannot_be_read_statically_are_refused():
    problems = unshared_key_problems({
        "jax.py": 'results = {"y": y}\n',
        "pytorch.py": 'results = {}\nfor name in names:\n    results[name] = f(name)\n',
    }, "examples/t")
    assert problems == [
        "examples/t/pytorch.py:3: a `results` key is not a plain string, so the samples' keys "
        "cannot be compared without running them. Write the key as a string literal."
    ]


@pytest.mark.frameworks
@pytest.mark.parametrize("sample", SAMPLES, ids=rel)
def test_sample_runs(sample, sample_runs):
    result, _ = sample_runs[sample]
    assert result.returncode == 0, (
        f"{rel(sample)} failed (exit {result.returncode}). Run it with "
        f"`.venv/bin/python tools/run_sample.py {rel(sample)} /tmp/out.npz`:\n"
        f"{result.stderr[-3000:]}"
    )


@pytest.mark.frameworks
@pytest.mark.parametrize("topic", TOPICS)
def test_samples_agree(topic, sample_runs):
    import numpy as np  # the docs-only check set has no NumPy

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
