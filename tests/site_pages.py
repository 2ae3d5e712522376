"""Which pages the built site has, read from its sitemap.xml, for tests that check every page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import shared

SITE_URL = shared.site_url()
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_pages(site: Path) -> list[str]:
    """Every page of the build, as paths relative to the site root ('' is the home page)."""
    tree = ET.parse(site / "sitemap.xml")
    locs = [loc.text.strip() for loc in tree.iter(f"{SITEMAP_NS}loc")]
    strays = [loc for loc in locs if not loc.startswith(SITE_URL)]
    assert locs and not strays, f"sitemap.xml: URLs outside {SITE_URL}: {strays}"
    return [loc.removeprefix(SITE_URL) for loc in locs]


def html_path(site: Path, page: str) -> Path:
    """The HTML file of a page path ('' and 'topics/' are folders, '404.html' a file)."""
    return site / page / "index.html" if page.endswith("/") or not page else site / page
