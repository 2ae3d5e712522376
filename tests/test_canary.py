"""The canary (tools/canary.py, make canary) turns raw run results into the right report.

Fed fake results: nothing is installed or run here but `make -n` and a tiny Python process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, load_module

canary = load_module("tools/canary.py")

IN_FILES = {
    "docs.in": "# What reading the site needs\nmkdocs==1.6.1  # 2.0 drops plugins\n"
               "mkdocs-material==9.8.2\n",
    "frameworks.in": "torch==2.15.0\njax==0.12.0.1\nonnx\n",
}
PINNED = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2", "torch": "2.15.0", "jax": "0.12.0.1",
          "onnx": "1.23.2", "numpy": "2.5.5"}
NEWEST = {**PINNED, "torch": "2.16.0", "numpy": "2.6.0", "pip": "26.3"}


def junit(*cases: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
            '<testsuite name="pytest">' + "".join(cases) + "</testsuite></testsuites>")


def passed(name: str) -> str:
    return f'<testcase classname="tests.test_samples" name="{name}" time="1.0"/>'


# What pytest writes for a failing test_sample_runs: its message is the test's own text, the
# sample's stderr indented by two spaces, then pytest's explanation repeating stderr as a repr.
SAMPLE_FAILS = (
    '<testcase classname="tests.test_samples" name="test_sample_runs[examples/autodiff/jax.py]">'
    '<failure message="AssertionError: examples/autodiff/jax.py failed (exit 1). Run it with '
    '`.venv/bin/python tools/run_sample.py examples/autodiff/jax.py /tmp/out.npz`:&#10;'
    '  Traceback (most recent call last):&#10;    File &quot;examples/autodiff/jax.py&quot;, '
    'line 20, in &lt;module&gt;&#10;  AttributeError: module \'jax\' has no attribute '
    '\'hessian\'&#10;  &#10;assert 1 == 0&#10; +  where 1 = CompletedProcess(args=[], '
    'returncode=1, stdout=\'\', stderr=\'Traceback\').returncode">full traceback</failure>'
    "</testcase>"
)
TOPIC_DISAGREES = (
    '<testcase classname="tests.test_samples" name="test_samples_agree[vectorisation]">'
    "<failure message=\"Failed: examples/vectorisation: 'batched' differs between jax.py and "
    'pytorch.py (max abs difference 0.002; tolerance rtol=1e-06, atol=1e-08).">tb</failure>'
    "</testcase>"
)
TOPIC_NOT_COMPARED = (
    '<testcase classname="tests.test_samples" name="test_samples_agree[autodiff]">'
    '<failure message="Failed: examples/autodiff/jax.py did not run; see test_sample_runs for '
    'its error.">tb</failure></testcase>'
)
NOTEBOOK_CHANGED = (  # tools/notebooks.py check's stderr: kernel notices, then the error
    "[IPKernelApp] WARNING | Kernel is running over TCP without encryption.\n"
    "ERROR notebooks/training-loop.ipynb: code cell 3 output changed: --- stored\n"
    "+++ fresh run\n@@ -1 +1 @@\n-[stdout] loss 0.1389\n+[stdout] loss 0.1401\n"
    "If the new output is right, run `make notebooks` and commit the notebook.\n"
)


def warning(where: str, message: str, category: str = "DeprecationWarning",
            filename: str = "/x/.venv/lib/python3.12/site-packages/jax/_src/api.py",
            lineno: int = 10, process: str = "run_sample.py") -> dict:
    return {"where": where, "process": process, "category": category, "message": message,
            "filename": filename, "lineno": lineno}


def fake_raw(**changes) -> dict:
    """Raw results of a run in which nothing changed; keyword arguments replace parts."""
    clean = {"returncode": 0, "junit": junit(passed("test_sample_runs[examples/autodiff/jax.py]"),
                                               passed("test_samples_agree[autodiff]")),
             "output": ""}
    raw = {
        "started": "2026-11-30T10:00:00+00:00", "wall_seconds": 1800,
        "machine": "Linux x86_64, 2 CPU cores, Python 3.12.1",
        "direct": canary.direct_requirements(IN_FILES), "pinned": PINNED, "newest": PINNED,
        "baseline": PINNED, "install": {"returncode": 0, "output": ""},
        "mkdocs_versions": ["1.6.1", "1.6.0"],
        "samples": {"newest": clean, "pinned": clean},
        "notebooks": {"newest": {"notebooks/training-loop.ipynb": {"returncode": 0, "stderr": ""}},
                      "pinned": {"notebooks/training-loop.ipynb": {"returncode": 0, "stderr": ""}}},
        "warnings": {"newest": [], "pinned": []},
        "docs": {"returncode": 0, "output": "INFO - Documentation built in 20 seconds"},
        "warning_baseline": "Baseline: the pinned .venv.",
    }
    raw.update(changes)
    return raw


def section(markdown: str, title: str) -> str:
    """The text of one `## title` section of the report."""
    after = markdown.split(f"## {title}\n", 1)[1]
    return after.split("\n## ", 1)[0]


def test_nothing_changed_exits_zero():
    report = canary.build_report(fake_raw())
    markdown = canary.render_markdown(report)
    assert report["problems"] == 0 and canary.exit_status(report) == 0
    assert "Everything is the same" in markdown
    for title in ("Versions", "Failing samples", "Disagreeing results",
                  "Changed notebook outputs", "New warnings", "Docs build"):
        assert f"## {title}\n" in markdown
    assert "None: every sample runs." in section(markdown, "Failing samples")


def test_failing_sample_shows_its_error_tail():
    newest = {"returncode": 1, "output": "", "junit": junit(SAMPLE_FAILS, TOPIC_NOT_COMPARED)}
    raw = fake_raw(samples={"newest": newest, "pinned": fake_raw()["samples"]["pinned"]})
    report = canary.build_report(raw)
    markdown = canary.render_markdown(report)
    failing = section(markdown, "Failing samples")
    assert "### examples/autodiff/jax.py" in failing
    assert "AttributeError: module 'jax' has no attribute 'hessian'" in failing
    assert "passes with the pinned versions" in failing
    # pytest's additions are not part of the sample's error
    assert "assert 1 == 0" not in failing and "CompletedProcess" not in failing
    # the topic could not be compared: said so, not reported as a disagreement
    assert report["disagreeing_results"][0]["not_compared"]
    assert "not compared" in section(markdown, "Disagreeing results")
    assert canary.exit_status(report) == 1


def test_error_tail_keeps_the_last_lines():
    lines = "\n".join(f"  line {n}" for n in range(50))
    tail = canary.error_tail(f"AssertionError: headline\n{lines}\nassert 1 == 0", lines=3)
    assert tail == "line 47\nline 48\nline 49"


def test_disagreeing_results_are_reported():
    newest = {"returncode": 1, "output": "", "junit": junit(TOPIC_DISAGREES)}
    report = canary.build_report(fake_raw(samples={"newest": newest,
                                                   "pinned": fake_raw()["samples"]["pinned"]}))
    text = section(canary.render_markdown(report), "Disagreeing results")
    assert "**examples/vectorisation**" in text and "'batched' differs" in text
    assert report["failing_samples"] == [] and report["exit_status"] == 1


def test_sample_run_that_did_not_complete_is_a_failure():
    newest = {"returncode": "timeout", "junit": None, "output": "collected 40 items\nTimed out"}
    report = canary.build_report(fake_raw(samples={"newest": newest,
                                                   "pinned": fake_raw()["samples"]["pinned"]}))
    assert report["failing_samples"][0]["sample"] == "(the sample run did not complete)"
    assert "Timed out" in report["failing_samples"][0]["error_tail"]
    assert report["exit_status"] == 1


def test_changed_notebook_shows_its_diff():
    notebooks = fake_raw()["notebooks"]
    notebooks["newest"]["notebooks/training-loop.ipynb"] = {"returncode": 1,
                                                            "stderr": NOTEBOOK_CHANGED}
    report = canary.build_report(fake_raw(notebooks=notebooks))
    text = section(canary.render_markdown(report), "Changed notebook outputs")
    assert "### notebooks/training-loop.ipynb" in text
    assert "notebooks/training-loop.ipynb: code cell 3 output changed: --- stored" in text
    assert "-[stdout] loss 0.1389\n+[stdout] loss 0.1401" in text
    assert "Kernel is running over TCP" not in text  # only the checker's error and diff
    assert "Passes with the pinned versions." in text
    assert report["exit_status"] == 1


def test_notebook_check_without_an_error_line_shows_the_end_of_stderr():
    found = canary.notebook_findings(
        {"notebooks/a.ipynb": {"returncode": -9, "stderr": "Killed\n"}}, {})
    assert found[0]["output"] == "check exited with -9:\nKilled"


def test_only_warnings_the_pinned_run_did_not_show_are_new():
    newest = [
        # shown by the pinned run of the same sample, from another install and line: not new
        warning("examples/autodiff/jax.py", "jax.tree_map is deprecated",
                filename="/y/.venv-canary/lib/python3.12/site-packages/jax/_src/tree.py",
                lineno=99),
        # the same warning in a sample whose pinned run did not show it: new there
        warning("examples/vectorisation/jax.py", "jax.tree_map is deprecated"),
        warning("notebooks/training-loop.ipynb", "optax.foo will be removed",
                category="FutureWarning", process="ipykernel_launcher.py"),
    ]
    pinned = [warning("examples/autodiff/jax.py", "jax.tree_map is deprecated")]
    report = canary.build_report(fake_raw(warnings={"newest": newest, "pinned": pinned}))
    found = {(w["category"], w["message"]): w["where"] for w in report["new_warnings"]}
    assert found == {
        ("DeprecationWarning", "jax.tree_map is deprecated"): ["examples/vectorisation/jax.py"],
        ("FutureWarning", "optax.foo will be removed"): ["notebooks/training-loop.ipynb"],
    }
    text = section(canary.render_markdown(report), "New warnings")
    assert "**FutureWarning**" in text and "optax.foo will be removed" in text
    assert "`jax/_src/api.py:10`" in text  # the location, shortened to the package
    assert "Baseline: the pinned .venv." in text
    assert report["exit_status"] == 1


def test_a_warning_shown_by_both_runs_is_not_new():
    both = [warning("examples/autodiff/jax.py", "x at 0x7f00aa is deprecated")]
    again = [warning("examples/autodiff/jax.py", "x at 0x7f11bb is deprecated")]
    report = canary.build_report(fake_raw(warnings={"newest": again, "pinned": both}))
    assert report["new_warnings"] == [] and report["exit_status"] == 0


def test_versions_table():
    report = canary.build_report(fake_raw(newest=NEWEST))
    rows = {row["package"]: row for row in report["versions"]["rows"]}
    assert list(rows) == ["mkdocs", "mkdocs-material", "torch", "jax", "onnx"]
    assert rows["torch"] == {"group": "frameworks.in", "package": "torch", "pinned": "2.15.0",
                             "newest": "2.16.0", "change": "newer"}
    assert rows["mkdocs"]["change"] == "same" and rows["mkdocs"]["group"] == "docs.in"
    others = {o["package"]: o for o in report["versions"]["others"]}
    assert others["numpy"]["change"] == "newer" and others["pip"]["change"] == "not pinned"
    text = section(canary.render_markdown(report), "Versions")
    assert "| frameworks.in | torch | 2.15.0 | 2.16.0 | **newer** |" in text
    assert "| docs.in | mkdocs | 1.6.1 | 1.6.1 | same |" in text
    assert "numpy 2.5.5 → 2.6.0" in text
    # a newer release alone is no finding: only what it breaks or changes is
    assert report["exit_status"] == 0


@pytest.mark.parametrize(("pinned", "newest", "expected"), [
    ("2.15.0", "2.15.0", "same"), ("2.15.0", "2.16.0", "newer"), ("3.15.1", "3.14.0", "older"),
    ("0.12.0.1", "0.12.1", "newer"), (None, "1.0", "not pinned"), ("1.0", None, "not installed"),
])
def test_change(pinned, newest, expected):
    assert canary.change(pinned, newest) == expected


def test_canary_requirements_drop_pins_and_keep_the_mkdocs_bound():
    text = canary.canary_requirements(canary.direct_requirements(IN_FILES))
    assert text.splitlines() == ["mkdocs<2", "mkdocs-material", "torch", "jax", "onnx"]


def test_canary_requirements_from_the_real_files():
    in_files = {p.name: p.read_text() for p in sorted((ROOT / "requirements").glob("*.in"))}
    lines = canary.canary_requirements(canary.direct_requirements(in_files)).splitlines()
    assert "mkdocs<2" in lines and "torch" in lines and "pytest" in lines
    assert not [line for line in lines if "==" in line or "#" in line]


def test_parse_pins_reads_hashed_and_plain_files():
    text = ("appnope==1.0.0 ; sys_platform == 'darwin' \\\n    --hash=sha256:abc\n"
            "Jax==0.12.0.1 \\\n    --hash=sha256:def\n    # via flax\nmkdocs==1.6.1\n")
    assert canary.parse_pins(text) == {"appnope": "1.0.0", "jax": "0.12.0.1", "mkdocs": "1.6.1"}


def test_mkdocs_2_on_the_index_is_reported():
    report = canary.build_report(fake_raw(mkdocs_versions=["2.0.dev6", "1.6.1", "1.6.0"]))
    text = section(canary.render_markdown(report), "Versions")
    assert "newest release 1.6.1, newest pre-release 2.0.dev6" in text
    assert "MkDocs 2 is out as a pre-release" in text
    released = canary.mkdocs_on_index(["2.0.0", "2.0.dev6", "1.6.1"])
    assert released["release_2_or_later"] and released["newest_release"] == "2.0.0"
    assert not canary.mkdocs_on_index(["1.6.1"])["prerelease_2_or_later"]


def test_docs_build_failure_is_reported():
    docs = {"returncode": 1, "output": "INFO - Building\nWARNING - Doc file 'a.md' contains a "
                                       "link 'b.md', but the target is not found\nAborted"}
    report = canary.build_report(fake_raw(docs=docs))
    text = section(canary.render_markdown(report), "Docs build")
    assert "fails with the newest docs stack" in text and "Aborted" in text
    assert report["exit_status"] == 1


def test_failed_install_exits_two_and_says_why():
    raw = fake_raw(install={"returncode": 1, "output": "ERROR: ResolutionImpossible: keras"})
    report = canary.build_report(raw)
    markdown = canary.render_markdown(report)
    assert canary.exit_status(report) == 2
    assert "ResolutionImpossible" in section(markdown, "Install")
    json.dumps(report)  # report.json is written from it


def test_fence_survives_backticks_in_the_output():
    block = canary._fence("a ``` b")
    assert block.startswith("````text\n") and block.endswith("\n````")


def test_hook_logs_the_deprecations_python_shows(tmp_path):
    """tools/canary_site/sitecustomize.py, in a real (tiny) Python process."""
    # Like tools/run_sample.py (which needs NumPy): runpy swaps sys.argv[0] for the sample.
    runner = tmp_path / "run_sample.py"
    runner.write_text("import runpy, sys\nrunpy.run_path(sys.argv[1], run_name='__main__')\n")
    script = tmp_path / "sample.py"
    script.write_text(
        "import warnings\n"
        "warnings.warn('shown', DeprecationWarning)\n"
        "warnings.warn('later', FutureWarning)\n"
        "warnings.warn('not a deprecation', UserWarning)\n"
        "with warnings.catch_warnings(record=True):\n"
        "    warnings.simplefilter('always')\n"
        "    warnings.warn('recorded, never shown', FutureWarning)\n"
    )
    log = tmp_path / "warnings.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools" / "canary_site"),
           "CANARY_WARNINGS_LOG": str(log)}
    env.pop("CANARY_LABEL", None)
    result = subprocess.run([sys.executable, runner, script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "DeprecationWarning: shown" in result.stderr  # still printed as usual
    records = canary.parse_warning_log(log.read_text(), root=tmp_path)
    assert [(r["category"], r["message"], r["where"], r["process"]) for r in records] == [
        ("DeprecationWarning", "shown", "sample.py", "run_sample.py"),
        ("FutureWarning", "later", "sample.py", "run_sample.py"),
    ]


def test_hook_files_a_notebook_kernels_warnings_under_the_notebook(tmp_path):
    log = tmp_path / "warnings.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools" / "canary_site"),
           "CANARY_WARNINGS_LOG": str(log), "CANARY_LABEL": "notebooks/a.ipynb"}
    code = "import warnings; warnings.warn('old', DeprecationWarning)"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60,
                   capture_output=True)
    del env["CANARY_LABEL"]  # no label, no sample: not the canary's business
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60,
                   capture_output=True)
    records = canary.parse_warning_log(log.read_text())
    assert [(r["where"], r["message"]) for r in records] == [("notebooks/a.ipynb", "old")]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_canary_dry_run():
    # Without the flags of a make that may be running this suite (make test), e.g. its jobserver.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(["make", "-n", "canary"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "tools/canary.py --python" in result.stdout


CLAIMS = [
    {"page": "topics/compilation.md", "text": "A print breaks the graph.", "kind": "tested",
     "evidence": "examples/topics/compilation/pytorch.py:print_break", "framework": "PyTorch"},
    {"page": "topics/compilation.md", "text": "jit compiles with XLA.", "kind": "tested",
     "evidence": "examples/topics/compilation/jax.py:compile", "framework": "JAX"},
    {"page": "notebooks/training-loop.ipynb", "text": "Losses agree.", "kind": "tested",
     "evidence": "notebooks/training-loop.ipynb:cell 12", "framework": "Across frameworks"},
    {"page": "topics/deployment-and-serving.md", "text": "TorchServe is archived.",
     "kind": "cited", "evidence": "https://github.com/pytorch/serve", "checked": "2026-01-15",
     "framework": "PyTorch"},
    {"page": "topics/ecosystem.md", "text": "Grain is active.", "kind": "cited",
     "evidence": "https://github.com/google/grain", "checked": "2026-11-01", "framework": "JAX"},
]


def test_claims_at_risk_name_failing_tested_claims_and_stale_citations():
    failing = junit(passed("test_sample_runs[examples/topics/compilation/jax.py]"),
                    '<testcase classname="tests.test_samples" name="test_sample_runs['
                    'examples/topics/compilation/pytorch.py]"><failure message="boom"/>'
                    "</testcase>")
    notebook = {"returncode": 1, "stderr": "ERROR code cell 12 output changed"}
    raw = fake_raw(claims=CLAIMS, samples={"newest": {"returncode": 1, "junit": failing},
                                           "pinned": fake_raw()["samples"]["pinned"]},
                   notebooks={"newest": {"notebooks/training-loop.ipynb": notebook},
                              "pinned": fake_raw()["notebooks"]["pinned"]})
    report = canary.build_report(raw)
    at_risk = report["claims"]
    assert [c["text"] for c in at_risk["tested_failing"]] == ["A print breaks the graph.",
                                                              "Losses agree."]
    assert [c["text"] for c in at_risk["cited_stale"]] == ["TorchServe is archived."]
    assert report["problems"] == 2  # the sample and the notebook; claims are not counted again
    text = section(canary.render_markdown(report), "Claims at risk")
    assert "- topics/compilation.md: A print breaks the graph." in text
    assert "- 2026-01-15, topics/deployment-and-serving.md: TorchServe is archived." in text


def test_claims_that_cannot_be_read_are_reported():
    report = canary.build_report(fake_raw(claims="Refused: docs/x.md:3: [^a] has no definition."))
    assert "could not be read: Refused: docs/x.md:3" in section(
        canary.render_markdown(report), "Claims at risk")


def test_the_canary_reads_the_claims_the_build_publishes(built_site):
    published = json.loads((built_site / "claims.json").read_text(encoding="utf-8"))
    assert canary.site_claims() == published
