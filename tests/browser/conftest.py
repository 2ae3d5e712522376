"""Fixtures for the browser tests: Chromium driven by Playwright, and the built site served locally.

The site is served from 127.0.0.1 on a free port, under /guide/ as GitHub Pages serves it, by
tools/static_server.py (gzip and the site's 404 page, like GitHub Pages). The browser is the
system's Chromium (Debian's package, or PLAYWRIGHT_CHROMIUM); `playwright install` is not needed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, shared
from site_pages import sitemap_pages

sys.path.insert(0, str(ROOT / "tools"))
from static_server import serve

VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def launch(playwright):
    """Start Chromium; skip the test (fail it on CI) when no Chromium can be found."""
    from playwright.sync_api import Error

    try:
        return shared.launch_chromium(playwright)
    except Error as error:
        message = (
            "No Chromium for the browser tests: install Debian's `chromium` package or set "
            f"PLAYWRIGHT_CHROMIUM to a Chromium binary.\n{str(error)[:400]}"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def served(built_site) -> Iterator[str]:
    """Base URL of the built site on a local server: http://127.0.0.1:PORT/guide/."""
    with serve(built_site.parent) as root:
        yield f"{root}{shared.site_path()}/"


@pytest.fixture(scope="session")
def page_paths(built_site) -> list[str]:
    return sitemap_pages(built_site)


def is_notebook(site: Path, path: str) -> bool:
    return "jupyter-wrapper" in (site / path / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def context(browser):
    """A fresh light-mode browser context (no stored tab choice), closed after the test."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light", reduced_motion="reduce")
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def screenshot_dir() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
