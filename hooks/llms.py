"""Fill mkdocs-llmstxt's sections from the nav, with each page's description.

llms.txt lists every page under the nav's top-level sections, and the plugin writes a Markdown
copy of each listed page next to its HTML (topics/compilation/index.md). Deriving the list from
the nav means a new page appears there without editing mkdocs.yml twice; tests/test_site_meta.py
checks that every page of the sitemap is listed and has its Markdown copy. A Markdown page's
description is in its front matter, a notebook's in its metadata (hooks/front_matter.py and
hooks/notebooks.py refuse a page without one).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority
from mkdocs.utils.meta import YAML_RE
from shared import project_root  # MkDocs puts a hook's folder on sys.path

HOME_SECTION = "Start here"


def _description(docs_dir: str, src: str, mounts: dict[str, Path] | None = None) -> str:
    path = Path(docs_dir) / src
    for mount, folder in (mounts or {}).items():
        if not path.is_file() and src.startswith(f"{mount}/"):
            path = folder / src.removeprefix(f"{mount}/")
    if not path.is_file():
        return ""
    try:
        if path.suffix == ".ipynb":
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata")
        elif path.suffix == ".md":
            match = YAML_RE.match(path.read_text(encoding="utf-8-sig"))
            meta = yaml.safe_load(match.group(1)) if match else None
        else:
            return ""
    except (ValueError, yaml.YAMLError):
        return ""  # the front matter and notebook hooks report a broken file with its name
    return " ".join(str(meta.get("description", "")).split()) if isinstance(meta, dict) else ""


def notebook_mounts(config) -> dict[str, Path]:
    """mkdocs-jupyter's notebook_dirs: site folder -> source folder outside docs/."""
    plugin = config.plugins.get("mkdocs-jupyter")
    root = project_root(config)
    mapping = plugin.config["notebook_dirs"] if plugin is not None else {}
    return {mount.strip("/"): root / folder for mount, folder in mapping.items()}


def _pages(entries) -> list[str]:
    """Source paths in a nav subtree, in nav order (external links are skipped)."""
    found: list[str] = []
    for entry in entries if isinstance(entries, list) else [entries]:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += _pages(value)
        elif isinstance(value, str) and "://" not in value:
            found.append(value)
    return found


def sections_from_nav(
    nav: list, docs_dir: str, mounts: dict[str, Path] | None = None
) -> dict[str, list[dict[str, str]]]:
    sections: dict[str, list[dict[str, str]]] = {}
    for entry in nav or []:
        title, value = next(iter(entry.items())) if isinstance(entry, dict) else (None, entry)
        name = title if isinstance(value, list) else HOME_SECTION
        for src in _pages(value):
            sections.setdefault(name, []).append({src: _description(docs_dir, src, mounts)})
    return sections


@event_priority(50)  # before the plugin's own on_files, which expands the sections
def on_files(files, config):
    plugin = config.plugins.get("llmstxt")
    if plugin is not None:
        plugin.config["sections"] = sections_from_nav(
            config.nav, config.docs_dir, notebook_mounts(config)
        )
    return files
