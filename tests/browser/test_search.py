"""Search finds API names, on the served site and on the offline copy opened from file://.

A reader who types `GradientTape` or `torch.compile` should see, among the first few results, a
page that covers it. "Covers" is read from the search index itself (the page's indexed text
contains the name), so the test keeps working as pages are added.

Results show short excerpts that keep the highlighted match in view, and a notebook is still found
by a name that only its code uses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

QUERIES = ["vmap", "GradientTape", "torch.compile"]
FIRST = 3  # "among the first results": the first three pages listed


def pages_covering(site: Path, term: str) -> set[str]:
    """Pages (index locations without #section) whose indexed title or text contains ``term``."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {
        doc["location"].split("#", 1)[0]
        for doc in index["docs"]
        if term in doc.get("text", "") or term in doc.get("title", "")
    }


def first_result_pages(page, query: str) -> list[str]:
    """Type ``query`` into the search box; return the first pages listed, as URL paths."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    # Results of the previous query stay listed until the worker answers the next one, and typing
    # letter by letter also sends every prefix, answered in whatever order. So: wait for the empty
    # box's placeholder, then send the whole query as one keystroke does after a paste; the
    # results read below can then only be this query's.
    page.wait_for_function(
        "() => /Type to start/.test(document.querySelector('.md-search-result__meta').textContent)"
    )
    box.evaluate("(box, query) => { box.value = query; "
                 "box.dispatchEvent(new KeyboardEvent('keyup', {key: 'v', ctrlKey: true})); }",
                 query)
    # Wait for this query's results to be rendered: the meta line counts them, and the list is
    # filled a moment later (reading it in between gives no results on a busy machine).
    page.wait_for_function(
        """([query]) => {
             const meta = document.querySelector('.md-search-result__meta');
             const box = document.querySelector('input.md-search__input');
             const listed = document.querySelectorAll('.md-search-result__item').length > 0;
             return box.value === query
               && (/\\d+ matching/.test(meta.textContent) && listed
                   || /No matching/.test(meta.textContent));
           }""",
        arg=[query],
    )
    hrefs = page.locator(".md-search-result__item a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)")
    pages = list(dict.fromkeys(urlsplit(href).path for href in hrefs))  # a page lists sections too
    return pages[:FIRST]


def check_queries(page, site: Path, path_of) -> None:
    problems = []
    for query in QUERIES:
        covering = pages_covering(site, query)
        assert covering, f"no page of the site mentions {query!r}; the test needs a page that does"
        expected = {path_of(location) for location in covering}
        found = first_result_pages(page, query)
        if not expected & set(found):
            problems.append(
                f"{query!r}: first results {found}; pages covering it: {sorted(expected)}"
            )
        page.keyboard.press("Escape")
    assert not problems, "Search did not surface a covering page:\n" + "\n".join(problems)


def test_search_finds_api_names_on_the_served_site(page, served, built_site):
    page.goto(served)
    base = urlsplit(served).path  # /guide/
    check_queries(page, built_site, lambda location: base + location)


def test_search_finds_api_names_offline_from_file_urls(page, offline_site):
    page.goto((offline_site / "index.html").as_uri())

    def path_of(location: str) -> str:
        # The offline build's index and links name files: topics/index.html, topics/x.html.
        return urlsplit((offline_site / (location or "index.html")).as_uri()).path

    check_queries(page, offline_site, path_of)


# Words readers type for the training lifecycle, and the page (or pages) of which one must answer
# among the first results.
READER_QUERIES = {
    "DataLoader": "topics/data-loading/",
    "tf.data": "topics/data-loading/",
    "checkpoint": "topics/checkpointing/",
    "safetensors": "topics/checkpointing/",
    "bfloat16": "topics/numerics-and-precision/",
    "mixed precision": "topics/numerics-and-precision/",
    "autocast": "topics/numerics-and-precision/",
    "state_dict": ("topics/checkpointing/", "topics/porting-models/"),
    "MultiHeadAttention": "topics/transformer-block/",
    # Speed, memory and hardware: readers' words for hardware, tools and techniques.
    "AMD": "topics/hardware/",
    "ROCm": "topics/hardware/",
    "Apple": "topics/hardware/",
    "MPS": "topics/hardware/",
    "TPU": "topics/hardware/",
    "profiler": "topics/timing-and-profiling/",
    "memory": "topics/timing-and-profiling/",
    "Triton": "topics/custom-kernels/",
    "Pallas": "topics/custom-kernels/",
    "quantization": "topics/quantization/",
    "quantisation": "topics/quantization/",
    "int8": "topics/quantization/",
    "LLM": "topics/large-language-models/",
    "LoRA": "topics/large-language-models/",
    "vLLM": "topics/large-language-models/",
    "eager vs compiled": "topics/eager-vs-compiled/",
    # A topic page ranks above notebooks and lists for its own subject; the other spelling and
    # readers' own words find a page through its front matter keywords.
    "jit": "topics/compilation/",
    "vectorization": "topics/vectorisation/",
    "half precision": "topics/numerics-and-precision/",
}


def test_search_answers_reader_queries_with_the_page_on_it(page, served):
    page.goto(served)
    base = urlsplit(served).path
    problems = []
    for query, expected in READER_QUERIES.items():
        wanted = {base + path for path in ([expected] if isinstance(expected, str) else expected)}
        found = first_result_pages(page, query)
        if not wanted & set(found):
            problems.append(f"{query!r}: first results {found}, expected one of {sorted(wanted)}")
        page.keyboard.press("Escape")
    assert not problems, "Search missed the page for:\n" + "\n".join(problems)


# Short excerpts (hooks/search_terms.py, extra.css): both queries list notebook sections and
# topic sections whose matches sit deep in code cells and long lists.
EXCERPT_QUERIES = ["jit", "vmap"]
EXCERPT_LINES = 3
PHONE = {"width": 390, "height": 844}

# Per result: the excerpt's height in lines (blocks between the title and the tags), its
# highlighted matches and how many of them show (not hidden, not clamped away).
EXCERPTS = """() => {
  // Sections beyond a page's best are folded under "N more on this page": unfold them.
  document.querySelectorAll('details.md-search-result__more').forEach(more => more.open = true);
  const isExcerpt = el => !el.matches('h1, h2, .md-search-result__icon, .md-tags, '
                                      + '.md-search-result__terms');
  return [...document.querySelectorAll('.md-search-result__article')].map(article => {
    const blocks = [...article.children].filter(isExcerpt);
    const shown = blocks.filter(block => getComputedStyle(block).display !== 'none');
    const height = shown.length ? shown.at(-1).getBoundingClientRect().bottom
                                  - shown[0].getBoundingClientRect().top : 0;
    const marks = shown.flatMap(block => [...block.querySelectorAll('mark')].map(mark => {
      const box = mark.getBoundingClientRect();
      return box.height > 0 && box.bottom <= block.getBoundingClientRect().bottom + 1;
    }));
    const link = new URL(article.parentElement.href);
    return {
      result: `${link.pathname}${link.hash} (${article.querySelector('h1, h2').textContent})`,
      lines: height / parseFloat(getComputedStyle(article).lineHeight),
      matches: blocks.reduce((n, block) => n + block.querySelectorAll('mark').length, 0),
      matchesShown: marks.filter(Boolean).length,
    };
  });
}"""


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_search_results_show_short_excerpts_with_the_match(page, served, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(served)
    tall, unmatched = [], []
    for query in EXCERPT_QUERIES:
        if viewport:  # on a phone the search box opens from the header's button
            page.locator("label.md-header__button[for=__search]").click()
        first_result_pages(page, query)
        results = page.evaluate(EXCERPTS)
        assert results, f"{query!r} lists no result"
        # A quarter line of leeway: the small margin between two blocks.
        tall += [f"{query!r}: {r['result']}: {r['lines']:.1f} lines" for r in results
                 if r["lines"] > EXCERPT_LINES + 0.25]
        unmatched += [f"{query!r}: {r['result']}" for r in results
                      if r["matches"] and not r["matchesShown"]]
        page.keyboard.press("Escape")
    assert not tall, (f"search result excerpts taller than {EXCERPT_LINES} lines "
                      "(extra.css clamps them):\n" + "\n".join(tall[:10]))
    assert not unmatched, ("search result excerpts that hide every highlighted match "
                           "(hooks/search_terms.py keeps blocks short):\n" + "\n".join(unmatched))


def notebook_only_names(site: Path) -> dict[str, str]:
    """For each notebook, a name its code uses that its prose and every other page leave out:
    {name: the notebook's index location}. Search finds the notebook by its code alone."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    names = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        location = f"notebooks/{path.stem}/"
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] != "code")
        elsewhere = " ".join(doc["title"] + " " + doc["text"] for doc in docs
                             if not doc["location"].startswith(location))
        own = set(re.findall(r"\w+", prose)) | set(re.findall(r"\w+", elsewhere))
        candidates = sorted(set(re.findall(r"\b[A-Za-z]\w{5,}", code)) - own,
                            key=lambda name: (-len(name), name))
        assert candidates, f"{path.name}: no name that only its code uses"
        names[candidates[0]] = location
    return names


def test_search_finds_a_notebook_by_a_name_only_its_code_uses(page, served, built_site):
    page.goto(served)
    base = urlsplit(served).path
    missed = []
    for name, location in notebook_only_names(built_site).items():
        found = first_result_pages(page, name)
        if base + location not in found:
            missed.append(f"{name!r}: first results {found}, expected {base + location}")
        page.keyboard.press("Escape")
    assert not missed, "Search missed notebooks by their code:\n" + "\n".join(missed)
