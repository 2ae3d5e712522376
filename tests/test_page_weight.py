"""Byte budgets for a reader's first visit, measured on the built site (gzip, as servers send it).

A page's first visit here is its HTML plus every stylesheet, script and image the HTML names,
each gzipped at level 6 (the usual server default). Search is not part of it: its worker and
index wait until the reader starts a search (overrides/partials/lazy-search.html), which
tests/browser/test_first_visit.py checks in a browser with every request counted.
Budgets are in KiB (1024 bytes). When a budget fails, make the page or asset smaller, or raise
the budget here with a comment saying why the extra bytes are worth it.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from site_pages import SITE_URL, html_path, sitemap_pages

KIB = 1024
SITE_PATH = urlsplit(SITE_URL).path  # /guide/: the built site is checked as it will be served
# Material's CSS and JS (58 KiB of it), palette, extra.css and the favicon: every first visit.
SHARED_BUDGET = 62 * KIB
# Short prose pages: the home page, the section front pages and the 404 page, where most first
# visits land. Their own HTML has about 9 KiB left beside the shared assets.
PROSE_BUDGET = 70 * KIB
PROSE_PAGES = ["", "frameworks/", "topics/", "notebooks/", "reference/how-we-know/", "404.html"]
# Any other page: code samples in three frameworks, notebooks, the Rosetta stone's 80 operations
# with their samples, long references.
PAGE_BUDGET = 100 * KIB
NOTEBOOK_OVERHEAD_BUDGET = 25 * KIB  # a notebook page's HTML beyond the notebook itself
# Pages allowed more than PAGE_BUDGET, each with its reason (none today).
PAGE_EXCEPTIONS: dict[str, int] = {}

REFERENCED = re.compile(
    r'<link\b[^>]*\brel="(?:stylesheet|icon)"[^>]*\bhref="([^"]+)"'
    r'|<script\b[^>]*\bsrc="([^"]+)"'
    r'|<img\b[^>]*\bsrc="([^"]+)"'
)


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@cache
def asset_size(path: Path) -> int:
    return gzipped(path.read_bytes())


def referenced_files(site: Path, page: str) -> list[Path]:
    html = html_path(site, page).read_text(encoding="utf-8")
    base = urljoin("https://site.invalid/", SITE_PATH) + page
    files = []
    for match in REFERENCED.finditer(html):
        url = next(group for group in match.groups() if group)
        if url.startswith("data:"):
            continue  # inline: already counted in the HTML
        parts = urlsplit(urljoin(base, url))
        assert parts.netloc == "site.invalid", f"{page} loads {url} from another host"
        target = site / parts.path.removeprefix(SITE_PATH)
        assert target.is_file(), f"{page} references {url}, which is not in the build"
        files.append(target)
    return files


def first_visit(site: Path, page: str) -> tuple[int, int]:
    """(HTML bytes, HTML + everything it references), gzipped."""
    html = gzipped(html_path(site, page).read_bytes())
    return html, html + sum(asset_size(f) for f in referenced_files(site, page))


@pytest.fixture(scope="module")
def pages(built_site) -> list[str]:
    return [*sitemap_pages(built_site), "404.html"]


def kib(n: int) -> str:
    return f"{n / KIB:.1f} KiB"


def test_shared_assets_stay_small(built_site):
    shared = sum(asset_size(f) for f in referenced_files(built_site, ""))
    assert shared <= SHARED_BUDGET, (
        f"CSS, JS and icons every page loads: {kib(shared)} > {kib(SHARED_BUDGET)}. "
        "A new stylesheet, script or web font costs this on every page."
    )


def budget(page: str) -> int:
    return PAGE_EXCEPTIONS.get(page, PROSE_BUDGET if page in PROSE_PAGES else PAGE_BUDGET)


def test_short_prose_pages_first_visit(built_site):
    over = {}
    for page in PROSE_PAGES:
        _, total = first_visit(built_site, page)
        if total > PROSE_BUDGET:
            over[page or "home"] = f"{kib(total)} > {kib(PROSE_BUDGET)}"
    assert not over, f"short prose pages over their first-visit budget: {over}"


def test_every_page_first_visit(built_site, pages):
    over = {}
    for page in pages:
        _, total = first_visit(built_site, page)
        if total > budget(page):
            over[page] = f"{kib(total)} > {kib(budget(page))}"
    assert not over, f"first visit over budget: {over}"


def test_budgeted_pages_are_still_pages(pages):
    stale = (set(PAGE_EXCEPTIONS) | set(PROSE_PAGES)) - set(pages)
    assert not stale, f"PROSE_PAGES or PAGE_EXCEPTIONS name pages that no longer exist: {stale}"


def test_notebook_pages_add_little_beyond_the_notebook(built_site, pages):
    checked = 0
    for page in pages:
        html = html_path(built_site, page).read_text(encoding="utf-8")
        if "jupyter-wrapper" not in html:
            continue
        checked += 1
        start = html.index('<div class="jupyter-wrapper')
        end = html.index("</article>")
        overhead = gzipped((html[:start] + html[end:]).encode())
        assert overhead <= NOTEBOOK_OVERHEAD_BUDGET, (
            f"{page}: {kib(overhead)} of HTML around the notebook > {kib(NOTEBOOK_OVERHEAD_BUDGET)}"
            " (did mkdocs-jupyter's stylesheet or scripts come back?"
            " see hooks/notebook.html.j2)"
        )
    assert checked, "no notebook page in the build"
