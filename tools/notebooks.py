"""Execute the guide's notebooks, store their outputs, and compare fresh runs with stored ones.

    python tools/notebooks.py run [NOTEBOOK ...]     execute and store outputs (make notebooks)
    python tools/notebooks.py check [NOTEBOOK ...]   execute into memory and compare (used by tests)

Each notebook runs in its own kernel process, so one notebook's imports cannot affect another's
(importing tensorflow before torch.compile aborts a process; see docs/topics/compilation.md).
Cells tagged ``volatile`` (timings, memory addresses) are executed but not compared, and neither
is anything written to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import importlib.metadata
import os
import platform
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 600  # seconds per cell; the slowest cell (a compile) takes well under a minute
VOLATILE = "volatile"
RECORDED = ["torch", "jax", "tensorflow-cpu", "keras", "flax", "optax"]
FIX = (
    "If the new output is right, run `make notebooks` and commit the notebook; if the cell's "
    f"output legitimately varies between runs (a timing), tag the cell `{VOLATILE}`."
)


class NotebookError(Exception):
    """A notebook failed to run or no longer prints what it stored."""


def all_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=TIMEOUT, kernel_name="python3", coalesce_streams=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        index = next(
            (n for n, cell in enumerate(_code_cells(nb), start=1)
             if any(o.get("output_type") == "error" for o in cell.get("outputs", []))),
            "?",
        )
        raise NotebookError(
            f"{_rel(path)}: code cell {index} raised {error.ename}: {error.evalue}"
        ) from None
    nb.metadata["executed"] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, no GPU",
        "python": platform.python_version(),
        "packages": {name: importlib.metadata.version(name) for name in RECORDED},
    }
    return nb


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes on every run, so a diff shows only what matters."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata.get("language_info", {}).pop("version", None)
    return nb


def _code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _merged(outputs) -> list:
    """Join consecutive stream outputs of one name: the kernel flushes prints in pieces on a
    timer, so where one piece ends depends on machine load, not on what the cell printed."""
    merged = []
    for output in outputs:
        if (merged and output.get("output_type") == "stream"
                and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1] = {**merged[-1], "text": merged[-1]["text"] + output.get("text", "")}
        else:
            merged.append(output)
    return merged


def _text(output) -> str:
    """The comparable text of one output; images compare by presence only."""
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") == "stderr":
        # Log lines (TensorFlow's C++ notices, LiteRT's delegate message) reach the cell or the
        # kernel's own stderr depending on timing: they are shown, never compared.
        return ""
    if kind == "stream":
        return f"[{output.get('name')}] {output.get('text', '')}"
    if kind == "error":
        return f"[error] {output.get('ename')}: {output.get('evalue')}"
    data = output.get("data", {})
    if "text/plain" in data and not any(k.startswith("image/") for k in data):
        return f"[{kind}] {data['text/plain']}"
    return f"[{kind}] " + ", ".join(sorted(data))


def compare(stored: nbformat.NotebookNode, fresh: nbformat.NotebookNode, path: Path) -> None:
    """Raise NotebookError naming the first code cell whose output changed."""
    old_cells, new_cells = _code_cells(stored), _code_cells(fresh)
    if len(old_cells) != len(new_cells):
        raise NotebookError(f"{_rel(path)}: the number of code cells changed. {FIX}")
    for number, (old, new) in enumerate(zip(old_cells, new_cells), start=1):
        if VOLATILE in old.metadata.get("tags", []):
            continue
        before = "".join(_text(o) for o in _merged(old.get("outputs", [])))
        after = "".join(_text(o) for o in _merged(new.get("outputs", [])))
        if before != after:
            diff = "\n".join(
                difflib.unified_diff(
                    before.splitlines(), after.splitlines(), "stored", "fresh run", lineterm=""
                )
            )
            raise NotebookError(f"{_rel(path)}: code cell {number} output changed:\n{diff}\n{FIX}")


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def run(path: Path) -> str:
    nb = normalise(execute(path))
    nbformat.write(nb, path)
    return f"{_rel(path)}: executed and stored"


def check(path: Path) -> str:
    stored = nbformat.read(path, as_version=4)
    compare(stored, execute(path), path)
    return f"{_rel(path)}: outputs match"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["run", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    paths = args.notebooks or all_notebooks()
    action = run if args.action == "run" else check
    failures = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(action, path) for path in paths]
        for future in futures:
            try:
                print(future.result(), flush=True)
            except NotebookError as error:
                failures += 1
                print(f"ERROR {error}", file=sys.stderr, flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
