"""Every notebook re-executes without error and prints what the site shows.

The site renders the outputs stored in each notebook; this re-runs each one in a fresh kernel
(two at a time) and compares, ignoring cells tagged ``volatile`` (timings).
"""

from __future__ import annotations

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


def tiny_notebook(tmp_path, source, outputs=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), nbformat.v4.new_code_cell(source)]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_raising_cell_is_named(tmp_path):
    path = tiny_notebook(tmp_path, "raise ValueError('planted')")
    with pytest.raises(notebooks.NotebookError, match=r"tiny.ipynb: code cell 1 raised ValueError: planted"):
        notebooks.execute(path)


def test_changed_output_is_named(tmp_path):
    path = tiny_notebook(tmp_path, "print(6 * 7)")
    stored = notebooks.execute(path)
    stored.cells[1].outputs[0]["text"] = "41\n"  # what an outdated notebook would show
    with pytest.raises(notebooks.NotebookError, match=r"tiny.ipynb: code cell 1 output changed") as error:
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
