"""Notebook pages as a reader on a phone meets them: the title first, then a compact row of
actions; figures sharp at any zoom, described for screen readers, and not a white box in dark
mode; and a download link that says how to save the notebook from the file:// copy.
"""

from __future__ import annotations

import base64

import pytest

from .conftest import is_notebook

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NBCONVERT_ALT = "No description has been provided for this image"
ACTIONS = "overrides/partials/notebook-actions.html, which hooks/notebooks.py puts after the </h1>"


@pytest.fixture(scope="module")
def notebooks(built_site, page_paths) -> list[str]:
    found = [p for p in page_paths if is_notebook(built_site, p)]
    assert found, "no notebook page in the build"
    return found


@pytest.fixture(scope="module")
def figure_pages(built_site, notebooks) -> list[str]:
    found = [p for p in notebooks
             if "jp-RenderedImage" in (built_site / p / "index.html").read_text("utf-8")]
    assert found, "no notebook page shows a figure: the figure tests would check nothing"
    return found


def new_page(browser, scheme="light", viewport=PHONE, scale=1):
    context = browser.new_context(viewport=viewport, color_scheme=scheme,
                                  device_scale_factor=scale, reduced_motion="reduce")
    context.set_default_timeout(20_000)
    return context.new_page()


# Where the title, the actions and the first paragraph after them are on a phone's screen.
LAYOUT = """() => {
  const article = document.querySelector('article.md-content__inner');
  const h1 = article.querySelector('h1'), actions = article.querySelector('.nb-actions');
  const next = actions && actions.nextElementSibling;
  return {
    h1: h1 && h1.textContent.trim(),
    firstHeadingIsTitle: h1 === article.querySelector('h1, h2, h3'),
    actions: !!actions,
    actionsAfterTitle: !!(h1 && actions &&
      h1.compareDocumentPosition(actions) & Node.DOCUMENT_POSITION_FOLLOWING),
    buttonRows: actions ? new Set([...actions.querySelectorAll('.md-button')]
      .map(b => Math.round(b.getBoundingClientRect().top))).size : 0,
    nextTop: next ? next.getBoundingClientRect().top : null,
    recordOpen: actions ? actions.querySelector('details.nb-executed')?.open : null,
    record: actions ? actions.querySelector('details.nb-executed > summary')?.textContent : null,
  };
}"""


def test_title_comes_first_then_a_compact_action_row(browser, served, notebooks):
    page = new_page(browser)
    for path in notebooks:
        page.goto(served + path)
        layout = page.evaluate(LAYOUT)
        where = f"{path} at 390 px"
        assert layout["actions"], f"{where}: no download/Colab row ({ACTIONS})"
        assert layout["actionsAfterTitle"] and layout["firstHeadingIsTitle"], (
            f"{where}: the download/Colab row comes before the title {layout['h1']!r}; it belongs "
            f"right under it ({ACTIONS})"
        )
        assert layout["buttonRows"] == 1, (
            f"{where}: Download and Colab take {layout['buttonRows']} rows; keep them on one "
            "(.nb-actions in docs/stylesheets/extra.css)"
        )
        assert layout["recordOpen"] is False and "Outputs from a run on" in layout["record"], (
            f"{where}: the execution record should be one closed <details> line "
            f"(found {layout['record']!r}, open={layout['recordOpen']})"
        )
        # The notebook's own first paragraph shows in the first half of the first screen.
        assert layout["nextTop"] is not None and layout["nextTop"] < PHONE["height"] / 2, (
            f"{where}: the notebook's text starts {layout['nextTop']} px down: the title and "
            "actions fill the first screen (.nb-actions in docs/stylesheets/extra.css)"
        )
    page.context.close()


def test_the_execution_record_opens_with_machine_and_versions(page, served, notebooks):
    page.goto(served + notebooks[0])
    record = page.locator("details.nb-executed")
    record.locator("summary").click()
    text = record.inner_text()
    assert "Python" in text and "CPU" in text, (
        f"{notebooks[0]}: the opened execution record lacks the machine or versions: {text!r}"
    )


IMAGES = """() => [...document.querySelectorAll('.jupyter-wrapper img')].map(img => ({
  alt: img.getAttribute('alt'), svg: img.src.startsWith('data:image/svg+xml'),
  natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
  cls: img.className, src: img.src.slice(0, 40),
}))"""


