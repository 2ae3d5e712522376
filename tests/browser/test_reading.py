"""What a reader sees: linked framework tabs that remember the choice, readable code and outputs in
both colour schemes, and screenshots of three key pages for review.
"""

from __future__ import annotations

import re

import pytest

from .conftest import VIEWPORT, is_notebook, screenshot_dir

pytestmark = pytest.mark.browser

# A tab set that opens on PyTorch and also has a JAX tab (topic pages: PyTorch, TensorFlow, JAX).
JAX_LABEL = re.compile(
    r'class="tabbed-labels"><label[^>]*>PyTorch</label>(?:\s*<label[^>]*>[^<]*</label>)*'
    r'\s*<label[^>]*>JAX</label>'  # labels may be space-separated (hooks/search_terms.py)
)
# Every tab set with a JAX tab: is that tab the selected one? Returns the sets where it is not.
JAX_NOT_SELECTED = """() => [...document.querySelectorAll('.tabbed-set')]
  .map((set, n) => [n, [...set.querySelectorAll('.tabbed-labels > label')]
                        .find(label => label.textContent.trim() === 'JAX')])
  .filter(([n, label]) => label && !document.getElementById(label.htmlFor).checked)
  .map(([n]) => n)"""


def tabbed_pages(site, paths):
    return [p for p in paths if JAX_LABEL.search((site / p / "index.html").read_text("utf-8"))]


def wait_until_jax_everywhere(page, where: str) -> None:
    try:
        page.wait_for_function(f"({JAX_NOT_SELECTED})().length === 0", timeout=10_000)
    except Exception:
        raise AssertionError(
            f"{where}: tab sets {page.evaluate(JAX_NOT_SELECTED)} do not show JAX"
        ) from None


def test_choosing_jax_carries_to_the_next_page_and_survives_a_reload(page, served, built_site,
                                                                     page_paths):
    pages = tabbed_pages(built_site, page_paths)
    assert pages, "no page has framework tabs"
    first, second = pages[0], pages[1] if len(pages) > 1 else pages[0]
    page.goto(served + first)
    assert page.evaluate(JAX_NOT_SELECTED), "JAX is selected before anyone chose it"
    page.locator(".tabbed-labels > label", has_text=re.compile(r"^JAX$")).first.click()
    wait_until_jax_everywhere(page, f"{first} after the click")
    page.goto(served + second)
    wait_until_jax_everywhere(page, f"{second}, opened after choosing JAX on {first}")
    page.reload()
    wait_until_jax_everywhere(page, f"{second} after a reload")


# Contrast of every code and output text run against the background it is drawn on.
CONTRAST = """() => {
  const parse = c => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((bg, layer) => over(layer, bg), [255, 255, 255, 1]);
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
  const ownText = el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const measure = selector => [...document.querySelectorAll(selector)]
    .filter(el => ownText(el) && el.getClientRects().length)
    .map(el => {
      const bg = background(el);
      const fg = over(parse(getComputedStyle(el).color), bg);
      return {ratio: ratio(fg, bg), text: el.textContent.trim().slice(0, 30), cls: el.className};
    });
  return {
    code: measure('.jupyter-wrapper .jp-InputArea pre, .jupyter-wrapper .jp-InputArea pre *'),
    output: measure('.jupyter-wrapper .jp-OutputArea-output pre, .jupyter-wrapper .jp-OutputArea-output pre *'),
  };
}"""


def assert_readable(page, scheme: str) -> None:
    runs = page.evaluate(CONTRAST)
    for kind in ("code", "output"):
        assert len(runs[kind]) >= 5, f"{scheme}: found only {len(runs[kind])} {kind} text runs"
        low = sorted((r for r in runs[kind] if r["ratio"] < 4.5), key=lambda r: r["ratio"])
        assert not low, f"{scheme} mode, {kind} text below 4.5:1: " + "; ".join(
            f"{r['ratio']:.2f} {r['cls']!r} {r['text']!r}" for r in low[:5])


def test_dark_mode_keeps_notebook_code_and_outputs_readable(page, served, built_site, page_paths):
    notebooks = [p for p in page_paths if is_notebook(built_site, p)]
    assert notebooks, "no notebook page in the build"
    path = next((p for p in notebooks if "transformations" in p), notebooks[0])
    page.goto(served + path)
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    assert_readable(page, "light")
    page.locator('label[title="Switch to dark mode"]').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert_readable(page, "dark")


SCREENSHOTS = {  # file name -> page
    "home": "",
    "automatic-differentiation": "topics/automatic-differentiation/",
    "transformations-notebook": "notebooks/transformations/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_key_pages(browser, served, scheme):
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme, reduced_motion="reduce")
    try:
        page = context.new_page()
        for name, path in SCREENSHOTS.items():
            page.goto(served + path)
            applied = page.evaluate("document.body.dataset.mdColorScheme")
            assert applied == {"light": "default", "dark": "slate"}[scheme], (path, applied)
            target = screenshot_dir() / f"{name}-{scheme}.png"
            page.screenshot(path=target, full_page=True)
            assert target.stat().st_size > 10_000
    finally:
        context.close()


def test_missing_page_offers_a_search_for_its_address(page, served):
    # GitHub Pages answers any unknown address with 404.html; the local server does the same.
    response = page.goto(served + "topics/auto-diff/")
    assert response.status == 404
    link = page.locator("#search-missing")
    assert link.inner_text() == "Search the guide for \u201ctopics auto diff\u201d"
    link.click()
    page.wait_for_function(
        "document.querySelector('input.md-search__input')?.value === 'topics auto diff'")
    page.wait_for_selector(".md-search-result__item")  # and it finds something


def test_an_evidence_marker_shows_its_evidence_when_focused(page, served):
    page.goto(served + "topics/compilation/")
    marker = page.locator("a.evidence-tested").first
    assert marker.get_attribute("aria-label").startswith("Evidence ")
    marker.focus()  # a link: reachable with Tab, and Material opens its tooltip on focus too
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for()
    assert tooltip.inner_text().startswith("Tested by "), tooltip.inner_text()
