"""The theme overrides stay in step with the installed Material, and the build publishes none of
the build's own templates.

overrides/ extends Material through blocks where Material has one. Where it has none, a partial
is copied and changed in one place; those copies are compared here with the installed theme's
partial, so that a Material upgrade that changes the original fails with the file to re-copy
instead of silently keeping the old markup.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import importlib.util
import re
from pathlib import Path

import pytest

from conftest import ROOT

OVERRIDES = ROOT / "overrides"
# Found without importing the package: importing it prints Material's MkDocs 2 notice.
THEME = Path(importlib.util.find_spec("material").submodule_search_locations[0]) / "templates"
MATERIAL = f"mkdocs-material {importlib.metadata.version('mkdocs-material')}"

# Copies of Material's partials -> the one change each makes (Material's text, ours); each
# file's opening comment says why.
COPIES = {
    "partials/search.html": (
        '<div class="md-search" data-md-component="search" role="dialog">',
        '<div class="md-search" data-md-component="search" role="dialog" '
        "aria-label=\"{{ lang.t('search') }}\">",
    ),
    "partials/source.html": (
        ' class="md-source" data-md-component="source">',
        ' class="md-source">',
    ),
}
# Overrides that shadow a Material template of the same name on purpose, without copying it.
OWN = {
    "main.html": "Material's place for block overrides",
    "404.html": "extends main.html and fills block content",
    "partials/source-file.html": "the date and versions line instead of Material's date line",
}
# Where Material includes the partials above; if it stops, the override silently goes unused.
INCLUDED_BY = {
    "partials/search.html": "partials/header.html",
    "partials/source.html": "partials/header.html",
    "partials/source-file.html": "partials/content.html",
}
LEADING_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)


def body(text: str) -> str:
    """A template without its opening comment (Material's 'generated' note, or our reason)."""
    return LEADING_COMMENT.sub("", text, count=1)


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copied_partial_differs_from_materials_only_by_its_one_change(name):
    ours = OVERRIDES / name
    original, changed = COPIES[name]
    theirs = body((THEME / name).read_text(encoding="utf-8"))
    assert theirs.count(original) == 1, (
        f"overrides/{name}: {MATERIAL}'s {name} no longer contains {original!r}. Copy the "
        f"installed partial again ({THEME / name}), make the change described in the file's "
        "opening comment, and update COPIES in tests/test_overrides.py."
    )
    expected = theirs.replace(original, changed)
    actual = body(ours.read_text(encoding="utf-8"))
    diff = "\n".join(difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), f"{MATERIAL} {name} + the intended change",
        f"overrides/{name}", lineterm=""))
    assert actual == expected, (
        f"overrides/{name} differs from {MATERIAL}'s {name} by more than its one intended "
        f"change. If Material changed, copy its partial again and re-apply the change:\n{diff}"
    )


def test_every_shadowed_material_template_is_accounted_for():
    shadowing = sorted(
        path.relative_to(OVERRIDES).as_posix() for path in OVERRIDES.rglob("*")
        if path.is_file() and (THEME / path.relative_to(OVERRIDES)).is_file()
    )
    unknown = [name for name in shadowing if name not in COPIES and name not in OWN]
    assert not unknown, (
        f"overrides/ replaces Material's {unknown}: override a block in overrides/main.html "
        "instead, or list the file in COPIES (a copy with one change, compared with Material's) "
        "or OWN in tests/test_overrides.py."
    )


@pytest.mark.parametrize("name", sorted(INCLUDED_BY))
def test_material_still_includes_the_overridden_partial(name):
    includer = INCLUDED_BY[name]
    text = (THEME / includer).read_text(encoding="utf-8")
    assert f'{{% include "{name}" %}}' in text, (
        f"overrides/{name}: {MATERIAL}'s {includer} no longer includes {name}, so the override "
        "is not used. Find where Material renders that part now and override that instead."
    )


def test_built_site_publishes_no_build_templates(built_site):
    strays = sorted(path.relative_to(built_site).as_posix() for path in built_site.rglob("*.j2"))
    assert not strays, (
        f"the built site contains {strays}: a template in overrides/ that is not an .html file "
        "is published as a file of the site. Keep build templates outside overrides/."
    )


def test_pages_show_the_versions_line_in_place_of_materials_date(built_site):
    page = (built_site / "topics" / "compilation" / "index.html").read_text(encoding="utf-8")
    assert page.count('<aside class="verified-with" aria-label="Versions">') == 1
    assert "Last updated" in page and "Code on this site is tested with" in page
    assert "md-source-file" not in page, "Material's own date line is rendered as well"
