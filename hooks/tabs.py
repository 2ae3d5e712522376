"""Refuse framework tabs that Material would not link across the site.

With ``content.tabs.link``, choosing "JAX" in one tab group selects "JAX" in every group, matched
by the label's exact text. A label spelled ``Pytorch`` therefore never follows the others, and a
tab whose content is not indented renders empty while its code shows below the whole group; the
build accepts both without a word. This hook reads each page's Markdown and stops the build with
the page, the line and the fix when a framework label is misspelled, when framework tabs in one
group are out of the site's order, or when a tab has no indented content. Other labels (``Linux``)
and labels that extend a framework's name (``TensorFlow.js``, ``Keras 3``) are left alone.
"""

from __future__ import annotations

import difflib
import re

from mkdocs.exceptions import PluginError
from shared import front_matter_lines, page_source  # MkDocs puts a hook's folder on sys.path

# The framework tab labels, spelled and ordered as every tab group on the site uses them.
FRAMEWORK_LABELS = ("PyTorch", "TensorFlow", "JAX", "Keras", "Flax")

# pymdownx.tabbed's own start line (its TabbedProcessor.START), anchored to a whole raw line.
TAB = re.compile(r'^(?P<indent> *)===(?P<special>\+|\+!|!\+|!)? +"(?P<label>.*?)" *$')
FENCE = re.compile(r"^ *(?P<fence>`{3,}|~{3,})")
# A name followed by more text is a different label on purpose (TensorFlow.js, Keras 3).
EXTENDED = re.compile(rf"(?:{'|'.join(FRAMEWORK_LABELS)})\W.*")
NEAR_MISS = 0.8  # difflib ratio: catches Pytroch, Tensorflw, Kears; leaves Flux and Max alone
ORDER = ", ".join(FRAMEWORK_LABELS)


def intended_label(label: str) -> str | None:
    """The framework label ``label`` looks like a misspelling of, or None."""
    if label in FRAMEWORK_LABELS:
        return None
    key = " ".join(label.split())
    if EXTENDED.fullmatch(key):
        return None
    by_lower = {name.lower(): name for name in FRAMEWORK_LABELS}
    if key.lower() in by_lower:
        return by_lower[key.lower()]
    close = difflib.get_close_matches(key.lower(), by_lower, n=1, cutoff=NEAR_MISS)
    return by_lower[close[0]] if close else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def check_tabs(markdown: str, path: str, first_line: int = 1) -> None:
    """Raise PluginError naming ``path`` and the line of the first bad tab in ``markdown``."""
    lines = [line.expandtabs(4) for line in markdown.splitlines()]
    fence = ""
    groups: dict[int, list[str]] = {}  # indent of an open tab group -> its framework labels
    for index, line in enumerate(lines):
        where = f"{path}:{first_line + index}"
        stripped = line.strip()
        if fence:  # inside a fenced code block a === line is code
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = ""
            continue
        if not stripped:
            continue
        indent = _indent(line)
        tab = TAB.match(line)
        # A line at or left of a group's indent ends that group (a tab line continues its own).
        for level in [level for level in groups if level > indent or (level == indent and not tab)]:
            del groups[level]
        if opening := FENCE.match(line):
            fence = opening["fence"]
        if not tab:
            continue
        label = tab["label"]
        following = next((lines[n] for n in range(index + 1, len(lines)) if lines[n].strip()), None)
        if following is None or _indent(following) < indent + 4:
            raise PluginError(
                f'{where}: tab "{label}" has no content: the next line is not indented under it, '
                "so the tab renders empty and its content shows below the whole tab group. "
                f"Indent the tab's content {indent + 4} spaces (4 more than its === line)."
            )
        if right := intended_label(label):
            raise PluginError(
                f'{where}: tab label "{label}" is not the label the rest of the site uses, so '
                f'Material will not link this tab with the others. Write it exactly "{right}".'
            )
        if "!" in (tab["special"] or ""):  # ===! starts a new group
            groups.pop(indent, None)
        group = groups.setdefault(indent, [])
        if label not in FRAMEWORK_LABELS:
            continue
        if label in group:
            raise PluginError(
                f'{where}: tab "{label}" appears twice in one tab group. Remove one, or start a '
                f'new group with ===! "{label}".'
            )
        rank = FRAMEWORK_LABELS.index
        later = [name for name in group if rank(name) > rank(label)]
        if later:
            raise PluginError(
                f'{where}: tab "{label}" comes after "{later[0]}" in its tab group. Order '
                f"framework tabs {ORDER}."
            )
        group.append(label)


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    check_tabs(markdown, page_source(page, config),
               first_line=1 + front_matter_lines(page, markdown))
    return markdown