def test_every_notebook_image_has_real_alt_text(page, served, notebooks):
    missing = []
    for path in notebooks:
        page.goto(served + path)
        missing += [f"{path}: {image['src']}..." for image in page.evaluate(IMAGES)
                    if not (image["alt"] or "").strip() or image["alt"] == NBCONVERT_ALT]
    assert not missing, (
        "notebook images without alt text (nbconvert's default does not count): give the cell "
        f'"alt": "What the figure shows" in its metadata. {missing}'
    )


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 800}],
                         ids=["phone", "desktop"])
def test_figures_stay_sharp_on_high_density_screens(browser, served, figure_pages, viewport):
    page = new_page(browser, viewport=viewport)
    blurry = []
    for path in figure_pages:
        page.goto(served + path)
        page.wait_for_load_state("load")
        blurry += [f"{path}: {image['natural']} px drawn at {image['shown']:.0f} CSS px"
                   for image in page.evaluate(IMAGES)
                   if not image["svg"] and image["natural"] < 2 * image["shown"]]
    page.context.close()
    assert not blurry, (
        f"figures blurry on a 2x screen at {viewport['width']} px: {blurry}. Draw them as SVG "
        '(%config InlineBackend.figure_formats = ["svg"], as the notebooks\' first cells do) or '
        "at twice the resolution"
    )


# Mean brightness (0 black to 1 white) of a PNG screenshot, read back through a canvas.
BRIGHTNESS = """async png => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const [w, h] = [img.width, img.height];
  const canvas = Object.assign(document.createElement('canvas'), {width: w, height: h});
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, w, h).data;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    sum += 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
  }
  return sum / (data.length / 4) / 255;
}"""


def test_dark_mode_shows_figures_light_on_dark_not_in_a_white_box(browser, served, figure_pages):
    page = new_page(browser, scheme="dark", viewport={"width": 1366, "height": 800})
    glaring = []
    for path in figure_pages:
        page.goto(served + path)
        page.wait_for_load_state("load")
        images = page.locator(".jupyter-wrapper .jp-RenderedImage img")
        for n in range(images.count()):
            png = base64.b64encode(images.nth(n).screenshot()).decode()
            brightness = page.evaluate(BRIGHTNESS, png)
            if brightness > 0.4:
                glaring.append(f"{path} figure {n + 1}: mean brightness {brightness:.2f}")
    page.context.close()
    assert not glaring, (
        f"figures that stay a bright box in dark mode: {glaring}. Draw them in dark ink on a "
        'transparent background (plt.rcParams "figure.facecolor" and "axes.facecolor" "none", as '
        "the notebooks' first cells set): Jupyter then marks them needs_background: light, and "
        "docs/stylesheets/extra.css recolours those for the slate scheme"
    )


def test_light_mode_shows_figures_as_drawn(browser, served, figure_pages):
    page = new_page(browser, viewport={"width": 1366, "height": 800})
    page.goto(served + figure_pages[0])
    filters = page.eval_on_selector_all(".jupyter-wrapper .jp-RenderedImage img",
                                        "imgs => imgs.map(i => getComputedStyle(i).filter)")
    page.context.close()
    assert filters and set(filters) == {"none"}, (
        f"{figure_pages[0]}: figures are filtered in light mode ({filters}); only the slate "
        "scheme should recolour them"
    )


def test_download_saves_the_notebook_from_the_served_site(browser, served, notebooks):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(served + notebooks[0])
    assert page.locator(".nb-save-hint").is_hidden(), (
        f"{notebooks[0]}: the file:// saving hint shows on the served site"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .ipynb").click()
    name = download.value.suggested_filename
    context.close()
    assert name.endswith(".ipynb"), f"{notebooks[0]}: Download .ipynb saved {name!r}"


def test_offline_copy_says_how_to_save_the_notebook(page, offline_site):
    pages = sorted((offline_site / "notebooks").glob("*.html"))
    notebook = next(p for p in pages if "jupyter-wrapper" in p.read_text("utf-8"))
    page.goto(notebook.as_uri())
    link = page.get_by_role("link", name="Download .ipynb")
    target = notebook.parent / link.get_attribute("href")
    assert target.is_file(), f"{notebook.name} in the offline copy links to missing {target}"
    hint = page.locator(".nb-save-hint")
    assert hint.is_visible() and "Save link as" in hint.inner_text(), (
        f"{notebook.name} opened from file://: Chromium ignores `download` there and shows the "
        "JSON, and no hint says to right-click and Save link as (the script in "
        "overrides/partials/notebook-actions.html)"
    )
