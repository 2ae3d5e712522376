"""Execute the guide's notebooks, store their outputs, and compare fresh runs with stored ones.

    python tools/notebooks.py run [NOTEBOOK ...]     execute and store outputs (make notebooks)
    python tools/notebooks.py check [NOTEBOOK ...]   execute into memory and compare (used by tests)

Each notebook runs in its own kernel process, so one notebook's imports cannot affect another's
(importing tensorflow before torch.compile aborts a process; see docs/topics/compilation.md).
Printed numbers are compared with a tolerance and everything else exactly (pytest-doctestplus's
FLOAT_CMP checker): float32 results differ in their last digits between CPUs, thread counts and
runs. A cell may set its own tolerance in its metadata, ``"tolerance": {"rtol": 1e-5, "atol": 0}``.
Cells tagged ``volatile`` (timings, file sizes) are executed but not compared. What a cell writes
to stderr is log output and is not compared, but a line that reports an error fails the check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import importlib.metadata
import os
import platform
import re
import runpy
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from pytest_doctestplus.output_checker import FLOAT_CMP, OutputChecker

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 600  # seconds per cell; the slowest cell (a compile) takes well under a minute
VOLATILE = "volatile"
# Versions belong in this record, shown above the outputs, never in compared cell outputs.
# The list is the one the page footer names too, plus what the notebooks also import.
RECORDED = runpy.run_path(str(ROOT / "hooks" / "shared.py"))["NOTEBOOK_PACKAGES"]
# Default tolerance for printed numbers. rtol catches a changed result (0.13887 vs 0.13987);
# atol absorbs float32 round-off reported as a difference (a max |diff| of 4e-07 vs 1e-07).
RTOL, ATOL = 1e-5, 1e-6
# A line on stderr that reports an error, as opposed to log noise (absl's E/F lines included).
STDERR_ERROR = re.compile(
    r"Traceback \(most recent call last\)|^\s*[A-Za-z_.]*(Error|Exception): |^[EF]\d{4} "
    r"|^(ERROR|FATAL|CRITICAL)\b",
    re.MULTILINE,
)
# Log lines that absl (TensorFlow, XLA) writes with a timestamp and thread id: they differ on every
# run and reach a cell or the kernel's own stderr depending on timing, so they are not stored.
ABSL_LOG = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] .*)\n?",
    re.MULTILINE,
)
FIX = (
    "If the new output is right, run `make notebooks` and commit the notebook; if the cell's "
    f"output legitimately varies between runs (a timing), tag the cell `{VOLATILE}`; if it prints "
    "round-off, print a statement (`within 1e-6: True`) or set the cell's metadata "
    '`"tolerance": {"rtol": ..., "atol": ...}`.'
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
    stderr_errors(nb, path)
    nb.metadata["executed"] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, no GPU",
        "python": platform.python_version(),
        "packages": _installed_versions(RECORDED),
    }
    return nb


def _installed_versions(names: list[str]) -> dict[str, str]:
    """Versions of the installed ones: a docs-only venv runs framework-free notebooks too."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


