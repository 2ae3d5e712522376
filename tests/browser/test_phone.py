"""Reading on a phone (390 px wide): no page scrolls sideways as a whole, code in table cells is
never broken inside a name, a table that scrolls sideways shows it at its edges, and the Rosetta
stone's header row stays in view while its rows scroll.

Pages come from the build's sitemap.xml, so a new page is checked without editing this file.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ROSETTA = "reference/rosetta-stone/"
# Pages whose wide tables the reader's report named (their last column was cut off unannounced).
WIDE_TABLE_PAGES = ["topics/compilation/", "choosing/", ROSETTA]

# How far the page reaches past the viewport, and if it does, the element that sticks out the
# most: not one inside a box that scrolls or clips (that box is then the one that sticks out),
# nor one in a fixed layer (Material's drawer), which does not widen the page.
SIDEWAYS = """() => {
  const width = innerWidth, scrollWidth = document.scrollingElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const contained = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.position === 'fixed' || style.overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  let widest = null, right = width;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > right + 0.5 && !contained(el)) { widest = el; right = box.right; }
  }
  let path = '';
  for (let el = widest, n = 0; el && el !== document.body && n < 4; el = el.parentElement, n++) {
    path = name(el) + (path ? ' > ' + path : '');
  }
  return {scrollWidth, width, widest: path || '(not found)', right: Math.round(right)};
}"""

# Code in table cells whose line breaks fall inside a word (between two non-space characters),
# as `torch.zer|os(2, 3)` did: one entry per broken code element.
BROKEN_CODE = """() => {
  const broken = [];
  const range = document.createRange();
  for (const code of document.querySelectorAll('.md-content :is(td, th) code')) {
    if (code.getClientRects().length < 2) continue;  // on one line
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let lastTop = null, lastChar = '', spaceSince = false, found = null;
    for (let node; !found && (node = walker.nextNode());) {
      for (let i = 0; i < node.length && !found; i++) {
        const char = node.data[i];
        if (/\\s/.test(char)) { spaceSince = true; continue; }
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (!box) continue;
        if (lastTop !== null && box.top > lastTop + box.height / 2 && !spaceSince) {
          found = code.textContent.slice(0, 60) + ` (broken between '${lastChar}' and '${char}')`;
        }
        lastTop = box.top; lastChar = char; spaceSince = false;
      }
    }
    if (found) broken.push(found);
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def phone_visits(browser, served, page_paths) -> dict[str, dict]:
    """Each page of the sitemap at 390 px: how far it scrolls sideways, and its broken code."""
    context = browser.new_context(viewport=PHONE, color_scheme="light", reduced_motion="reduce")
    context.set_default_timeout(60_000)
    page = context.new_page()
    out = {}
    try:
        for path in page_paths:
            page.goto(served + path, wait_until="load")
            # Material wraps each table in its scrolling box once its script has run.
            page.wait_for_function(
                "[...document.querySelectorAll('.md-content table:not([class])')]"
                ".every(t => t.closest('.md-typeset__scrollwrap'))"
            )
            out[path] = {"sideways": page.evaluate(SIDEWAYS), "broken": page.evaluate(BROKEN_CODE)}
    finally:
        context.close()
    return out


def test_no_page_scrolls_sideways_on_a_phone(phone_visits):
    assert len(phone_visits) >= 5
    wide = {path: v["sideways"] for path, v in phone_visits.items() if v["sideways"]}
    assert not wide, (
        f"pages wider than a {PHONE['width']} px phone (the whole page scrolls sideways):\n"
        + "\n".join(f"  {path or '(home)'}: {w['scrollWidth']} px; widest element {w['widest']} "
                    f"reaches {w['right']} px" for path, w in wide.items())
        + "\nLet that element wrap, or put it in a box that scrolls on its own (Material's tables "
        "and code blocks do)."
    )


def test_code_in_table_cells_breaks_only_at_spaces(phone_visits):
    broken = {path: v["broken"] for path, v in phone_visits.items() if v["broken"]}
    assert not broken, (
        "code in table cells broken inside a name on a 390 px phone:\n"
        + "\n".join(f"  {path}: {codes[:5]}" for path, codes in broken.items())
        + "\nThe 'Tables' section of docs/stylesheets/extra.css keeps table code on one line "
        "(white-space: nowrap); did a rule override it?"
    )


def edge_strips(page, box) -> dict[str, bool]:
    """Whether each edge of a scrolling table box shows something that goes when the scroll cue
    is hidden: a 10 px strip along each edge, screenshotted with and without the cue. With a
    sticky first column, the left strip is the one just right of that column."""
    rect = box.bounding_box()
    top = max(rect["y"], 0)
    height = min(rect["height"], PHONE["height"] - top) - 20  # above a horizontal scrollbar
    left = box.evaluate(FROZEN_RIGHT) or rect["x"]
    clips = {
        "left": {"x": left, "y": top, "width": 10, "height": height},
        "right": {"x": rect["x"] + rect["width"] - 10, "y": top, "width": 10, "height": height},
    }
    with_cue = {edge: page.screenshot(clip=clip) for edge, clip in clips.items()}
    style = page.add_style_tag(content=HIDE_CUE)
    without = {edge: page.screenshot(clip=clip) for edge, clip in clips.items()}
    style.evaluate("s => s.remove()")
    return {edge: with_cue[edge] != without[edge] for edge in clips}


# The right edge of a sticky first column in the box, or null.
FROZEN_RIGHT = """box => {
  const cell = box.querySelector('td:first-child');
  return cell && getComputedStyle(cell).position === 'sticky'
    ? cell.getBoundingClientRect().right : null;
}"""
# The cue: a shadow on each edge of Material's box ("Tables" in docs/stylesheets/extra.css), and
# on the Rosetta stone, one cast by its sticky first column (the page's own <style>).
HIDE_CUE = (".md-typeset__scrollwrap::before, .md-typeset__scrollwrap::after, "
            ".md-typeset__scrollwrap :is(td, th):first-child::after "
            "{ display: none !important; }")


@pytest.mark.parametrize("path", WIDE_TABLE_PAGES)
def test_a_table_wider_than_the_phone_shows_which_edges_scroll(page, served, path):
    page.set_viewport_size(PHONE)
    page.goto(served + path)
    page.wait_for_selector(".md-content .md-typeset__scrollwrap")
    handle = page.evaluate_handle(
        "[...document.querySelectorAll('.md-content .md-typeset__scrollwrap')]"
        ".find(b => b.scrollWidth > b.clientWidth + 20) || null"
    )
    box = handle.as_element()
    assert box, f"{path}: no table overflows a {PHONE['width']} px screen now; pick another page"
    box.scroll_into_view_if_needed()
    page.evaluate("box => box.scrollLeft = 0", box)
    at_start = edge_strips(page, box)
    page.evaluate("box => box.scrollLeft = box.scrollWidth", box)
    at_end = edge_strips(page, box)
    problems = []
    if not at_start["right"]:
        problems.append("scrolled to the start, the right edge shows no cue that more follows")
    if at_start["left"]:
        problems.append("scrolled to the start, the left edge shows a cue though nothing is there")
    if not at_end["left"]:
        problems.append("scrolled to the end, the left edge shows no cue that columns are hidden")
    if at_end["right"]:
        problems.append("scrolled to the end, the right edge still shows a cue")
    assert not problems, (
        f"{path} at {PHONE['width']} px: " + "; ".join(problems) + ". The scroll shadows are in "
        "docs/stylesheets/extra.css ('Tables'; the Rosetta stone's column: its page's <style>)."
    )


# Where the Rosetta stone's header row and first column are drawn, and whether they are what is
# actually on screen at those points (not covered, not scrolled away).
ROSETTA_VIEW = """() => {
  const table = document.querySelector('.md-content table');
  const box = table.closest('.md-typeset__scrollwrap').getBoundingClientRect();
  // The cells stick, not their row: measure a cell.
  const header = table.tHead.rows[0].cells[0].getBoundingClientRect();
  const frozen = header;
  const seen = (el, x, y) => el.contains(document.elementFromPoint(x, y));
  const row = [...table.tBodies[0].rows].find(r => {
    const b = r.getBoundingClientRect();
    return b.top > header.bottom + 40 && b.bottom < innerHeight - 10;
  });
  const first = row.cells[0].getBoundingClientRect();
  const scroller = table.closest('.md-typeset__scrollwrap');
  return {
    // Seen right of the operation column, at the top of the box.
    headerVisible: seen(table.tHead, (frozen.right + Math.min(box.right, innerWidth)) / 2,
                        header.top + header.height / 2),
    headerAtBoxTop: Math.abs(header.top - box.top) < 2,
    firstColumnVisible: seen(row.cells[0], box.left + 5, first.top + first.height / 2),
    scrollTop: scroller.scrollTop, scrollLeft: scroller.scrollLeft,
  };
}"""


def test_rosetta_header_row_and_operation_stay_in_view_while_rows_scroll(page, served):
    page.set_viewport_size(PHONE)
    page.goto(served + ROSETTA)
    box = page.locator(".md-content .md-typeset__scrollwrap").first
    # The page scrolled until the table's box is just below Material's header bar.
    box.evaluate("b => scrollBy(0, b.getBoundingClientRect().top"
                 " - document.querySelector('.md-header').offsetHeight)")
    # Down past half the table, and sideways to the last column.
    box.evaluate("b => { b.scrollTop = b.scrollHeight / 2; b.scrollLeft = b.scrollWidth; }")
    page.mouse.wheel(0, 0)
    view = page.evaluate(ROSETTA_VIEW)
    assert view["scrollTop"] > 500, (
        f"{ROSETTA}: the table's box does not scroll down ({view}); give it a max-height so its "
        "header row can stick (the <style> in docs/reference/rosetta-stone.md)"
    )
    assert view["headerVisible"] and view["headerAtBoxTop"], (
        f"{ROSETTA}: after scrolling down the table at {PHONE['width']} px the header row is not "
        f"at the top of its box ({view}); make the th cells sticky (top: 0) with a background"
    )
    assert view["scrollLeft"] > 0 and view["firstColumnVisible"], (
        f"{ROSETTA}: scrolled to the JAX column, the operation's name is out of view ({view}); "
        "make the first column sticky (left: 0) with a background"
    )
