"""Every internal link and #anchor in the built site resolves, checked offline by lychee.

MkDocs validates links written in Markdown; lychee also covers what templates, notebooks and
plugins emit. The site is checked where it will be served (under /guide/), so root-relative
links such as the 404 page's resolve as they will on GitHub Pages.
"""

import subprocess
from pathlib import Path

from conftest import BIN


def lychee(site: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "lychee", "--offline", "--include-fragments", "--no-progress",
         # A link to a page's folder (topics/compilation/#x) means its index.html, as on a server.
         "--index-files", "index.html",
         "--root-dir", str(site.parent), *extra, "--", f"{site}/**/*.html"],
        capture_output=True, text=True, timeout=300,
    )


def test_internal_links_and_anchors_resolve(built_site):
    result = lychee(built_site)
    assert result.returncode == 0, f"Broken links or anchors in the built site:\n{result.stdout}"


def test_link_checker_catches_a_broken_anchor(built_site, tmp_path):
    # Guards the check above against passing vacuously (a glob matching nothing, say).
    site = tmp_path / "guide"
    site.mkdir()
    (site / "index.html").write_text('<a href="#there">x</a><a href="other.html">y</a>')
    result = lychee(site)
    assert result.returncode != 0
    assert "other.html" in result.stdout and "#there" in result.stdout
