"""Wide tables on a phone (390 px) and on a laptop (1366 px): code in a cell stays on one line,
and a table box that scrolls sideways can be scrolled from the keyboard.

Material puts each table in a box (`.md-typeset__scrollwrap`) that scrolls when the table is wider
than the text. A box with nothing focusable inside is out of keyboard reach (axe-core's
`scrollable-region-focusable`); overrides/partials/table-regions.html makes such a box a named,
focusable region while it overflows. Pages are every page of the sitemap that has a table.
"""

from __future__ import annotations

import pytest

from site_pages import html_path

from .conftest import AXE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}
SCRIPT = "overrides/partials/table-regions.html"

# Material has wrapped every table, and the boxes' resize observers have had a frame to run.
SETTLED = """async () => {
  while (![...document.querySelectorAll('.md-content table:not([class])')]
           .every(t => t.closest('.md-typeset__scrollwrap')))
    await new Promise(r => setTimeout(r, 20));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""
# Each table box: whether it scrolls sideways, holds something focusable, and how it is exposed;
# and the code in table cells that takes more than one line.
TABLES = """() => ({
  boxes: [...document.querySelectorAll('.md-content .md-typeset__scrollwrap')].map(box => ({
    scrolls: box.scrollWidth > box.clientWidth + 1,
    focusable: !!box.querySelector('a[href], button, input, select, textarea, [tabindex]'),
    tabindex: box.getAttribute('tabindex'),
    role: box.getAttribute('role'),
    label: (box.getAttribute('aria-label') || '').trim(),
  })),
  wrapped: [...document.querySelectorAll('.md-content :is(td, th) code')]
    .filter(code => code.getClientRects().length > 1).map(code => code.textContent.slice(0, 50)),
})"""


@pytest.fixture(scope="module")
def table_pages(built_site, page_paths) -> list[str]:
    pages = [path for path in page_paths
             if "<table" in html_path(built_site, path).read_text(encoding="utf-8")]
    assert len(pages) >= 10, f"only {len(pages)} pages with a table: {pages}"
    return pages


@pytest.fixture(scope="module")
def visits(browser, served, table_pages) -> dict[int, dict[str, dict]]:
    """Each page with a table, at phone and laptop width: its table boxes and wrapped code."""
    out = {}
    for viewport in (PHONE, LAPTOP):
        context = browser.new_context(viewport=viewport, reduced_motion="reduce")
        context.set_default_timeout(60_000)
        page = context.new_page()
        try:
            out[viewport["width"]] = {}
            for path in table_pages:
                page.goto(served + path, wait_until="load")
                page.evaluate(SETTLED)
                out[viewport["width"]][path] = page.evaluate(TABLES)
        finally:
            context.close()
    return out


def test_code_in_table_cells_stays_on_one_line_on_a_laptop(visits):
    wrapped = {path: v["wrapped"] for path, v in visits[LAPTOP["width"]].items() if v["wrapped"]}
    assert not wrapped, (
        f"code in table cells takes two lines at {LAPTOP['width']} px (Material breaks it "
        "anywhere, as in `torch.zer|os(2, 3)`):\n"
        + "\n".join(f"  {path}: {codes[:5]}" for path, codes in wrapped.items())
        + "\nThe 'Tables' section of docs/stylesheets/extra.css keeps table code whole "
        "(white-space: nowrap) at every width; did a rule override it?"
    )


@pytest.mark.parametrize("width", [PHONE["width"], LAPTOP["width"]])
def test_a_table_box_that_scrolls_can_be_reached_from_the_keyboard(visits, width):
    problems, regions = [], 0
    for path, visit in visits[width].items():
        for n, box in enumerate(visit["boxes"]):
            region = box["tabindex"] == "0" and box["role"] == "region"
            needs = box["scrolls"] and not box["focusable"]
            regions += region
            if needs and not (region and box["label"].removeprefix("Table:").strip()):
                problems.append(f"{path} table {n + 1}: scrolls with nothing focusable in it, "
                                f"but is not a named focusable region ({box})")
            if region and not needs:
                problems.append(f"{path} table {n + 1}: a focusable region though "
                                + ("it holds links" if box["focusable"] else "it fits"))
    assert not problems, (
        f"at {width} px:\n  " + "\n  ".join(problems) + f"\nThe boxes are marked by {SCRIPT}."
    )
    assert regions, f"no table box needs to be a region at {width} px; the check proves nothing"


def region_pages(visits, width: int) -> list[str]:
    """Pages at this width with a box that scrolls and holds nothing focusable."""
    return [path for path, visit in visits[width].items()
            if any(box["scrolls"] and not box["focusable"] for box in visit["boxes"])]


def test_axe_finds_every_scrolling_table_box_keyboard_reachable_on_a_phone(page, served, visits):
    pages = region_pages(visits, PHONE["width"])[:3]
    assert pages, "no page has a scrolling table box without links at 390 px"
    page.set_viewport_size(PHONE)
    failures = {}
    for path in pages:
        page.goto(served + path)
        page.evaluate(SETTLED)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {
          runOnly: {type: 'rule', values: ['scrollable-region-focusable']},
          resultTypes: ['violations'],
        })).violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))""")
        if violations:
            failures[path] = violations
    assert not failures, (
        f"axe-core scrollable-region-focusable at {PHONE['width']} px: {failures}. "
        f"Keyboard users cannot scroll these boxes; see {SCRIPT}."
    )


