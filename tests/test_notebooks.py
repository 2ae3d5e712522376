"""Every notebook re-executes without error and prints what the site shows.

The site renders the outputs stored in each notebook; this re-runs each one in a fresh kernel
(two at a time) and compares, ignoring cells tagged ``volatile`` (timings).
"""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from conftest import ROOT, load_module, quiet_env

notebooks = load_module("tools/notebooks.py")

NOTEBOOKS = notebooks.all_notebooks()


def rel(path):
    return path.relative_to(ROOT).as_posix()


@pytest.fixture(scope="session")
def notebook_checks():
    def check(path):
        return path, subprocess.run(
            [sys.executable, ROOT / "tools" / "notebooks.py", "check", path, "--jobs", "1"],
            capture_output=True, text=True, cwd=ROOT, env=quiet_env(), timeout=900,
        )
    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(check, NOTEBOOKS))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.frameworks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebook_reruns_with_the_stored_outputs(path, notebook_checks):
    result = notebook_checks[path]
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "Error" in line]
    assert result.returncode == 0, "\n".join(errors[-5:]) + "\n" + result.stderr[-2500:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebook_is_stored_normalised(path):
    text = path.read_text(encoding="utf-8")
    expected = nbformat.writes(notebooks.normalise(nbformat.reads(text, as_version=4))) + "\n"
    assert text == expected, (
        f"{rel(path)} is not stored in the normalised form; run `make notebooks` "
        "(or tools/notebooks.py run on it) instead of saving it from an editor."
    )


# A version or build tag in a compared output fails on the next machine or release; the
# execution record above the outputs already names them.
VERSION_TEXT = re.compile(
    r"\b(torch|jax|jaxlib|tensorflow|keras|flax|optax|numpy|python|onnx\w*)[ =]+v?\d+\.\d+\.\d+"
    r"|\+cu\d+|\+cpu\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_compared_outputs_print_no_versions(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(cells, start=1):
        if notebooks.VOLATILE in cell.metadata.get("tags", []):
            continue
        for output in cell.outputs:
            match = VERSION_TEXT.search(notebooks._text(output))
            assert not match, (
                f"{rel(path)}: code cell {number} prints {match.group(0)!r}, which differs by "
                "machine or release. The page's execution record names the versions: drop the "
                f"print, or tag the cell `{notebooks.VOLATILE}` if it reports a timing."
            )


def tiny_notebook(tmp_path, source, outputs=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), nbformat.v4.new_code_cell(source)]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_raising_cell_is_named(tmp_path):
    path = tiny_notebook(tmp_path, "raise ValueError('planted')")
    expected = r"tiny.ipynb: code cell 1 raised ValueError: planted"
    with pytest.raises(notebooks.NotebookError, match=expected):
        notebooks.execute(path)


def test_changed_output_is_named(tmp_path):
    path = tiny_notebook(tmp_path, "print(6 * 7)")
    stored = notebooks.execute(path)
    stored.cells[1].outputs[0]["text"] = "41\n"  # what an outdated notebook would show
    expected = r"tiny.ipynb: code cell 1 output changed"
    with pytest.raises(notebooks.NotebookError, match=expected) as error:
        notebooks.compare(stored, notebooks.execute(path), path)
    assert "-[stdout] 41" in str(error.value) and "+[stdout] 42" in str(error.value)
    assert "make notebooks" in str(error.value)


def test_volatile_cells_are_not_compared(tmp_path):
    path = tiny_notebook(tmp_path, "import time; print(time.perf_counter())")
    stored = notebooks.execute(path)
    stored.cells[1].metadata["tags"] = ["volatile"]
    notebooks.compare(stored, notebooks.execute(path), path)


def test_print_split_into_pieces_compares_equal(tmp_path):
    # The kernel may flush one cell's prints as one stream output or several, depending on load.
    path = tiny_notebook(tmp_path, "print('a'); print('b')")
    stored = notebooks.execute(path)
    stored.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
    ]
    notebooks.compare(stored, notebooks.execute(path), path)


