"""Fixtures for the browser tests: Chromium driven by Playwright, and the built site served locally.

The site is served from 127.0.0.1 on a free port, under /guide/ as GitHub Pages serves it, by
tools/static_server.py (gzip and the site's 404 page, like GitHub Pages). The browser is the
system's Chromium (Debian's package, or PLAYWRIGHT_CHROMIUM); `playwright install` is not needed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, SITE_PATH
from site_pages import sitemap_pages

sys.path.insert(0, str(ROOT / "tools"))
from static_server import serve

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str | None:
    """The system Chromium, or None to let Playwright use one it manages (a contributor's setup)."""
    return os.environ.get("PLAYWRIGHT_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser") or shutil.which("google-chrome")


def launch(playwright):
    """Start Chromium; skip the test (fail it on CI) when no Chromium can be found."""
    from playwright.sync_api import Error

    try:
        return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
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
        yield f"{root}{SITE_PATH}/"


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
