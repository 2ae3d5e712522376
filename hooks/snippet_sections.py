"""Refuse sample files whose snippet sections do not pair up.

Pages include code by section: ``--8<-- "topics/compilation/jax.py:jit"`` takes the lines
between ``# --8<-- [start:jit]`` and ``# --8<-- [end:jit]``. pymdownx.snippets accepts a section
that is never closed and includes the rest of the file (asserts and ``results`` too), ignores an end
without a start, and shows only the first of two sections with one name, all without a warning.
Before each build this hook reads every file under the snippet base paths and stops the build
with the file, the line and the fix.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from pymdownx.snippets import SnippetPreprocessor
from shared import project_path, project_root  # MkDocs puts a hook's folder on sys.path

# The extension's own marker pattern, so this check reads markers exactly as the includes do.
MARKER = SnippetPreprocessor.RE_SNIPPET_SECTION


def section_problems(text: str, path: str) -> list[str]:
    """One message per unpaired or repeated section marker in ``text`` (the file ``path``)."""
    problems: dict[int, str] = {}  # line -> message, reported in line order
    started: dict[str, tuple[int, str]] = {}  # open section -> its start line and end marker
    ended: dict[str, int] = {}  # closed section -> its end line
    first_start: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line) if "8<-" in line else None
        if match is None or match["escape"]:  # ;--8<-- is an escaped marker, shown as text
            continue
        name, where = match["name"], f"{path}:{number}: snippet section '{match['name']}'"
        # The fix is spelled in this file's own comment style (# in Python, <!-- --> in HTML).
        start, end = (
            f"{match['pre']}{match['inline_marker']}[{kind}:{name}]{match['post']}".strip()
            for kind in ("start", "end")
        )
        if match["type"].lower() == "start":
            if name in first_start:
                problems[number] = (
                    f"{where} starts again (it first starts on line {first_start[name]}); pages "
                    "would only ever show the first one. Give one of the two sections another name."
                )
            first_start.setdefault(name, number)
            started.setdefault(name, (number, end))
        elif name in started:
            ended[name] = number
            del started[name]
        elif name in ended:
            problems[number] = (
                f"{where} ends again (it already ended on line {ended[name]}). Remove this line, "
                "or rename the section it was meant to close."
            )
        else:
            problems[number] = (
                f"{where} ends here but never starts. Add '{start}' where the section begins, or "
                "remove this line."
            )
    for name, (number, end) in started.items():
        problems[number] = (
            f"{path}:{number}: snippet section '{name}' starts here but never ends, so a page "
            f"including it shows the rest of the file. Add '{end}' after its last line."
        )
    return [problems[number] for number in sorted(problems)]


def snippet_files(config) -> list[Path]:
    """Every file under pymdownx.snippets' base paths (relative to the project root)."""
    root = project_root(config)
    bases = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    found = set()
    for base in [bases] if isinstance(bases, str) else bases:
        folder = root / base
        if folder.is_file():
            found.add(folder)
        elif folder.is_dir():
            found.update(
                path for path in folder.rglob("*")
                if path.is_file() and not any(part.startswith((".", "__")) for part in
                                              path.relative_to(folder).parts)
            )
    return sorted(found)


def on_pre_build(config):
    problems = []
    for path in snippet_files(config):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # not text, so not a snippet source
        problems += section_problems(text, project_path(path, config))
    if problems:
        raise PluginError("\n".join(problems))
