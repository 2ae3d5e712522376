"""Serve a notebook's rendered HTML from a cache while the notebook and its template are unchanged.

mkdocs-jupyter converts every notebook on every build, twice (the HTML, and Markdown for the
table of contents), and turns its own cache off when a ``custom_template`` is set, as this site
does. Unchanged notebooks are the rule, so this hook keeps each conversion's result in
``.cache/notebook-html/`` (gitignored) under a hash of everything the result depends on: the
notebook's bytes and path, the arguments the plugin passes (its settings: template path,
exporter options, highlighting, ...), the template file's bytes, and the versions of the
packages that render. A changed notebook, template, setting or package renders afresh. Images a
Markdown cell embeds are re-checked by their hash before a cached page is used. Entries no build
used are removed at the end of a build.

What this depends on in mkdocs-jupyter (0.27): its plugin calls ``mkdocs_jupyter.convert.nb2html``
and ``mkdocs_jupyter.convert.nb2md`` through that module at render time, with keyword arguments
only (``custom_template`` among them for nb2html), and nb2html fills the ``image_dependencies``
dict it is given with {absolute image path: sha256 of its bytes, or None}. This hook replaces
those two module attributes with caching wrappers of the originals; nothing else is touched.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import tempfile
from pathlib import Path

from shared import project_root  # MkDocs puts a hook's folder on sys.path

FORMAT = "1"  # bump when what is stored changes
RENDERERS = ("mkdocs-jupyter", "nbconvert", "mistune", "pygments", "jupytext")
FOLDER = Path(".cache") / "notebook-html"
CONVERTERS = ("nb2html", "nb2md")

_used: set[Path] = set()  # cache files this build read or wrote


def _versions() -> str:
    found = []
    for name in RENDERERS:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ",".join(found)


def _digest(path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def cache_key(name: str, nb_path, kwargs: dict) -> str:
    """What a conversion's result depends on, hashed."""
    settings = {key: value for key, value in kwargs.items() if key != "image_dependencies"}
    template = settings.get("custom_template")
    parts = [FORMAT, name, _versions(), os.path.abspath(nb_path), _digest(nb_path) or "",
             repr(sorted(settings.items())), (_digest(template) or "") if template else ""]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def cached(name: str, convert, folder: Path, used: set[Path]):
    """``convert`` (nb2html or nb2md, called as convert(nb_path, **settings)) with its results
    kept in ``folder``; every cache file it reads or writes is added to ``used``."""

    @functools.wraps(convert)
    def wrapper(nb_path, **kwargs):
        path = folder / f"{cache_key(name, nb_path, kwargs)}.json"
        used.add(path)
        images = kwargs.get("image_dependencies")  # nb2html fills it; the plugin passes {}
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = None
        if entry is not None and all(
                _digest(image) == digest for image, digest in entry["images"].items()):
            if images is not None:
                images.update(entry["images"])
            return entry["result"]
        result = convert(nb_path, **kwargs)
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a build running alongside never reads half a file.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp",
                                         delete=False) as out:
            json.dump({"result": result, "images": dict(images or {})}, out)
        os.replace(out.name, path)
        return result

    return wrapper


def on_config(config):
    from mkdocs_jupyter import convert

    if config.plugins.get("mkdocs-jupyter") is None:
        return config
    folder = project_root(config) / FOLDER
    for name in CONVERTERS:
        # `mkdocs serve` runs this again on every rebuild: wrap the original, not a wrapper.
        current = getattr(convert, name)
        setattr(convert, name, cached(name, getattr(current, "__wrapped__", current), folder,
                                      _used))
    return config


def on_pre_build(config):
    _used.clear()


def on_post_build(config):
    folder = project_root(config) / FOLDER
    if not _used or not folder.is_dir():
        return
    for stale in set(folder.glob("*.json")) - _used:
        stale.unlink(missing_ok=True)
