"""Measure what building and reading the guide costs, and compare each figure with its target.

    python tools/bench.py            (make bench)   everything below, a few minutes
    python tools/bench.py --quick    skip the notebook run and the fresh-clone build
    python tools/bench.py --site DIR only the reader's side (first visits, search, Lighthouse) of
                                     a site already built in DIR, e.g. to compare two builds

Writes bench/results/report.md and bench/results/report.json:

- cold full build: `tools/notebooks.py check` (executes every notebook) plus a clean `mkdocs build`
  (no site, no rendered notebooks in .cache/notebook-html)
- warm rebuild: the same `mkdocs build` again, nothing changed; and once more with llms.txt off
  (LLMS_TXT=false), as `make serve` builds
- `make serve` rebuild: `mkdocs serve` (LLMS_TXT=false) on 127.0.0.1 in a copy of the project,
  a one-line edit of a page, and the time until the server has rebuilt (its live-reload
  endpoint, which the browser waits on, reports the new build); the median of a few edits
- docs-only reader build from a fresh clone: git clone, new venv, pip install -r
  requirements/docs.txt, mkdocs build (pip's cache is a fresh, empty folder)
- first visit of the home page, a tabbed topic page and a notebook page, as transferred to
  Chromium (gzip, like GitHub Pages) with an empty cache, every request counted by kind (HTML,
  theme CSS and JS, search worker, search index); then the first search on each page: what it
  fetches and the time until its results are on screen; the search index size, gzipped
- Lighthouse 12 (performance, accessibility, best practices, SEO) for the same three pages,
  mobile (the default) and desktop presets, against a local server
- search latency in Chromium: keystroke to results rendered, median over several queries

Timings depend on the machine and on what else runs on it; the report records both. Byte sizes
are deterministic and are also checked by tests/test_page_weight.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib.metadata
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "hooks")]
from shared import (  # noqa: E402
    CHROMIUM_ARGS,
    chromium_path,
    copy_build_inputs,
    launch_chromium,
    quiet_env,
    site_path,
)
from static_server import serve  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
KB = 1024
PAGES = {  # label -> page path under the site
    "home (prose)": "",
    "topic with tabs": "topics/automatic-differentiation/",
    "notebook": "notebooks/transformations/",
}
PROSE = {"home (prose)"}
QUERIES = ["vmap", "GradientTape", "torch.compile", "sharding", "seed", "export", "jit", "dlpack"]
TARGETS = {
    "lighthouse": 100,  # every category, except mobile performance:
    "lighthouse_mobile_performance": 95,  # simulated slow 4G and a 4x slower CPU
    "first_visit_kb": 100,
    "first_visit_prose_kb": 70,
    "search_ms": 150,
    "warm_rebuild_s": 10,
}
SERVE_EDITS = 3  # edits timed while `mkdocs serve` runs; the report gives their median
EDITED_PAGE = "docs/topics/automatic-differentiation.md"  # a topic page: tabs and snippets
NOTEBOOK_CACHE = ROOT / ".cache" / "notebook-html"  # hooks/notebook_cache.py


def timed(cmd: list, cwd: Path = ROOT, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    kwargs.setdefault("env", quiet_env())
    start = time.perf_counter()
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                            **kwargs)
    return time.perf_counter() - start, result


def say(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# ---- machine and versions -------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "os": f"{platform.system()} {platform.release()}",
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in ("mkdocs", "mkdocs-material", "mkdocs-jupyter", "pymdown-extensions",
                 "mkdocs-llmstxt", "playwright"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    for name, cmd in {
        "chromium": [chromium_path() or "chromium", "--version"],
        "node": ["node", "--version"],
        "lighthouse": [ROOT / "node_modules" / ".bin" / "lighthouse", "--version"],
    }.items():
        try:
            found[name] = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                                         timeout=60).stdout.strip().splitlines()[-1]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            found[name] = None
    found["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                     capture_output=True, text=True).stdout.strip()
    return found


# ---- builds ---------------------------------------------------------------------------------

def build_times(work: Path, quick: bool) -> tuple[dict, Path]:
    out: dict = {}
    if quick:
        out["notebooks_check_s"] = None
    else:
        say("executing every notebook (tools/notebooks.py check)")
        seconds, result = timed([sys.executable, ROOT / "tools" / "notebooks.py", "check"])
        out["notebooks_check_s"] = round(seconds, 1)
        out["notebooks_check_ok"] = result.returncode == 0
        if result.returncode:
            out["notebooks_check_error"] = result.stderr[-2000:]
    site = work / "served" / site_path()
    say("clean mkdocs build")
    shutil.rmtree(NOTEBOOK_CACHE, ignore_errors=True)  # a cache only: the build refills it
    out["clean_build_s"] = mkdocs_build(site)
    out["cold_full_build_s"] = (round(out["notebooks_check_s"] + out["clean_build_s"], 1)
                                if out["notebooks_check_s"] is not None else None)
    say("warm rebuild, nothing changed")
    out["warm_rebuild_s"] = mkdocs_build(site)
    say("warm rebuild, llms.txt off")
    out["warm_rebuild_no_llms_s"] = mkdocs_build(work / "no-llms", LLMS_TXT="false")
    return out, site


def mkdocs_build(site: Path, **env: str) -> float:
    """Seconds a strict build into ``site`` takes; a failed build ends the benchmark."""
    seconds, result = timed([BIN / "mkdocs", "build", "--strict", "--site-dir", site],
                            env=quiet_env(**env))
    if result.returncode:
        raise SystemExit(f"mkdocs build failed:\n{result.stderr[-3000:]}")
    return round(seconds, 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_rebuild(work: Path) -> dict:
    """`make serve`'s rebuild after a one-line page edit, in a copy of the project (a clone, for
    the git dates, with the working tree's build inputs on top): from writing the file until
    the server's live-reload endpoint reports the new build, which is when the browser reloads."""
    copy = work / "serve-copy"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(copy)],
                   check=True, capture_output=True)
    copy_build_inputs(copy)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "serve.log"
    say(f"mkdocs serve on 127.0.0.1:{port}, first build")
    with open(log, "w") as out:
        server = subprocess.Popen(
            [BIN / "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=copy,
            env=quiet_env(LLMS_TXT="false"), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    try:
        epoch = live_reload_epoch(url, server, log)
        page, seconds = copy / EDITED_PAGE, []
        for n in range(SERVE_EDITS):
            time.sleep(1)  # what a person takes between two saves; the watcher polls
            say(f"`make serve` rebuild after an edit ({n + 1} of {SERVE_EDITS})")
            start = time.perf_counter()
            with page.open("a", encoding="utf-8") as text:
                text.write(f"\nA line added by tools/bench.py ({n + 1}).\n")
            epoch = live_reload_epoch(url, server, log, after=epoch)
            seconds.append(time.perf_counter() - start)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {"serve_rebuild_s": round(statistics.median(seconds), 1),
            "serve_rebuild_runs_s": [round(s, 1) for s in seconds]}


def live_reload_epoch(url: str, server: subprocess.Popen, log: Path, after: int = 0) -> int:
    """The build number MkDocs' live-reload endpoint reports once it is newer than ``after``
    (the endpoint holds the request until then, up to a minute per request)."""
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"mkdocs serve stopped:\n{log.read_text()[-3000:]}")
        try:
            with urlopen(f"{url}/livereload/{after}/0", timeout=90) as response:
                epoch = int(response.read())
        except OSError:  # not listening yet: the first build is still running
            time.sleep(0.2)
            continue
        if epoch > after:
            return epoch
    raise SystemExit(f"mkdocs serve did not rebuild within 15 minutes:\n{log.read_text()[-3000:]}")


def fresh_clone_build(work: Path) -> dict:
    """A reader's path: clone, venv, docs requirements only, build."""
    clone = work / "clone"
    steps: dict = {}
    python = shutil.which("python3.12") or sys._base_executable  # type: ignore[attr-defined]
    pip_cache = work / "pip-cache"  # empty: nothing reused from earlier installs
    plan = [
        ("git_clone_s", ["git", "clone", "--quiet", "--no-hardlinks", ROOT, clone], work),
        ("venv_s", [python, "-m", "venv", clone / ".venv"], clone),
        ("pip_install_s", [clone / ".venv" / "bin" / "python", "-m", "pip", "install", "--quiet",
                           "-r", "requirements/docs.txt"], clone),
        ("mkdocs_build_s", [clone / ".venv" / "bin" / "mkdocs", "build", "--strict",
                            "--site-dir", work / "clone-site"], clone),
    ]
    for name, cmd, cwd in plan:
        say(f"fresh clone: {name.removesuffix('_s').replace('_', ' ')}")
        seconds, result = timed(cmd, cwd=cwd, env=quiet_env(PIP_CACHE_DIR=str(pip_cache)))
        steps[name] = round(seconds, 1)
        if result.returncode:
            steps["error"] = f"{name}: {(result.stderr or result.stdout)[-1500:]}"
            break
    steps["total_s"] = round(sum(v for k, v in steps.items() if k.endswith("_s")), 1)
    return steps


# ---- browser measurements -------------------------------------------------------------------

KINDS = ("HTML", "theme CSS", "theme JS", "images", "other", "search worker", "search index")
FIRST_QUERY = "vmap"


def kind_of(request) -> str:
    url = request.url.split("?")[0]
    if "/search/search_index." in url:
        return "search index"
    if "/workers/search." in url:
        return "search worker"
    if request.resource_type == "document":
        return "HTML"
    if url.endswith(".css"):
        return "theme CSS"
    if url.endswith(".js"):
        return "theme JS"
    if request.resource_type == "image" or url.endswith((".png", ".svg", ".ico")):
        return "images"
    return "other"


def bytes_by_kind(requests: list) -> dict:
    """Bytes on the wire (encoded body sizes) of finished requests, by kind."""
    kinds = dict.fromkeys(KINDS, 0)
    for request in requests:
        size = request.sizes()["responseBodySize"]
        if not size:  # a worker's script: Chromium reports no size; ask the headers
            response = request.response()
            size = int((response and response.header_value("content-length")) or 0)
        kinds[kind_of(request)] += size
    return kinds


def first_visits(browser, base: str) -> dict:
    """A first visit with an empty cache (every request counted, the search worker's too), then
    the reader's first search on that page: bytes by kind, and the time from pressing `/` to
    the first query's results on screen, which includes fetching the worker and the index."""
    out = {}
    for label, path in PAGES.items():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        finished: list = []
        context.on("requestfinished", lambda request, into=finished: into.append(request))
        page = context.new_page()
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        time.sleep(2)  # idle: anything started after the load is counted too
        visit = bytes_by_kind(finished)
        finished.clear()
        start = time.perf_counter()
        page.keyboard.press("/")
        page.keyboard.type(FIRST_QUERY)
        page.wait_for_function(
            """q => document.querySelector('input.md-search__input').value === q
                 && document.querySelectorAll('.md-search-result__item').length > 0""",
            arg=FIRST_QUERY, timeout=120_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        first_query_ms = (time.perf_counter() - start) * 1000
        page.wait_for_load_state("networkidle")
        search = bytes_by_kind(finished)
        context.close()
        out[label] = {"first_visit": visit, "first_visit_bytes": sum(visit.values()),
                      "first_search": search, "first_search_bytes": sum(search.values()),
                      "first_query_ms": round(first_query_ms)}
    return out


MEASURE = """() => { window.__searchLatency = new Promise(resolve => {
  const input = document.querySelector('input.md-search__input');
  const results = document.querySelector('.md-search-result');
  let start = null;
  input.addEventListener('keydown', () => { start = performance.now(); },
                         {once: true, capture: true});
  const observer = new MutationObserver(() => {
    if (start === null) return;
    observer.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - start));  // after the next paint
  });
  observer.observe(results, {childList: true, subtree: true, characterData: true});
}); }"""


def search_latency(browser, base: str, rounds: int = 3) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    settled = """q => document.querySelector('input.md-search__input').value === q &&
                 /\\d+ matching|No matching/.test(
                   document.querySelector('.md-search-result__meta').textContent)"""
    box.fill("gra")  # the first query waits for the worker to build its index
    box.press("d")
    page.wait_for_function(settled, arg="grad", timeout=60_000)
    samples: dict[str, list[float]] = {q: [] for q in QUERIES}
    missed: list[str] = []
    for _ in range(rounds):
        for query in QUERIES:
            box.fill(query[:-1])
            page.wait_for_function(settled, arg=query[:-1], timeout=60_000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            page.evaluate(MEASURE)
            box.press(query[-1])
            # A keystroke that changes nothing on screen would never resolve: give up after 5 s.
            ms = page.evaluate("""() => Promise.race([window.__searchLatency,
                new Promise(resolve => setTimeout(() => resolve(null), 5000))])""")
            if ms is None:
                missed.append(query)
            else:
                samples[query].append(ms)
            page.wait_for_function(settled, arg=query, timeout=60_000)
    context.close()
    every = [ms for values in samples.values() for ms in values]
    return {
        "median_ms": round(statistics.median(every), 1),
        "p90_ms": round(sorted(every)[int(0.9 * (len(every) - 1))], 1),
        "per_query_median_ms": {q: round(statistics.median(v), 1) if v else None
                                for q, v in samples.items()},
        "samples": len(every),
        "no_change_on_screen": missed,
    }


def lighthouse(base: str, work: Path) -> dict:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        return {"error": "node_modules/.bin/lighthouse missing: run npm ci"}
    out: dict = {}
    for preset in ("mobile", "desktop"):
        for label, path in PAGES.items():
            say(f"lighthouse {preset}: {label}")
            report = work / f"lighthouse-{preset}-{len(out)}.json"
            cmd = [binary, base + path, "--output=json", f"--output-path={report}", "--quiet",
                   "--only-categories=performance,accessibility,best-practices,seo",
                   "--chrome-flags=" + " ".join(CHROMIUM_ARGS)]
            if preset == "desktop":
                cmd.append("--preset=desktop")
            _, result = timed(cmd, env=quiet_env(CHROME_PATH=chromium_path() or ""), timeout=900)
            if result.returncode or not report.exists():
                out[f"{preset} {label}"] = {"error": result.stderr[-800:]}
                continue
            data = json.loads(report.read_text())
            scores = {k: round(v["score"] * 100) for k, v in data["categories"].items()}
            losses = []
            for category in data["categories"].values():
                for ref in category["auditRefs"]:
                    audit = data["audits"][ref["id"]]
                    if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                        losses.append(f"{category['id']}: {ref['id']} "
                                      f"{audit.get('displayValue', '')}".strip())
            out[f"{preset} {label}"] = {"scores": scores, "losses": losses}
    return out


# ---- report ---------------------------------------------------------------------------------

def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def render(data: dict) -> str:
    m, v, b = data["machine"], data["versions"], data["builds"]
    lines = [
        "# Benchmark report",
        "",
        f"- Date: {data['date']}",
        f"- Machine: {m['os']}, {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; load average "
        f"{', '.join(f'{x:.1f}' for x in m['load_average_at_start'] or [])} at start and "
        f"{', '.join(f'{x:.1f}' for x in data['load_average_at_end'] or [])} at the end "
        "(timings on a shared machine vary with its load)",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
    ]
    if data.get("site"):
        lines.append(f"- Site measured: {data['site']} (no builds timed)")
    if b:
        lines += render_builds(b, data.get("fresh_clone"))
    lines += ["", "## First visit and first search (KiB on the wire, gzip, empty cache)", "",
              "| Page | " + " | ".join(KINDS) + " | **Total** | Target |",
              "| --- |" + " ---: |" * (len(KINDS) + 1) + " --- |"]
    for label, visit in data["first_visit"].items():
        target = TARGETS["first_visit_prose_kb"] if label in PROSE else TARGETS["first_visit_kb"]
        for moment, key in (("first visit", "first_visit"), ("first search", "first_search")):
            k, total = visit[key], visit[f"{key}_bytes"] / KB
            goal = f"<= {target}: {mark(total <= target)}" if key == "first_visit" else ""
            lines.append(f"| {label}, {moment} | " + " | ".join(f"{k[kind] / KB:.1f}"
                         for kind in KINDS) + f" | **{total:.1f}** | {goal} |")
    si = data["search_index"]
    lines += ["", f"First search: what pressing `/` and typing `{FIRST_QUERY}` fetches on that "
              "page, and the time until its results are on screen: "
              + ", ".join(f"{label} {visit['first_query_ms']} ms"
                          for label, visit in data["first_visit"].items()) + ".",
              "", f"Search index: {si['bytes'] / KB:.1f} KiB raw, **{si['gzip_bytes'] / KB:.1f} "
              "KiB gzipped**.", "", "## Lighthouse 12", "",
              "| Run | Performance | Accessibility | Best practices | SEO | Target 100 (95 mobile "
              "performance) | "
              "Points lost on |", "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for run, result in data["lighthouse"].items():
        if "error" in result:
            lines.append(f"| {run} | error: {result['error'][:120]!r} | | | | | |")
            continue
        s = result["scores"]
        ok = all(value >= (TARGETS["lighthouse_mobile_performance"]
                           if run.startswith("mobile") and category == "performance"
                           else TARGETS["lighthouse"]) for category, value in s.items())
        lines.append(
            f"| {run} | {s.get('performance')} | {s.get('accessibility')} | "
            f"{s.get('best-practices')} | {s.get('seo')} | {mark(ok)} | "
            f"{'; '.join(result['losses']) or ''} |")
    lat = data["search_latency"]
    lines += ["", "Mobile is Lighthouse's default (simulated slow 4G, 4x CPU slowdown); its "
              "Total Blocking Time scales with the machine's load.", "",
              "## Search latency", "",
              f"Keystroke to results rendered (next frame), once the index is loaded, "
              f"{lat['samples']} samples over {len(QUERIES)} queries: median "
              f"**{lat['median_ms']} ms**, 90th percentile {lat['p90_ms']} ms. Target <= "
              f"{TARGETS['search_ms']} ms: {mark(lat['median_ms'] <= TARGETS['search_ms'])}.", "",
              "| Query | Median ms |", "| --- | ---: |"]
    lines += [f"| `{q}` | {ms} |" for q, ms in lat["per_query_median_ms"].items()]
    return "\n".join(lines) + "\n"


def render_builds(b: dict, clone: dict | None) -> list[str]:
    lines = ["", "## Builds", "", "| Measure | Seconds | Target |", "| --- | ---: | --- |"]
    warm_ok = b["warm_rebuild_s"] < TARGETS["warm_rebuild_s"]
    rows = [
        ("Notebooks executed and compared (`tools/notebooks.py check`)",
         b.get("notebooks_check_s"), ""),
        ("Clean `mkdocs build --strict`", b["clean_build_s"], ""),
        ("Cold full build (the two above)", b.get("cold_full_build_s"), ""),
        ("Warm rebuild, nothing changed", b["warm_rebuild_s"],
         f"< {TARGETS['warm_rebuild_s']} s: {mark(warm_ok)}"),
        ("Warm rebuild with llms.txt off (`LLMS_TXT=false`, as `make serve`)",
         b.get("warm_rebuild_no_llms_s"), ""),
        (f"`make serve` rebuild after a one-line page edit (median of {SERVE_EDITS}: "
         f"{', '.join(map(str, b.get('serve_rebuild_runs_s', [])))})",
         b.get("serve_rebuild_s"), ""),
    ]
    lines += [f"| {name} | {'skipped' if s is None else s} | {t} |" for name, s, t in rows]
    if b.get("notebooks_check_ok") is False:
        lines += ["", "Notebook check failed:", "",
                  "```", b.get("notebooks_check_error", ""), "```"]
    if clone:
        lines += ["", "Docs-only reader build from a fresh clone (pip cache empty):", "",
                  "| Step | Seconds |", "| --- | ---: |"]
        lines += [f"| {k.removesuffix('_s').replace('_', ' ')} | {val} |"
                  for k, val in clone.items() if k.endswith("_s")]
        if clone.get("error"):
            lines += ["", f"Failed: `{clone['error'][-300:]}`"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip the notebook run and the fresh-clone build")
    parser.add_argument("--site", type=Path, metavar="DIR",
                        help="measure this built site as readers get it; no builds")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    data: dict = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                  "machine": machine(), "versions": versions(), "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        if args.site:
            data["builds"], data["fresh_clone"], data["site"] = None, None, str(args.site)
            site = work / "served" / site_path()
            site.parent.mkdir(parents=True)
            site.symlink_to(args.site.resolve(), target_is_directory=True)
        else:
            data["builds"], site = build_times(work, args.quick)
            data["builds"].update(serve_rebuild(work))
            data["fresh_clone"] = None if args.quick else fresh_clone_build(work)
        index = (site / "search" / "search_index.json").read_bytes()
        data["search_index"] = {"bytes": len(index),
                                "gzip_bytes": len(gzip.compress(index, 6, mtime=0))}
        from playwright.sync_api import sync_playwright

        with serve(site.parent) as root, sync_playwright() as playwright:
            base = f"{root}{site_path()}/"
            browser = launch_chromium(playwright)
            try:
                say("first visits")
                data["first_visit"] = first_visits(browser, base)
                say("search latency")
                data["search_latency"] = search_latency(browser, base)
            finally:
                browser.close()
            data["lighthouse"] = lighthouse(base, work)
    data["load_average_at_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    (RESULTS / "report.json").write_text(json.dumps(data, indent=2) + "\n")
    report = render(data)
    (RESULTS / "report.md").write_text(report)
    print(report)
    print(f"Report written to {RESULTS.relative_to(ROOT)}/report.md and report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
