"""Run code samples section by section: save their ``results`` and what each section printed.

    python tools/run_sample.py SAMPLE OUT.npz [--outputs FILE]   run one sample (what tests do)
    python tools/run_sample.py --store [SAMPLE ...]              store outputs (make samples)

A sample runs in one namespace, as one module, but statement group by statement group: the
statements inside one snippet section (``# --8<-- [start:grad]`` ... ``[end:grad]``) run with
the process's standard output captured, so what ``grad`` printed is known. Capture is at the
file-descriptor level, so C++ prints (``tf.print(..., output_stream=sys.stdout)``) count too.
``--outputs FILE`` writes those outputs as plain text in the samples' own section markers, or
removes FILE when no section printed anything. ``--store`` does that for every sample (or the
ones named), each in its own process, into ``<framework>.out`` beside ``<framework>.py``; pages
show those files under the code (hooks/compare.py) and tests/test_samples.py compares them with
a fresh run.

Samples run as ``__main__`` the way runpy runs them, never as ``python examples/x/jax.py``: that
would put the sample's folder first on sys.path, and a file named jax.py would then shadow the
real jax package. One process per sample: a process that imported tensorflow cannot later run
torch.compile.
"""

from __future__ import annotations

import argparse
import ast
import ctypes
import os
import subprocess
import sys
import tempfile
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pymdownx.snippets import SnippetPreprocessor

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MARKER = SnippetPreprocessor.RE_SNIPPET_SECTION  # the markers exactly as page includes read them
HEADER = "# What {sample} printed, by snippet section. Refresh: make samples\n"
LIBC = ctypes.CDLL(None)


def to_numpy(value):
    import numpy as np  # here, so that tests without the frameworks can read outputs

    if hasattr(value, "detach"):  # torch tensors
        value = value.detach().cpu()
    return np.asarray(value)


def section_spans(source: str) -> dict[str, tuple[int, int]]:
    """Section name -> (start marker line, end marker line); hooks/snippet_sections.py has
    already refused unpaired markers, so an unclosed section simply runs to the end."""
    spans, open_ = {}, {}
    lines = source.splitlines()
    for number, line in enumerate(lines, start=1):
        match = MARKER.match(line) if "8<-" in line else None
        if match is None or match["escape"]:
            continue
        if match["type"].lower() == "start":
            open_.setdefault(match["name"], number)
        elif match["name"] in open_:
            spans[match["name"]] = (open_.pop(match["name"]), number)
    spans.update({name: (start, len(lines) + 1) for name, start in open_.items()})
    return spans


def statement_groups(source: str, path: str) -> list[tuple[tuple[str, ...], ast.Module]]:
    """Consecutive top-level statements that lie in the same sections, as runnable modules."""
    spans = section_spans(source)
    groups: list[tuple[tuple[str, ...], list[ast.stmt]]] = []
    for statement in ast.parse(source, filename=path).body:
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list",
                                                                       [])])
        inside = tuple(name for name, (start, end) in spans.items() if start < first < end)
        if groups and groups[-1][0] == inside:
            groups[-1][1].append(statement)
        else:
            groups.append((inside, [statement]))
    return [(inside, ast.Module(body=body, type_ignores=[])) for inside, body in groups]


def _flush() -> None:
    sys.stdout.flush()
    LIBC.fflush(None)  # C and C++ output buffered in the process (std::cout shares stdio)


def run_captured(code, namespace: dict) -> str:
    """Execute ``code`` in ``namespace``; return what it wrote to standard output."""
    _flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 1)
        try:
            exec(code, namespace)
            if "jax" in sys.modules:  # jax.debug.print runs asynchronously: wait for it
                sys.modules["jax"].effects_barrier()
        finally:
            _flush()
            os.dup2(saved, 1)
            os.close(saved)
        capture.seek(0)
        return capture.read().decode("utf-8", errors="replace")


