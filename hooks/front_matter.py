"""Check each Markdown page's front matter, which MkDocs would otherwise ignore when malformed.

MkDocs drops a YAML block it cannot parse without a word and renders it as text. Every page also
needs a ``description``: it is the page's summary for search engines, link previews and llms.txt.
"""

from __future__ import annotations

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import YAML_RE

ALLOWED = {
    "title": str, "description": str, "hide": list, "search": dict, "icon": str,
    "keywords": list,  # words readers search for that the page does not use (hooks/search_terms.py)
    "toc_depth": int,  # deepest heading level the page's table of contents lists (on_page_context)
}
# One rule for every page's description, Markdown or notebook (hooks/notebooks.py uses it too).
DESCRIPTION_LENGTH = (20, 200)


def description_problem(description) -> str | None:
    """What a page description lacks, or None when it is a usable summary."""
    length = len(" ".join(str(description or "").split()))
    shortest, longest = DESCRIPTION_LENGTH
    if shortest <= length <= longest:
        return None
    return f"a 'description' of {shortest} to {longest} characters (it has {length})"


def check_front_matter(source: str, path: str) -> None:
    match = YAML_RE.match(source)
    if not match:
        raise PluginError(
            f"{path}: no front matter. Start the page with a block such as\n"
            "---\ndescription: One sentence saying what this page answers.\n---"
        )
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise PluginError(f"{path}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise PluginError(f"{path}: front matter must be 'key: value' lines.")
    for key, value in meta.items():
        if key not in ALLOWED:
            raise PluginError(
                f"{path}: unknown front matter key {key!r}; allowed: {', '.join(ALLOWED)}."
            )
        if not isinstance(value, ALLOWED[key]):
            raise PluginError(
                f"{path}: front matter {key!r} must be a {ALLOWED[key].__name__}."
            )
    if problem := description_problem(meta.get("description")):
        raise PluginError(f"{path}: front matter needs {problem}.")


def on_pre_page(page, config, files):
    if page.file.src_uri.endswith(".md"):
        with open(page.file.abs_src_path, encoding="utf-8-sig") as source:
            check_front_matter(source.read(), page.file.src_uri)
    return page


def on_page_context(context, page, config, nav):
    """A page's ``toc_depth`` trims its table of contents, which Material renders twice in every
    page (sidebar and phone drawer): the Rosetta stone's 80 operations are listed by its table."""
    if depth := page.meta.get("toc_depth"):
        trim(page.toc, depth)
    return context


def trim(links, depth: int) -> None:
    for link in links:
        if link.level >= depth:
            link.children = []
        else:
            trim(link.children, depth)