@pytest.mark.parametrize(
    ("stored", "fresh"),
    [
        ("max |diff| = 4e-07", "max |diff| = 1e-07"),  # float32 round-off, reported
        ("loss 0.13887", "loss 0.13886"),  # one unit in the last printed digit
        ("[-2.        1.       -0.5     ]", "[-2.        1.       -0.5     ]"),
    ],
)
def test_round_off_in_printed_numbers_is_accepted(stored, fresh):
    assert notebooks.NumberChecker().same(stored, fresh)


@pytest.mark.parametrize(
    ("stored", "fresh"),
    [
        ("loss 0.13887", "loss 0.13987"),
        ("graphs: 3", "graphs: 2"),  # integers compare exactly
        ("within 1e-5: True", "within 1e-5: False"),
        ("[-2.  1.]", "[-1.  1.]"),  # a number printed without decimals is exact
        ("shape (8, 3)", "shape (8, 4)"),
    ],
)
def test_real_changes_in_printed_output_are_caught(stored, fresh):
    assert not notebooks.NumberChecker().same(stored, fresh)


def test_changed_number_names_notebook_cell_and_both_values(tmp_path):
    path = tiny_notebook(tmp_path, "print(f'loss {0.13887:.5f}')")
    stored = notebooks.execute(path)
    fresh = notebooks.execute(path)
    fresh.cells[1].outputs[0]["text"] = "loss 0.14026\n"  # the stored value plus 1 %
    with pytest.raises(notebooks.NotebookError) as error:
        notebooks.compare(stored, fresh, path)
    message = str(error.value)
    assert "tiny.ipynb: code cell 1 output changed: stored 0.13887, fresh run 0.14026" in message
    assert "make notebooks" in message


def test_cell_metadata_sets_its_own_tolerance(tmp_path):
    path = tiny_notebook(tmp_path, "print('max |diff| = 2e-16')")
    stored = notebooks.execute(path)
    fresh = notebooks.execute(path)
    fresh.cells[1].outputs[0]["text"] = "max |diff| = 1e-07\n"
    notebooks.compare(stored, fresh, path)  # within the default atol
    stored.cells[1].metadata["tolerance"] = {"atol": 1e-12}
    with pytest.raises(notebooks.NotebookError, match=r"stored 2e-16, fresh run 1e-07"):
        notebooks.compare(stored, fresh, path)
    stored.cells[1].metadata["tolerance"] = {"atoll": 1e-12}
    with pytest.raises(notebooks.NotebookError, match=r"code cell 1: unknown tolerance key"):
        notebooks.compare(stored, fresh, path)


def test_error_printed_only_to_stderr_fails(tmp_path):
    source = "import sys; print('Traceback (most recent call last):', file=sys.stderr)"
    path = tiny_notebook(tmp_path, source)
    expected = r"tiny.ipynb: code cell 1 printed an error on stderr"
    with pytest.raises(notebooks.NotebookError, match=expected):
        notebooks.execute(path)


def test_log_noise_on_stderr_is_neither_compared_nor_stored(tmp_path):
    source = (
        "import sys\n"
        "print('I0000 00:00:1796032725.128455    6886 port.cc:153] oneDNN custom operations"
        " are on.', file=sys.stderr)\n"
        "print('INFO: Created TensorFlow Lite XNNPACK delegate for CPU.', file=sys.stderr)"
    )
    path = tiny_notebook(tmp_path, source)
    stored = notebooks.normalise(notebooks.execute(path))
    texts = "".join(o.get("text", "") for o in stored.cells[1].outputs)
    assert "I0000" not in texts and "XNNPACK" in texts  # timestamped absl lines are dropped
    fresh = notebooks.execute(path)
    fresh.cells[1].outputs = []  # the log line went to the kernel's own stderr this time
    notebooks.compare(stored, fresh, path)
