"""Check each Markdown page's front matter, which MkDocs would otherwise ignore when malformed.

MkDocs drops a YAML block it cannot parse without a word and renders it as text. Every page also
needs a ``description``: it is the page's summary for search engines, link previews and llms.txt.
"""

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import YAML_RE

ALLOWED = {"title": str, "description": str, "hide": list, "search": dict, "icon": str}


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
    description = meta.get("description", "")
    if not 20 <= len(description.strip()) <= 200:
        raise PluginError(
            f"{path}: front matter needs a 'description' of 20 to 200 characters "
            f"(it has {len(description.strip())})."
        )


def on_pre_page(page, config, files):
    if page.file.src_uri.endswith(".md"):
        with open(page.file.abs_src_path, encoding="utf-8-sig") as source:
            check_front_matter(source.read(), page.file.src_uri)
    return page
