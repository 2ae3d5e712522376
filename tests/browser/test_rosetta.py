"""The Rosetta stone reads as a reference: a box above its table narrows the rows as you type (on
the served site and from file://), its links are plain code without underlines but with a hover
and focus cue, its code is as large as in the text, and the pages a reader starts from link to it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import shared
from site_pages import SITE_URL, html_path

PAGE = "reference/rosetta-stone/"
SCRIPT = "docs/javascripts/rosetta-filter.js"
browser = pytest.mark.browser

# Each body row of the table: its text, whether it is a section's heading row (only its first
# cell filled), and whether it is shown.
ROWS = """() => [...document.querySelector('.md-content table').tBodies[0].rows].map(r => ({
  text: r.textContent.toLowerCase(),
  heading: !r.cells[1].textContent.trim(),
  shown: r.getClientRects().length > 0,
}))"""
COUNT = ".rosetta-filter output"


def expected_rows(rows: list[dict], query: str) -> list[bool]:
    """Which rows the filter should show: an operation whose text, with its section's name,
    holds every word of the query; a section heading while one of its operations is shown."""
    words = query.lower().split()
    shown, heading = [False] * len(rows), None
    for n, row in enumerate(rows):
        if row["heading"]:
            heading = n
            continue
        text = rows[heading]["text"] + " " + row["text"]
        shown[n] = all(word in text for word in words)
        if shown[n]:
            shown[heading] = True
    return shown


def type_query(page, query: str) -> None:
    box = page.get_by_role("searchbox", name="Filter the table")
    box.fill("")
    box.press_sequentially(query)  # as typed: Material's keyboard shortcuts must not fire
    page.wait_for_function(
        "([sel, q]) => document.querySelector('.rosetta-filter input').value === q"
        " && document.querySelector(sel).textContent.includes(' of ')",
        arg=[COUNT, query],
    )


def check_filter(page, where: str) -> None:
    box = page.get_by_role("searchbox", name="Filter the table")
    box.wait_for(state="visible")
    rows = page.evaluate(ROWS)
    total = sum(not row["heading"] for row in rows)
    assert total >= 80, f"{where}: only {total} operations in the table"
    assert page.locator(COUNT).text_content() == f"{total} operations", where
    url = page.url

    type_query(page, "softmax")
    rows = page.evaluate(ROWS)
    shown = [row["shown"] for row in rows]
    wanted = expected_rows(rows, "softmax")
    kept = sum(s for s, row in zip(shown, rows, strict=True) if not row["heading"])

    def names(flags):
        return [row["text"][:40] for row, flag in zip(rows, flags, strict=True) if flag]

    assert shown == wanted and 0 < kept < total, (
        f"{where}: typing 'softmax' shows {names(shown)}, expected {names(wanted)} ({SCRIPT})"
    )
    assert page.locator(COUNT).text_content() == f"{kept} of {total} operations", where
    assert page.url == url and not page.evaluate(
        "document.querySelector('[data-md-toggle=search]').checked"
    ), f"{where}: typing in the filter box set off Material's keyboard shortcuts"

    type_query(page, "reductions")  # a section's name keeps the whole section
    rows = page.evaluate(ROWS)
    assert [row["shown"] for row in rows] == expected_rows(rows, "reductions"), where

    box.fill("")
    page.wait_for_function(
        f"document.querySelector('{COUNT}').textContent === '{total} operations'")
    assert all(row["shown"] for row in page.evaluate(ROWS)), f"{where}: clearing hid rows"


@browser
def test_filter_narrows_the_table_on_the_served_site(page, served):
    page.goto(served + PAGE)
    check_filter(page, served + PAGE)


@browser
def test_filter_works_offline_from_a_file_url(page, offline_site):
    # The offline build names pages as files: the script's path must still resolve.
    url = (offline_site / "reference" / "rosetta-stone.html").as_uri()
    page.goto(url)
    check_filter(page, url)


@browser
def test_table_links_are_plain_readable_code_with_hover_and_focus_cues(page, served):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served + PAGE)
    looks = page.evaluate("""() => {
      const table = document.querySelector('.md-content table');
      const links = [...table.querySelectorAll('td a')];
      const size = el => parseFloat(getComputedStyle(el).fontSize);
      return {
        links: links.length,
        underlined: links.filter(a => getComputedStyle(a).textDecorationLine !== 'none')
                         .map(a => a.textContent).slice(0, 5),
        tableCode: Math.min(...[...table.querySelectorAll('td code')].map(size)),
        textCode: size(document.querySelector('.md-content p code')),
      };
    }""")
    assert looks["links"] > 200 and not looks["underlined"], (
        f"{PAGE}: links in the table are underlined ({looks['underlined']}); the underline hides "
        "underscores (torch.no_grad reads 'torch.no grad'). See the <style> in "
        "docs/reference/rosetta-stone.md"
    )
    assert looks["tableCode"] >= looks["textCode"], (
        f"{PAGE}: code in the table is {looks['tableCode']} px, smaller than in the text "
        f"({looks['textCode']} px)"
    )

    link = page.locator(".md-content table td:nth-child(2) > a").first
    colour = link.locator("code").evaluate("c => getComputedStyle(c).color")
    link.hover()
    page.wait_for_timeout(300)  # Material's colour transition
    hovered = link.locator("code").evaluate("c => getComputedStyle(c).color")
    assert hovered != colour, f"{PAGE}: a code link looks the same under the pointer"

    page.get_by_role("searchbox", name="Filter the table").focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("""() => {
      const a = document.activeElement, style = getComputedStyle(a);
      return {inTable: !!a.closest('table'), style: style.outlineStyle,
              width: parseFloat(style.outlineWidth)};
    }""")
    assert outline["inTable"] and outline["style"] != "none" and outline["width"] >= 2, (
        f"{PAGE}: the table's first link, reached with Tab from the filter box, shows no "
        f"outline ({outline})"
    )


@browser
def test_all_four_columns_fit_a_laptop_screen(page, served):
    """At 1366 x 800 the JAX column is in view without scrolling sideways, and the header row
    still sticks while the rows scroll. Headless Chromium hides scrollbars; this one draws them,
    as on Windows and Linux, where the page's and the table's take width from the table."""
    chromium = page.context.browser.browser_type.launch(
        executable_path=shared.chromium_path(), args=shared.CHROMIUM_ARGS,
        ignore_default_args=["--hide-scrollbars"])
    try:
        check_laptop_fit(chromium.new_page(viewport={"width": 1366, "height": 800}), served)
    finally:
        chromium.close()


def check_laptop_fit(page, served) -> None:
    page.goto(served + PAGE)
    view = page.evaluate("""() => {
      const table = document.querySelector('.md-content table');
      const box = table.closest('.md-typeset__scrollwrap');
      const cells = [...table.tHead.rows[0].cells];
      const first = table.tBodies[0].rows[1].cells[0];
      return {
        columns: cells.map(c => c.textContent.trim()),
        jaxRight: Math.round(cells[3].getBoundingClientRect().right),
        boxRight: Math.round(box.getBoundingClientRect().left + box.clientWidth),
        overflow: box.scrollWidth - box.clientWidth,
        scrollbar: box.offsetWidth - box.clientWidth,
        pageOverflow: document.scrollingElement.scrollWidth - document.documentElement.clientWidth,
        // The operation column's shadow is for code scrolled under it: none while nothing is.
        shadow: getComputedStyle(first, '::after').opacity,
      };
    }""")
    assert view["columns"] == ["Operation", "PyTorch", "TensorFlow", "JAX"], view
    assert view["scrollbar"] > 0, f"no scrollbar drawn; the test measures the wrong case ({view})"
    assert view["jaxRight"] <= view["boxRight"] and view["overflow"] <= 1, (
        f"{PAGE} at 1366 px: the JAX column ends at {view['jaxRight']} px, its box at "
        f"{view['boxRight']} px; the table is {view['overflow']} px wider than its box. The page "
        "hides the navigation and contents, widens itself and tightens its cells (front matter "
        "and <style> in docs/reference/rosetta-stone.md); a cell longer than the longest in its "
        "column, or wider cells, push the JAX column out of view."
    )
    assert view["pageOverflow"] <= 0, f"{PAGE} at 1366 px: the page scrolls sideways ({view})"
    assert view["shadow"] in ("0", ""), (
        f"{PAGE} at 1366 px: the operation column casts its scroll shadow though nothing is "
        f"scrolled under it ({view})"
    )

    box = page.locator(".md-content .md-typeset__scrollwrap").first
    box.evaluate("b => { scrollBy(0, b.getBoundingClientRect().top - 60); "
                 "b.scrollTop = b.scrollHeight / 2; }")
    header = box.evaluate("""b => {
      const th = b.querySelector('thead th:last-child').getBoundingClientRect();
      const hit = document.elementFromPoint(th.left + th.width / 2, th.top + th.height / 2);
      return {scrollTop: b.scrollTop, atTop: Math.abs(th.top - b.getBoundingClientRect().top) < 2,
              seen: !!hit && !!hit.closest('thead')};
    }""")
    assert header["scrollTop"] > 500 and header["atTop"] and header["seen"], (
        f"{PAGE} at 1366 px: scrolled down the table, the header row is not at its box's top "
        f"({header})"
    )


# The reader's starting points: the home page, the topics index, each framework's page and
# every topic page.
def starting_pages(pages: list[str]) -> list[str]:
    frameworks = [f"frameworks/{name}/" for name in ("pytorch", "tensorflow", "jax")]
    topics = [page for page in pages if page.startswith("topics/")]
    return ["", *frameworks, *topics]


ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)(?:#[^"]*)?"')


def test_starting_pages_link_to_the_rosetta_stone(built_site, page_paths):
    """A link in the page's own text, not the navigation's (which lists it on every page)."""
    target = urlsplit(SITE_URL + PAGE).path
    missing = []
    pages = starting_pages(page_paths)
    assert len(pages) >= 20 and all(p in page_paths for p in pages), pages
    for page in pages:
        article = ARTICLE.search(html_path(built_site, page).read_text(encoding="utf-8"))
        assert article, f"{page}: no <article> in its HTML"
        links = {urlsplit(urljoin(SITE_URL + page, href)).path for href in HREF.findall(article[1])}
        if target not in links:
            missing.append(page or "(home)")
    assert not missing, (
        f"pages without a link to the Rosetta stone in their text: {missing}. Add one sentence, "
        "e.g. 'For single operations, see the [Rosetta stone](../reference/rosetta-stone.md).'"
    )