def run(sample: str) -> tuple[dict, dict[str, str]]:
    """Run the sample as __main__; return its namespace and section -> printed text."""
    path = Path(sample)
    source = path.read_text(encoding="utf-8")
    module = types.ModuleType("__main__")
    module.__file__ = str(path)
    module.__dict__.update(__builtins__=__builtins__, __loader__=None, __spec__=None,
                           __package__=None, __cached__=None)
    printed: dict[str, str] = {}
    saved_main = sys.modules.get("__main__")
    sys.modules["__main__"] = module  # as runpy does: pickling, dataclasses find the module
    try:
        for inside, body in statement_groups(source, str(path)):
            code = compile(body, str(path), "exec", dont_inherit=True)
            if not inside:
                exec(code, module.__dict__)
                continue
            text = run_captured(code, module.__dict__)
            for name in inside:  # an enclosing section shows its inner sections' code too
                printed[name] = printed.get(name, "") + text
    finally:
        sys.modules["__main__"] = saved_main
    return module.__dict__, {name: text for name, text in printed.items() if text.strip()}


def format_outputs(sample: str, printed: dict[str, str]) -> str:
    """The stored form: one marked block per section that printed, trailing spaces dropped."""
    blocks = [HEADER.format(sample=sample)]
    for name, text in printed.items():
        lines = [line.rstrip() for line in text.rstrip().splitlines()]
        while not lines[0]:  # torch's graph code starts with blank lines
            lines.pop(0)
        blocks.append("\n".join([f"# --8<-- [start:{name}]", *lines, f"# --8<-- [end:{name}]"])
                      + "\n")
    return "".join(blocks)


def parse_outputs(text: str) -> dict[str, str]:
    """Section -> stored text, from a file format_outputs wrote."""
    found, current, lines = {}, None, []
    for line in text.splitlines():
        match = MARKER.match(line) if "8<-" in line else None
        if match and match["type"].lower() == "start" and current is None:
            current, lines = match["name"], []
        elif match and current == match["name"]:
            found[current], current = "\n".join(lines), None
        elif current is not None:
            lines.append(line)
    return found


def relative(path: Path | str) -> str:
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def main_one(sample: str, out: str, outputs: str | None) -> None:
    namespace, printed = run(sample)
    results = namespace.get("results")
    if not isinstance(results, dict) or not results:
        sys.exit(
            f"{sample}: define a non-empty dict named `results` at the end of the sample, "
            "holding the values the other frameworks' samples must agree with."
        )
    import numpy as np

    np.savez(out, **{name: to_numpy(value) for name, value in results.items()})
    if outputs:
        target = Path(outputs)
        if printed:
            target.write_text(format_outputs(relative(sample), printed), encoding="utf-8")
        else:
            target.unlink(missing_ok=True)
    print(f"{relative(sample)}: {len(results)} results, {len(printed)} sections printed")


def store(sample: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """Run ``sample`` in its own process and store its outputs beside it."""
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [sys.executable, __file__, relative(sample), str(Path(scratch) / "results.npz"),
             "--outputs", str(sample.with_suffix(".out"))],
            capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
    return sample, result


def main_store(samples: list[str], jobs: int) -> int:
    paths = [Path(s).resolve() for s in samples] or sorted(EXAMPLES.glob("**/*.py"))
    failures = 0
    with ThreadPoolExecutor(jobs) as pool:
        for sample, result in pool.map(store, paths):
            if result.returncode == 0:
                print(result.stdout.strip(), flush=True)
            else:
                failures += 1
                print(f"ERROR {relative(sample)} failed; its outputs were left as they were:\n"
                      f"{result.stderr[-3000:]}", file=sys.stderr, flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="store_true",
                        help="run samples (default: all) and store <framework>.out beside each")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--outputs", help="with SAMPLE OUT.npz: write what sections printed here")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.store:
        sys.exit(main_store(args.paths, args.jobs))
    if len(args.paths) != 2:
        parser.error("give SAMPLE OUT.npz, or --store [SAMPLE ...]")
    main_one(*args.paths, args.outputs)
