"""Refuse a page that shows an image the site does not have, where MkDocs would not notice.

MkDocs checks Markdown images (``![alt](x.png)``) on Markdown pages. It does not look inside raw
HTML (``<img src="x.png">``), and it never sees notebook Markdown cells, which mkdocs-jupyter
renders with nbconvert. Such a broken image shows up only in the link check of the built site,
named by its built path. This hook resolves those images as the browser and mkdocs-jupyter will
and stops the build with the source file, the line and the fix.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from shared import front_matter_lines, page_source  # MkDocs puts a hook's folder on sys.path

HTML_IMAGE = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)")
FENCE = re.compile(r"^ *(`{3,}|~{3,})")
# A code span ends at a blank line at the latest; a comment may span lines.
CODE_SPAN = re.compile(r"(`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)\1(?!`)", re.DOTALL)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _without_code(text: str) -> str:
    """``text`` with fenced blocks, code spans and HTML comments blanked, line numbers kept:
    an <img> tag there is shown or hidden, never loaded."""
    lines, fence = [], ""
    for line in text.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = ""
            lines.append("")
        elif opening := FENCE.match(line):
            fence = opening[1]
            lines.append("")
        else:
            lines.append(line)
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match[0])

    return COMMENT.sub(blank, CODE_SPAN.sub(blank, "\n".join(lines)))


def image_sources(text: str, markdown_images: bool) -> list[tuple[int, str]]:
    """(line, src) of each relative image in ``text``; Markdown images too if asked."""
    text = _without_code(text)
    found = [(match.start(), match[1] if match[1] is not None else match[2])
             for match in HTML_IMAGE.finditer(text)]
    if markdown_images:
        found += [(match.start(), match[1]) for match in MARKDOWN_IMAGE.finditer(text)]
    relative = []
    for offset, src in sorted(found):
        url = urlsplit(src.strip())
        if url.scheme or url.netloc or not url.path or url.path.startswith("/"):
            continue  # data: and attachment: are inline; the link and self-containment tests
            # check other hosts and root-relative paths in the built site
        relative.append((text.count("\n", 0, offset) + 1, src.strip()))
    return relative


def _site_urls(files) -> set[str]:
    return {file.url for file in files if not file.inclusion.is_excluded()}


def _page_dir(page) -> str:
    return page.url if page.url.endswith("/") or not page.url else posixpath.dirname(page.url) + "/"


def missing_in_page(markdown: str, page, files) -> list[tuple[int, str]]:
    """Raw HTML images on a Markdown page: the browser resolves them against the page's URL."""
    urls, problems = _site_urls(files), []
    for line, src in image_sources(markdown, markdown_images=False):
        target = posixpath.normpath(posixpath.join(_page_dir(page), unquote(urlsplit(src).path)))
        if target in urls:
            continue
        # What the author probably meant: the path relative to the .md file, as in Markdown.
        meant = files.get_file_from_path(posixpath.normpath(
            posixpath.join(posixpath.dirname(page.file.src_uri), unquote(urlsplit(src).path))
        ))
        fix = (
            f"In raw HTML a path is relative to the page's URL (/{page.url}), not to the .md "
            f'file: write src="{get_relative_url(meant.url, page.url)}"'
            if meant is not None else "Add the image under docs/ or fix the path"
        )
        problems.append((line, f"image '{src}' is not in the site (it would load /{target}). "
                               f"{fix}"))
    return problems


def missing_in_notebook(path: Path, page, files) -> list[tuple[int, int, str]]:
    """Images in a notebook's Markdown cells. mkdocs-jupyter points a path that names a file
    next to the notebook at that file's page-relative URL and leaves any other path as written."""
    sources = {Path(file.abs_src_path).resolve() for file in files
               if file.abs_src_path and not file.inclusion.is_excluded()}
    urls, problems = _site_urls(files), []
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    markdown_cells = [cell for cell in cells if cell.get("cell_type") == "markdown"]
    for number, cell in enumerate(markdown_cells, start=1):
        for line, src in image_sources("".join(cell.get("source", "")), markdown_images=True):
            relative = unquote(urlsplit(src).path).removeprefix("files/")  # nbconvert drops it
            if (path.parent / relative).resolve() in sources or posixpath.normpath(
                    posixpath.join(_page_dir(page), relative)) in urls:
                continue
            problems.append((number, line, (
                f"image '{src}' is not in the site. Put the image in {path.parent.name}/ and give "
                "its path relative to the notebook, or fix the path"
            )))
    return problems


def on_page_markdown(markdown, page, config, files):
    source = page_source(page, config)
    if page.file.src_uri.endswith(".ipynb"):
        found = missing_in_notebook(Path(page.file.abs_src_path), page, files)
        problems = [f"{source} (Markdown cell {cell}, line {line}): {problem}."
                    for cell, line, problem in found]
    elif page.file.src_uri.endswith(".md"):
        skipped = front_matter_lines(page, markdown)
        problems = [f"{source}:{line + skipped}: {problem}."
                    for line, problem in missing_in_page(markdown, page, files)]
    else:
        problems = []
    if problems:
        raise PluginError("\n".join(problems))
    return markdown