def test_a_table_box_becomes_a_region_when_the_window_narrows_and_stops_when_it_widens(
        page, served, visits):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    narrow, wide = visits[PHONE["width"]], visits[LAPTOP["width"]]
    found = [(path, n) for path in narrow for n, box in enumerate(narrow[path]["boxes"])
             if box["scrolls"] and not box["focusable"] and not wide[path]["boxes"][n]["scrolls"]]
    assert found, "no table box fits at 1366 px and scrolls at 390 px"
    path, n = found[0]
    box = f"document.querySelectorAll('.md-content .md-typeset__scrollwrap')[{n}]"
    page.set_viewport_size(LAPTOP)
    page.goto(served + path)
    page.evaluate(SETTLED)
    steps = [(PHONE, f"{box}.getAttribute('role') === 'region'", "did not become a region"),
             (LAPTOP, f"!{box}.hasAttribute('role') && !{box}.hasAttribute('tabindex')",
              "stayed a focusable region")]
    for viewport, done, problem in steps:
        page.set_viewport_size(viewport)
        try:
            page.wait_for_function(done, timeout=5_000)
        except PlaywrightTimeout:
            pytest.fail(f"{path}: table {n + 1}, resized to {viewport['width']} px, {problem} "
                        f"(the resize observer in {SCRIPT})")


def test_a_table_region_shows_its_focus_and_scrolls_with_the_arrow_keys(page, served, visits):
    path = region_pages(visits, PHONE["width"])[0]
    page.set_viewport_size(PHONE)
    page.goto(served + path)
    page.evaluate(SETTLED)
    box = page.locator(".md-content .md-typeset__scrollwrap[role=region]").first
    assert box.count(), f"{path}: no table box is a region at {PHONE['width']} px ({SCRIPT})"
    page.keyboard.press("Tab")  # the reader is on the keyboard
    box.evaluate("box => { box.scrollIntoView(); box.focus(); }")
    focus = box.evaluate("""box => {
      const style = getComputedStyle(box);
      return {focused: document.activeElement === box, style: style.outlineStyle,
              width: parseFloat(style.outlineWidth), start: box.scrollLeft};
    }""")
    assert focus["focused"] and focus["style"] != "none" and focus["width"] >= 2, (
        f"{path}: a focused table region shows no outline ({focus}); see "
        "'.md-typeset__scrollwrap:focus-visible' in docs/stylesheets/extra.css"
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle(), timeout=5_000)