# Metadata that is kept; everything else goes (an allowlist, as tensorflow/docs' nbfmt keeps):
# editors and extensions add keys of their own (timings, jupytext's lines_to_next_cell) that
# nothing here reads and that would only make diffs noisy. A cell's `id` is a field, not metadata.
NOTEBOOK_METADATA = {"kernelspec", "language_info", "executed", "description"}
CELL_METADATA = {"tags", "tolerance", "alt"}  # alt: a figure's text for screen readers


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only the metadata the site and the checks read, so a diff shows only what matters."""
    for cell in nb.cells:
        for key in set(cell.metadata) - CELL_METADATA:
            del cell.metadata[key]
        if cell.cell_type == "code":
            cell.outputs = [o for o in map(_without_log_lines, cell.outputs) if o is not None]
    for key in set(nb.metadata) - NOTEBOOK_METADATA:
        del nb.metadata[key]
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3", "language": "python", "name": "python3",
    }
    nb.metadata.get("language_info", {}).pop("version", None)  # differs between patch releases
    return nb


def _without_log_lines(output):
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        text = ABSL_LOG.sub("", output.get("text", ""))
        if not text:
            return None
        output["text"] = text
    return output


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
        # kernel's own stderr depending on timing: they are shown, never compared. Errors among
        # them are caught by stderr_errors.
        return ""
    if kind == "stream":
        return f"[{output.get('name')}] {output.get('text', '')}"
    if kind == "error":
        return f"[error] {output.get('ename')}: {output.get('evalue')}"
    data = output.get("data", {})
    if "text/plain" in data and not any(k.startswith("image/") for k in data):
        return f"[{kind}] {data['text/plain']}"
    return f"[{kind}] " + ", ".join(sorted(data))


def stderr_errors(nb: nbformat.NotebookNode, path: Path) -> None:
    """Raise NotebookError if a cell reported an error on stderr only (the cell did not raise)."""
    for number, cell in enumerate(_code_cells(nb), start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                match = STDERR_ERROR.search(output.get("text", ""))
                if match:
                    line = output["text"][match.start():].splitlines()[0].strip()
                    raise NotebookError(
                        f"{_rel(path)}: code cell {number} printed an error on stderr: {line!r}. "
                        "Fix the cause; the cell must not report errors, even ones it survives."
                    )


def _last_digit(number: str) -> float:
    """One unit in the last printed digit of `number` (0 for a number printed as an integer)."""
    mantissa, _, exponent = number.strip().lower().partition("e")
    digits = len(mantissa.partition(".")[2])
    if not digits and not exponent:
        return 0.0  # NumPy prints an exact value as "2." : no digit is uncertain
    return 10.0 ** (int(exponent or 0) - digits)


class NumberChecker(OutputChecker):
    """FLOAT_CMP with a chosen tolerance, plus one unit in the last printed digit: a float32
    value near a rounding boundary prints as 0.13887 on one machine and 0.13886 on another."""

    def __init__(self, rtol: float = RTOL, atol: float = ATOL):
        super().__init__()
        self.rtol, self.atol = rtol, atol

    def equal_floats(self, a: str, b: str) -> bool:
        slack = min(_last_digit(a), _last_digit(b))  # the precision both were printed with
        return abs(float(a) - float(b)) <= self.atol + self.rtol * abs(float(b)) + slack

    def same(self, stored: str, fresh: str) -> bool:
        return self.check_output(stored, fresh, FLOAT_CMP)

    def difference(self, stored: str, fresh: str) -> str:
        """The first pair of numbers out of tolerance, or a diff where the text itself changed."""
        if self.num_got_rgx.sub("0.0", stored) == self.num_got_rgx.sub("0.0", fresh):
            numbers = zip(self.find_numbers(stored), self.find_numbers(fresh), strict=False)
            for old, new in numbers:
                if not self.equal_floats(old, new):
                    return (f"stored {old.strip()}, fresh run {new.strip()} "
                            f"(tolerance rtol={self.rtol:g}, atol={self.atol:g})")
        return "\n".join(difflib.unified_diff(
            stored.splitlines(), fresh.splitlines(), "stored", "fresh run", lineterm=""))


def _checker(cell, number: int, path: Path) -> NumberChecker:
    tolerance = cell.metadata.get("tolerance", {})
    unknown = set(tolerance) - {"rtol", "atol"}
    if unknown:
        raise NotebookError(
            f"{_rel(path)}: code cell {number}: unknown tolerance key(s) {sorted(unknown)}; "
            "use \"rtol\" and \"atol\"."
        )
    return NumberChecker(tolerance.get("rtol", RTOL), tolerance.get("atol", ATOL))


def compare(stored: nbformat.NotebookNode, fresh: nbformat.NotebookNode, path: Path) -> None:
    """Raise NotebookError naming the first code cell whose output changed."""
    old_cells, new_cells = _code_cells(stored), _code_cells(fresh)
    if len(old_cells) != len(new_cells):
        raise NotebookError(f"{_rel(path)}: the number of code cells changed. {FIX}")
    for number, (old, new) in enumerate(zip(old_cells, new_cells, strict=True), start=1):
        if VOLATILE in old.metadata.get("tags", []):
            continue
        checker = _checker(old, number, path)
        before = "".join(_text(o) for o in _merged(old.get("outputs", [])))
        after = "".join(_text(o) for o in _merged(new.get("outputs", [])))
        if not checker.same(before, after):
            raise NotebookError(
                f"{_rel(path)}: code cell {number} output changed: "
                f"{checker.difference(before, after)}\n{FIX}"
            )


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
