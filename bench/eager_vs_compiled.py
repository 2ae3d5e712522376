"""Time one training step, eager and compiled, in PyTorch, TensorFlow and JAX.

    python bench/eager_vs_compiled.py              measure; write the record, table and figures
                                                   that the "Measured" page shows (make speed)
    python bench/eager_vs_compiled.py --render     redraw the table and figures from the record
    python bench/eager_vs_compiled.py --out DIR    measure, writing everything into DIR instead
    python bench/eager_vs_compiled.py --quick ...  one short block per step: a smoke run

The steps are the ones docs/topics/eager-vs-compiled.md shows, from
examples/topics/eager-vs-compiled/<framework>.py; the page's tests check that eager and compiled
steps agree, so this script only times them. Each framework runs in a process of its own (one
process cannot hold TensorFlow and a later torch.compile), which executes the sample without its
checks (so the first call below really is the first) and times every step its benchmarks()
returns:

- first call: tracing, compiling and one step, from a cold start (Inductor's on-disk cache points
  at an empty folder; JAX's persistent cache is off unless configured, and TensorFlow has none);
- then WARMUP steps, untimed;
- then BLOCKS blocks of STEPS_PER_BLOCK steps, the clock read after a sync (the loss copied to the
  host), so asynchronous dispatch cannot hide work. Each block gives one time per step; the
  record keeps the median, the quartiles and every block's figure.

The docs build never runs this: it reads the stored record, table and figures.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "topics" / "eager-vs-compiled"
FRAMEWORKS = ("pytorch", "tensorflow", "jax")
WORKLOADS = {"mlp": "MLP step", "block": "Transformer block step"}
# Mode names as the page and figure show them, per framework.
MODES = {
    "pytorch": {"eager": "eager", "compiled": "torch.compile"},
    "tensorflow": {"eager": "eager", "graph": "tf.function",
                   "compiled": "tf.function(jit_compile=True)"},
    "jax": {"eager": "no jit", "compiled": "jax.jit"},
}
LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX"}
PACKAGES = ("torch", "tensorflow-cpu", "tensorflow", "keras", "jax", "jaxlib", "optax", "numpy")
# Where the page finds what this script stores (--out moves all three).
RECORD = ROOT / "docs" / "assets" / "measured" / "eager-vs-compiled.json"
FIGURE = RECORD.with_suffix("")  # + "-light.svg" / "-dark.svg"
TABLE = ROOT / "docs" / "includes" / "eager-vs-compiled.md"
FULL = {"warmup": 5, "blocks": 15, "steps_per_block": 5}
QUICK = {"warmup": 1, "blocks": 2, "steps_per_block": 1}


# ---- one framework, in its own process ------------------------------------------------------

def sample_without_checks(framework: str) -> dict:
    """Run the sample's setup and steps: everything but its checks (the snippet section `agree`)
    and its `results`, which the checks compute."""
    path = SAMPLES / f"{framework}.py"
    source = path.read_text()
    lines = source.splitlines()
    start = next(n for n, line in enumerate(lines, 1) if "[start:agree]" in line)
    end = next(n for n, line in enumerate(lines, 1) if "[end:agree]" in line)
    module = ast.parse(source, str(path))
    module.body = [
        node for node in module.body
        if not start < node.lineno < end
        and not (isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "results" for t in node.targets))
    ]
    namespace = {"__name__": "eager_vs_compiled_sample", "__file__": str(path)}
    exec(compile(module, str(path), "exec"), namespace)
    return namespace


def device_of(framework: str) -> str:
    if framework == "pytorch":
        import torch
        device = torch.accelerator.current_accelerator(check_available=True)
        return device.type if device else "cpu"
    if framework == "tensorflow":
        import tensorflow as tf
        return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"
    import jax
    return jax.default_backend()


def threads_of(framework: str) -> int | None:
    if framework == "pytorch":
        import torch
        return torch.get_num_threads()
    if framework == "tensorflow":
        import tensorflow as tf
        return tf.config.threading.get_intra_op_parallelism_threads() or None  # 0: automatic
    return None  # XLA's CPU client sizes its own thread pool


def measure(framework: str, settings: dict) -> dict:
    sync, steps = sample_without_checks(framework)["benchmarks"]()
    timings = []
    for (workload, mode), step in steps.items():
        start = time.perf_counter()
        sync(step())
        first_call = time.perf_counter() - start
        for _ in range(settings["warmup"]):
            sync(step())
        per_step = []
        for _ in range(settings["blocks"]):
            start = time.perf_counter()
            for _ in range(settings["steps_per_block"]):
                loss = step()
            sync(loss)
            per_step.append((time.perf_counter() - start) / settings["steps_per_block"])
        quartiles = (statistics.quantiles(per_step, n=4, method="inclusive")
                     if len(per_step) > 1 else per_step * 3)
        timings.append({
            "framework": framework, "workload": workload, "mode": mode,
            "first_call_s": round(first_call, 4),
            "median_ms": round(statistics.median(per_step) * 1e3, 4),
            "q1_ms": round(quartiles[0] * 1e3, 4), "q3_ms": round(quartiles[2] * 1e3, 4),
            "blocks_ms": [round(t * 1e3, 4) for t in per_step],
        })
    return {"device": device_of(framework), "threads": threads_of(framework),
            "timings": timings}


def run_worker(framework: str, settings: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="inductor-cold-") as cache:
        env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": cache, "TF_CPP_MIN_LOG_LEVEL": "2",
               "PYTHONWARNINGS": "ignore"}
        done = subprocess.run(
            [sys.executable, __file__, "--worker", framework, "--settings", json.dumps(settings)],
            capture_output=True, text=True, env=env, cwd=ROOT, check=False,
        )
    if done.returncode:
        sys.exit(f"{framework}: the benchmark process failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the record -----------------------------------------------------------------------------

def machine() -> dict:
    cpu = platform.processor()
    try:
        cpu = next(line.split(":", 1)[1].strip()
                   for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"os": f"{platform.system()} {platform.release()}", "cpu": cpu,
            "cores": os.cpu_count(), "python": platform.python_version(),
            # Other work on the machine slows every figure: the record says how busy it was.
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def versions() -> dict:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def record(settings: dict) -> dict:
    frameworks = {}
    for framework in FRAMEWORKS:
        print(f"timing {framework} ...", file=sys.stderr, flush=True)
        frameworks[framework] = run_worker(framework, settings)
    return {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "versions": versions(),
        "settings": settings,
        "devices": {name: result["device"] for name, result in frameworks.items()},
        "threads": {name: result["threads"] for name, result in frameworks.items()},
        "timings": [t for result in frameworks.values() for t in result["timings"]],
    }


# ---- the table and the figures --------------------------------------------------------------

def rows(data: dict) -> list[dict]:
    """The timings in the page's order, each with its speed-up over the framework's eager step."""
    eager = {(t["framework"], t["workload"]): t["median_ms"]
             for t in data["timings"] if t["mode"] == "eager"}
    ordered = sorted(data["timings"], key=lambda t: (
        list(WORKLOADS).index(t["workload"]), FRAMEWORKS.index(t["framework"]),
        list(MODES[t["framework"]]).index(t["mode"])))
    return [{**t, "speedup": eager[t["framework"], t["workload"]] / t["median_ms"]}
            for t in ordered]


def table(data: dict) -> str:
    """The Markdown the page includes: the record's conditions and one row per timing."""
    m, v = data["machine"], data["versions"]
    tf_version = v.get("tensorflow-cpu") or v.get("tensorflow")
    devices = ", ".join(f"{LABELS[f]} {d}" for f, d in data["devices"].items())
    s = data["settings"]
    lines = [
        "<!-- Written by bench/eager_vs_compiled.py from the record; do not edit by hand. -->",
        "",
        f"Measured on {data['date']}: {m['cpu']}, {m['cores']} cores, {m['os']}, Python "
        f"{m['python']}; PyTorch {v.get('torch')}, TensorFlow {tf_version}, JAX "
        f"{v.get('jax')} (jaxlib {v.get('jaxlib')}). Devices used: {devices}. Each figure is "
        f"the median of {s['blocks']} timed blocks of {s['steps_per_block']} step(s), after "
        f"{s['warmup']} untimed warm-up step(s); the quartiles give the spread. Load average "
        f"when the run started: {m['load_average_at_start'][0]:.2f}.",
    ]
    for workload, title in WORKLOADS.items():
        lines += [
            "", f"**{title}**", "",
            "| Framework | Mode | Median (ms) | Quartiles (ms) | vs eager | First call (s) |",
            "|---|---|--:|--:|--:|--:|",
        ]
        lines += [
            f"| {LABELS[r['framework']]} | `{MODES[r['framework']][r['mode']]}` "
            f"| {r['median_ms']:.2f} | {r['q1_ms']:.2f}–{r['q3_ms']:.2f} "
            f"| {r['speedup']:.2f}× | {r['first_call_s']:.2f} |"
            for r in rows(data) if r["workload"] == workload
        ]
    return "\n".join(lines) + "\n"


