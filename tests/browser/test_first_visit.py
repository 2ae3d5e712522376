"""A first visit fetches the page and the theme, nothing of search; search then works.

Material's search index holds the text of every page: the largest file of the site, and one that
grows with each page. It and the search worker wait until the reader starts a search
(overrides/partials/lazy-search.html). Here every request of a first visit is counted as a
browser with an empty cache makes it, the worker's included, on the served site; and search is
started from the keyboard on the served site and on the file:// copy.
"""

from __future__ import annotations

import time

import pytest
from test_page_weight import PAGE_BUDGET, PROSE_BUDGET, kib

pytestmark = pytest.mark.browser

# One page of each kind, with its budget (tests/test_page_weight.py gives every page's).
FIRST_VISITS = {
    "": PROSE_BUDGET,
    "topics/automatic-differentiation/": PAGE_BUDGET,  # tabbed code in three frameworks
    "notebooks/transformations/": PAGE_BUDGET,
    "reference/rosetta-stone/": PAGE_BUDGET,  # and its filter script, loaded by the page
}
SEARCH_FILES = ("/search/search_index.", "/workers/search.")  # .json served, .js from file://
IDLE_S = 2  # after the network is quiet: nothing of search may start on its own either
READY = "() => /Type to start/.test(document.querySelector('.md-search-result__meta').textContent)"
RESULTS = """q => document.querySelector('input.md-search__input').value === q
  && document.querySelectorAll('.md-search-result__item').length > 0"""


def search_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if any(part in url for part in SEARCH_FILES)]


def body_size(request) -> int:
    """Bytes on the wire of a finished request's body (gzipped where the server gzips)."""
    size = request.sizes()["responseBodySize"]
    if not size:  # Chromium reports none for a worker's script: read the header instead
        response = request.response()
        size = int((response and response.header_value("content-length")) or 0)
    return size


@pytest.mark.parametrize("path", FIRST_VISITS, ids=lambda path: path or "home")
def test_first_visit_fetches_nothing_of_search_and_fits_its_budget(browser, served, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        finished = []
        context.on("requestfinished", lambda request: finished.append(request))
        page = context.new_page()
        page.goto(served + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        time.sleep(IDLE_S)
        urls = [request.url for request in finished]
        assert not search_requests(urls), (
            f"{path or 'home'}: a first visit fetched {search_requests(urls)} before any search. "
            "Material's search setup may have changed: see overrides/partials/lazy-search.html."
        )
        sizes = {request.url.removeprefix(served): body_size(request) for request in finished}
        total = sum(sizes.values())
        assert total <= FIRST_VISITS[path], (
            f"{path or 'home'}: first visit {kib(total)} > {kib(FIRST_VISITS[path])}, every "
            f"request counted: {sizes}"
        )
    finally:
        context.close()


def start_search_and_find(page, query: str) -> None:
    """Press `/` (Material focuses the search box), wait for the index, then search."""
    page.keyboard.press("/")
    page.wait_for_function(READY, timeout=60_000)  # the index is fetched and built
    page.keyboard.type(query)  # Material searches on keyup
    page.wait_for_function(RESULTS, arg=query, timeout=30_000)


def test_search_starts_when_the_reader_starts_it_on_the_served_site(page, served):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(served + "topics/")
    page.wait_for_load_state("networkidle")
    time.sleep(IDLE_S)
    assert not search_requests(requested), f"fetched before a search: {search_requests(requested)}"
    start_search_and_find(page, "vmap")
    assert len(search_requests(requested)) == 2, (
        f"expected the index and the worker once each: {search_requests(requested)}"
    )


def test_search_starts_when_the_reader_starts_it_from_file_urls(page, offline_site):
    requested = []  # Chromium reports file:// requests too: the worker's and the index's script
    page.on("request", lambda request: requested.append(request.url))
    page.goto((offline_site / "index.html").as_uri())
    time.sleep(IDLE_S)
    assert not search_requests(requested), f"fetched before a search: {search_requests(requested)}"
    start_search_and_find(page, "GradientTape")
    assert len(search_requests(requested)) == 2, (
        f"expected the index and the worker once each: {search_requests(requested)}"
    )


def test_a_page_opened_from_a_search_result_highlights_the_query(page, served):
    # Material's result links carry ?h=<query>; the page marks the words, which needs the index.
    page.goto(served + "topics/vectorisation/?h=vmap")
    page.wait_for_function("() => document.querySelectorAll('mark[data-md-highlight]').length > 0",
                           timeout=30_000)
