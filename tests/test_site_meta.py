"""What the site tells machines: the sitemap lists every page, every page has link-preview
metadata, llms.txt lists every page with a Markdown copy beside it, and the 404 page helps.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import load_module
from site_pages import SITE_URL, html_path, sitemap_pages

SITE_PATH = urlsplit(SITE_URL).path  # /guide/


def meta(page_html: str, attr: str, name: str) -> str | None:
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', page_html)
    return html.unescape(match.group(1)) if match else None


def built_pages(site: Path) -> set[str]:
    """Every page the build wrote (a folder with index.html), as a sitemap-style path."""
    found = set()
    for index in site.rglob("index.html"):
        folder = index.parent.relative_to(site).as_posix()
        found.add("" if folder == "." else folder + "/")
    return found


@pytest.fixture(scope="module")
def pages(built_site) -> list[str]:
    return sitemap_pages(built_site)


def test_sitemap_lists_every_page(built_site, pages):
    assert len(pages) == len(set(pages)), "sitemap.xml lists a page twice"
    missing = built_pages(built_site) - set(pages)
    assert not missing, f"pages missing from sitemap.xml: {sorted(missing)}"
    stale = set(pages) - built_pages(built_site)
    assert not stale, f"sitemap.xml lists pages that were not built: {sorted(stale)}"


def test_every_page_has_link_preview_metadata(built_site, pages):
    problems = []
    for page in [*pages, "404.html"]:
        text = html_path(built_site, page).read_text(encoding="utf-8")
        description = meta(text, "name", "description")
        expected = {
            ("property", "og:title"): None,
            ("property", "og:description"): description,
            ("property", "og:site_name"): "ML Frameworks Compared",
            ("name", "twitter:card"): "summary",
        }
        if page != "404.html":
            expected[("property", "og:url")] = SITE_URL + page
        for (attr, name), value in expected.items():
            found = meta(text, attr, name)
            if not found or (value is not None and found != value):
                problems.append(f"{page or 'home'}: {name} is {found!r}, expected {value!r}")
    assert not problems, "\n".join(problems)


def test_page_titles_in_previews_match_the_pages(built_site):
    text = html_path(built_site, "topics/automatic-differentiation/").read_text(encoding="utf-8")
    assert meta(text, "property", "og:title") == "Automatic differentiation"


def test_llms_txt_lists_every_page_with_a_markdown_copy(built_site, pages):
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    assert llms.startswith("# ML Frameworks Compared\n\n> ")
    listed = re.findall(r"^- \[[^\]]+\]\(([^)]+)\)", llms, flags=re.M)
    expected = {SITE_URL + page + "index.md" for page in pages}
    missing = expected - set(listed)
    assert not missing, f"llms.txt does not list: {sorted(missing)}"
    for url in listed:
        copy = built_site / url.removeprefix(SITE_URL)
        assert copy.is_file(), f"llms.txt links {url}, but the build has no such file"
        text = copy.read_text(encoding="utf-8")
        assert text.startswith("# ") and len(text) > 200, f"{copy}: not a Markdown page"
    assert (built_site / "llms-full.txt").stat().st_size > 10_000


def test_llms_txt_gives_each_page_its_description(built_site):
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    text = html_path(built_site, "topics/automatic-differentiation/").read_text(encoding="utf-8")
    description = meta(text, "name", "description")
    assert f"automatic-differentiation/index.md): {description}" in llms


def test_notebook_pages_have_their_own_description(built_site):
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    text = html_path(built_site, "notebooks/transformations/").read_text(encoding="utf-8")
    description = meta(text, "name", "description")
    assert description and "tested, current comparison" not in description  # not the site's
    assert f"transformations/index.md): {description}" in llms


def test_markdown_copies_keep_framework_labels_above_code(built_site):
    copy = (built_site / "topics" / "automatic-differentiation" / "index.md").read_text("utf-8")
    assert re.search(r"\*\*PyTorch\*\*\n\n```python\n", copy)
    assert re.search(r"\*\*JAX\*\*\n\n```python\n", copy)
    assert "¶" not in copy and "<svg" not in copy


def test_404_page_offers_search_and_ways_in(built_site, pages):
    text = (built_site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in text and 'id="search-missing"' in text
    for page in ("", "topics/", "reference/rosetta-stone/", "choosing/"):
        if page in pages:
            assert f'href="{SITE_PATH}{page}"' in text, f"404 page does not link {SITE_PATH}{page}"


def test_llms_sections_follow_the_nav(tmp_path):
    llms = load_module("hooks/llms.py")
    (tmp_path / "a.md").write_text("---\ndescription: Page  A,\n  folded.\n---\n# A\n")
    nav = [{"Home": "a.md"}, {"Part": ["b.md", {"Deep": [{"C": "c.ipynb"}]},
                                       {"Out": "https://example.org/"}]}]
    assert llms.sections_from_nav(nav, str(tmp_path)) == {
        "Start here": [{"a.md": "Page A, folded."}],
        "Part": [{"b.md": ""}, {"c.ipynb": ""}],
    }


def test_llms_sections_read_a_notebook_description_from_its_metadata(tmp_path):
    llms = load_module("hooks/llms.py")
    (tmp_path / "docs" / "nb").mkdir(parents=True)
    (tmp_path / "docs" / "nb" / "index.md").write_text("---\ndescription: The index.\n---\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "c.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {"description": "What  c\nshows."}})
    )
    nav = [{"Notebooks": ["nb/index.md", {"C": "nb/c.ipynb"}]}]
    mounts = {"nb": tmp_path / "notebooks"}
    assert llms.sections_from_nav(nav, str(tmp_path / "docs"), mounts) == {
        "Notebooks": [{"nb/index.md": "The index."}, {"nb/c.ipynb": "What c shows."}],
    }