def figures(data: dict, stem: Path) -> None:
    """Horizontal bars, one panel per step, in a light and a dark variant (SVG, text as text)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Stable bytes: no date, fixed ids; text stays text, set in the reader's own fonts.
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "eager-vs-compiled",
                                "font.family": "sans-serif", "font.size": 11})
    by_workload = {w: [r for r in rows(data) if r["workload"] == w] for w in WORKLOADS}
    for scheme, ink, grid, colours in (
        ("light", "#1f2328", "#d0d7de", {"eager": "#8c959f", "graph": "#bc8cff",
                                         "compiled": "#3f51b5"}),
        ("dark", "#e6edf3", "#3d444d", {"eager": "#8b949e", "graph": "#d2a8ff",
                                        "compiled": "#8ab4f8"}),
    ):
        fig, axes = plt.subplots(len(WORKLOADS), 1, figsize=(4.4, 7.6), layout="constrained")
        # Room at the edges: the browser sets the text in its own font, which may run wider.
        fig.get_layout_engine().set(w_pad=10 / 72, h_pad=6 / 72)
        for ax, (workload, items) in zip(axes, by_workload.items(), strict=True):
            items = items[::-1]  # barh draws bottom-up; read top-down in the table's order
            # Two short lines per bar keep the labels large on a phone's narrow screen.
            labels = [f"{LABELS[r['framework']]}\n"
                      + MODES[r["framework"]][r["mode"]].replace("tf.function(", "(")
                      for r in items]
            medians = [r["median_ms"] for r in items]
            spread = [[r["median_ms"] - r["q1_ms"] for r in items],
                      [r["q3_ms"] - r["median_ms"] for r in items]]
            ax.barh(range(len(items)), medians, xerr=spread, capsize=3,
                    color=[colours[r["mode"]] for r in items], error_kw={"ecolor": ink})
            # Each label sits past its whisker.
            for i, (value, r) in enumerate(zip(medians, items, strict=True)):
                ax.annotate(f"{value:.1f}", (r["q3_ms"], i), xytext=(5, 0),
                            textcoords="offset points", va="center", color=ink, fontsize=10.5)
            ax.set_yticks(range(len(items)), labels, fontsize=10.5, linespacing=1.1)
            ax.set_xlim(0, max(r["q3_ms"] for r in items) * 1.25)
            ax.set_title(WORKLOADS[workload], color=ink, fontsize=11, loc="left")
            ax.set_xlabel("ms per step (median)", color=ink, fontsize=10)
            ax.tick_params(colors=ink)
            ax.grid(axis="x", color=grid, linewidth=0.6)
            ax.set_axisbelow(True)
            for side, spine in ax.spines.items():
                spine.set_visible(side in ("left", "bottom"))
                spine.set_color(grid)
        fig.savefig(f"{stem}-{scheme}.svg", transparent=True, metadata={"Date": None})
        plt.close(fig)


def write(data: dict, record_path: Path, table_path: Path, figure_stem: Path) -> None:
    for path in (record_path, table_path, figure_stem):
        path.parent.mkdir(parents=True, exist_ok=True)
    record_path.write_text(json.dumps(data, indent=1) + "\n")
    table_path.write_text(table(data))
    figures(data, figure_stem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--render", action="store_true", help="redraw from the stored record")
    parser.add_argument("--quick", action="store_true", help="a smoke run: one short block")
    parser.add_argument("--out", type=Path, help="write the record, table and figures here")
    parser.add_argument("--worker", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, json.loads(args.settings))))
        return
    paths = (RECORD, TABLE, FIGURE)
    if args.out:
        paths = (args.out / RECORD.name, args.out / TABLE.name, args.out / FIGURE.name)
    if args.render:
        data = json.loads(RECORD.read_text())
    else:
        data = record(QUICK if args.quick else FULL)
    write(data, *paths)
    written = [paths[0], paths[1], *(Path(f"{paths[2]}-{s}.svg") for s in ("light", "dark"))]
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
