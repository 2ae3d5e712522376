"""Every code sample on the site runs, and samples of one topic agree across frameworks.

Samples live beside their page's path, examples/<page>/<framework>.py (a "topic" here is such a
folder: topics/compilation); pages include them by named section. Each sample ends with a
``results`` dict; values under the same name in two frameworks' files are the same computation on
the same inputs, so they must match to a tolerance. What each section prints is stored beside the
sample in <framework>.out (pages show it); a fresh run must print the same.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, load_module, quiet_env
from sample_keys import unshared_key_problems

EXAMPLES = ROOT / "examples"
SAMPLES = sorted(EXAMPLES.glob("**/*.py"))
TOPICS = sorted({sample.parent.relative_to(EXAMPLES).as_posix() for sample in SAMPLES})
STORED_OUTPUTS = sorted(EXAMPLES.glob("**/*.out"))
REFRESH = ".venv/bin/python tools/run_sample.py --store {sample}"  # or make samples, for all
FRAMEWORKS = ("pytorch", "tensorflow", "jax")  # every topic has all three
OPTIONAL = ("keras", "flax")  # where Keras or Flax has an idiom of its own
# Default tolerance: float64 samples agree to rounding. Topics listed here compute in float32 or
# train for several steps, where the order of floating-point operations differs by framework.
TOLERANCE = {
    "default": (1e-6, 1e-8),
    "topics/porting-models": (1e-5, 1e-6),  # float32 layers; summation order differs
    "topics/transformer-block": (1e-4, 1e-5),  # float32, several training steps
    "topics/timing-and-profiling": (1e-5, 1e-6),  # float32 matmuls; summation order differs
    "topics/custom-kernels": (1e-5, 1e-6),  # float32 kernels against the frameworks' own ops
    "topics/quantization": (1e-4, 1e-5),  # float32 models; the int8 figures are not shared
    "topics/large-language-models": (1e-4, 1e-5),  # float32, several training steps
    "topics/eager-vs-compiled": (1e-5, 1e-6),  # float32; compiled code may fuse and reorder
}


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def run(sample: Path, out_dir: Path) -> tuple[Path, subprocess.CompletedProcess, Path]:
    """Run a sample; its results land in <name>.npz, what its sections printed in <name>.out."""
    out = out_dir / f"{rel(sample).replace('/', '-')}.npz"
    result = subprocess.run(
        [sys.executable, ROOT / "tools" / "run_sample.py", sample, out,
         "--outputs", out.with_suffix(".out")],
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
    assert not missing, f"examples/{topic}/ lacks {missing}: each page shows all three frameworks."
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


def test_stored_outputs_belong_to_a_sample_section():
    # Read, not run: a stored output whose sample or section is gone would never be compared.
    run_sample = load_module("tools/run_sample.py")
    problems = []
    for stored in STORED_OUTPUTS:
        sample = stored.with_suffix(".py")
        if not sample.is_file():
            problems.append(f"{rel(stored)}: no {sample.name} beside it. Delete {rel(stored)}.")
            continue
        spans = run_sample.section_spans(sample.read_text(encoding="utf-8"))
        for name in run_sample.parse_outputs(stored.read_text(encoding="utf-8")):
            if name not in spans:
                problems.append(
                    f"{rel(stored)}: section {name!r} is no longer in {rel(sample)}. Refresh the "
                    f"stored outputs: {REFRESH.format(sample=rel(sample))}"
                )
    assert not problems, "\n".join(problems)


def output_problems(sample: str, stored: dict[str, str], fresh: dict[str, str], checker) -> list:
    """One message per section whose stored output is not what the fresh run printed."""
    fix = f"If the fresh output is right, refresh it: {REFRESH.format(sample=sample)}"
    stored_file = sample.removesuffix(".py") + ".out"
    problems = []
    for name in sorted(set(stored) | set(fresh)):
        if name not in fresh:
            problems.append(f"{stored_file}: section {name!r} stores output, but {sample} "
                            f"printed nothing in it (or no longer has it):\n{stored[name]}\n{fix}")
        elif name not in stored:
            problems.append(f"{stored_file}: section {name!r} printed output that is not stored:"
                            f"\n{fresh[name]}\n{fix}")
        elif not checker.same(stored[name], fresh[name]):
            problems.append(f"{stored_file}: section {name!r} printed something else than stored: "
                            f"{checker.difference(stored[name], fresh[name])}\nstored:\n"
                            f"{stored[name]}\nfresh run:\n{fresh[name]}\n{fix}")
    return problems


@pytest.mark.frameworks
@pytest.mark.parametrize("sample", SAMPLES, ids=rel)
def test_stored_outputs_match_a_fresh_run(sample, sample_runs):
    # The notebooks' comparison (numbers within a tolerance, text exactly), not a second one.
    checker = load_module("tools/notebooks.py").NumberChecker()
    run_sample = load_module("tools/run_sample.py")
    result, out = sample_runs[sample]
    if result.returncode != 0:
        pytest.fail(f"{rel(sample)} did not run; see test_sample_runs for its error.")
    read = [path.read_text(encoding="utf-8") if path.is_file() else ""
            for path in (sample.with_suffix(".out"), out.with_suffix(".out"))]
    stored, fresh = (run_sample.parse_outputs(text) for text in read)
    problems = output_problems(rel(sample), stored, fresh, checker)
    assert not problems, "\n\n".join(problems)


def test_a_stale_stored_output_names_file_section_values_and_command():
    checker = load_module("tools/notebooks.py").NumberChecker()
    sample = "examples/topics/t/jax.py"
    stored = {"grad": "grad: [0.25 0.5]", "gone": "x"}
    fresh = {"grad": "grad: [0.25 0.7]", "new": "y"}
    problems = output_problems(sample, stored, fresh, checker)
    refresh = "refresh it: .venv/bin/python tools/run_sample.py --store examples/topics/t/jax.py"
    assert len(problems) == 3 and all(refresh in problem for problem in problems)
    assert problems[0].startswith("examples/topics/t/jax.out: section 'gone' stores output, but ")
    assert problems[1].startswith("examples/topics/t/jax.out: section 'grad' printed something "
                                  "else than stored: stored 0.5, fresh run 0.7 (tolerance")
    assert problems[2].startswith("examples/topics/t/jax.out: section 'new' printed output")
    assert not output_problems(sample, {"g": "0.1234567"}, {"g": "0.1234568"}, checker)
