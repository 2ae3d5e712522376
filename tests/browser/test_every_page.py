"""Every page of the build, in light and in dark mode: no console error, no failed request, no
request to another host, and no serious or critical accessibility violation found by axe-core.

Pages come from the build's sitemap.xml (plus the 404 page), so a new page is checked without
editing this file. Each page is loaded once per colour scheme and every check reads that visit.
"""

from __future__ import annotations

import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from .conftest import AXE, VIEWPORT, launch

pytestmark = pytest.mark.browser

SCHEMES = ("light", "dark")
WORKERS = 2  # browsers side by side; the suite is sized for two cores
BLOCKING = {"serious", "critical"}
# Light mode runs every axe-core rule (WCAG 2.0-2.2 A/AA and best practices). Dark mode changes
# only colours, so it runs the rules that read colours; that halves the time of the dark pass.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_RUN = """async (rules) => {
  const options = {resultTypes: ["violations"]};
  if (rules) options.runOnly = {type: "rule", values: rules};
  const result = await axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": "
                                     + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))
  }));
}"""


@dataclass
class Visit:
    url: str
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    scheme: str = ""


def visit_pages(served: str, jobs: queue.Queue, out: dict) -> None:
    """Take pages from ``jobs`` until it is empty; load each in light and in dark mode.

    Each worker thread runs its own Playwright and browser (the sync API is per thread), with
    one context per colour scheme, so neither stored choices nor scheme leak between visits.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            pages = {}
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport=VIEWPORT, color_scheme=scheme, reduced_motion="reduce"
                )
                context.set_default_timeout(120_000)  # generous: the machine may be busy
                context.add_init_script(path=str(AXE))
                page = context.new_page()
                current: list[Visit] = []

                def block_foreign(route, current=current):
                    current[-1].foreign.append(route.request.url)
                    route.abort()

                context.route(
                    lambda url: not url.startswith((served, "data:", "blob:")), block_foreign
                )
                page.on("console", lambda m, c=current: m.type == "error" and c[-1].console
                        .append(m.text))
                page.on("pageerror", lambda e, c=current: c[-1].console.append(f"uncaught: {e}"))
                page.on("requestfailed", lambda r, c=current: r.url.startswith(served) and c[-1]
                        .failed.append(f"{r.url} ({r.failure})"))
                page.on("response", lambda r, c=current: r.status >= 400 and c[-1].failed
                        .append(f"{r.url} (HTTP {r.status})"))
                pages[scheme] = (page, current)
            while True:
                try:
                    path = jobs.get_nowait()
                except queue.Empty:
                    return
                for scheme, (page, current) in pages.items():
                    current.append(Visit(served + path))
                    # Everything a page fetches on its own is in by the load event: search
                    # waits for the reader (tests/browser/test_first_visit.py).
                    page.goto(served + path, wait_until="load")
                    current[-1].scheme = page.evaluate("document.body.dataset.mdColorScheme")
                    rules = None if scheme == "light" else COLOUR_RULES
                    current[-1].violations = page.evaluate(AXE_RUN, rules)
                    out[scheme][path] = current[-1]
        finally:
            browser.close()


@pytest.fixture(scope="module")
def visits(served, built_site, page_paths) -> dict[str, list[Visit]]:
    paths = [*page_paths, "404.html"]
    # Largest pages first, shared by two workers (one per core): the axe-core runs dominate.
    size = {p: (built_site / p / "index.html" if p.endswith("/") or not p else built_site / p)
            .stat().st_size for p in paths}
    jobs: queue.Queue = queue.Queue()
    for path in sorted(paths, key=lambda p: -size[p]):
        jobs.put(path)
    out: dict[str, dict[str, Visit]] = {scheme: {} for scheme in SCHEMES}
    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(visit_pages, served, jobs, out) for _ in range(WORKERS)]:
            future.result()
    return {scheme: [out[scheme][p] for p in paths if p in out[scheme]] for scheme in SCHEMES}


def report(lines: dict[str, list]) -> str:
    return "\n".join(
        f"{url}\n    " + "\n    ".join(map(str, items)) for url, items in lines.items()
    )


def test_every_page_was_visited_in_both_schemes(visits, page_paths):
    # Guards the checks below against passing vacuously.
    assert len(page_paths) >= 5
    for scheme, expected in (("light", "default"), ("dark", "slate")):
        assert len(visits[scheme]) == len(page_paths) + 1
        wrong = [v.url for v in visits[scheme] if v.scheme != expected]
        assert not wrong, f"{scheme} visit did not apply the {expected!r} palette: {wrong}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_console_error_or_failed_request(visits, scheme):
    problems = {v.url: v.console + v.failed for v in visits[scheme] if v.console or v.failed}
    assert not problems, f"Console errors or failed requests ({scheme}):\n{report(problems)}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_request_to_another_host(visits, scheme):
    problems = {v.url: v.foreign for v in visits[scheme] if v.foreign}
    assert not problems, (
        f"Pages requested other hosts ({scheme}); serve the asset from docs/assets/ or drop it:\n"
        + report(problems)
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_accessibility_violation(visits, scheme):
    problems = {
        v.url: [f"{x['impact']} {x['id']}: {x['help']} at {x['nodes']}" for x in v.violations
                if x["impact"] in BLOCKING]
        for v in visits[scheme]
    }
    problems = {url: found for url, found in problems.items() if found}
    assert not problems, f"axe-core violations ({scheme} mode):\n{report(problems)}"
