"""Expand ``<!-- md:compare SECTION -->`` into linked framework tabs, each with what it printed.

A page's samples live in ``examples/`` at the page's own path without ``.md``
(docs/topics/compilation.md: examples/topics/compilation/); pages of a section that share one
sample set use the section's folder (docs/frameworks/jax.md: examples/frameworks/). The line

    <!-- md:compare grad -->

becomes one tab per framework file in that folder that defines the snippet section ``grad``, in
the site's order and spelling (hooks/tabs.py), each holding the section's code and, under it, the
section's stored output from ``<framework>.out`` beside the sample (tools/run_sample.py writes
it; a section that prints nothing shows no output). ``only=pytorch`` (or ``only=tensorflow,keras``)
shows those frameworks alone. Anything the hook cannot expand stops the build with the page,
the line and the fix, in the style of Material's own shortcodes hook.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from pymdownx.snippets import SnippetPreprocessor

# MkDocs puts a hook's folder on sys.path: the labels and helpers are the ones the checks use.
from shared import front_matter_lines, page_source, project_root
from tabs import FENCE, FRAMEWORK_LABELS

EXAMPLES = "examples"  # a pymdownx.snippets base path: includes are written relative to it
FRAMEWORKS = {label.lower(): label for label in FRAMEWORK_LABELS}  # file stem -> tab label
MARKER = SnippetPreprocessor.RE_SNIPPET_SECTION  # read sections exactly as the includes do
SHORTCODE = re.compile(r"<!--\s*md:(?P<name>[\w-]*)(?P<args>.*?)-->")
CODE_SPAN = re.compile(r"(`+).+?\1")  # a shortcode written in `code` is an example, not a call
USAGE = "<!-- md:compare SECTION -->, or <!-- md:compare SECTION only=pytorch -->"


class Refused(PluginError):
    """A shortcode the hook cannot expand; the message names the fix."""


def sections(path: Path) -> dict[str, list[str]]:
    """Section name -> its lines, for every section in the file at ``path`` (nested ones too)."""
    found: dict[str, list[str]] = {}
    open_: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = MARKER.match(line) if "8<-" in line else None
        if match and not match["escape"]:
            name = match["name"]
            if match["type"].lower() == "start":
                open_.append(name)
                found.setdefault(name, [])
            elif name in open_:
                open_.remove(name)
            continue
        for name in open_:
            found[name].append(line)
    return found


def sample_folder(src_uri: str, root: Path) -> Path | None:
    """The page's own folder under examples/, else its section's (shared) folder, else None."""
    page = Path(src_uri).with_suffix("")
    for folder in (page, page.parent):
        if folder != Path(".") and any((root / EXAMPLES / folder).glob("*.py")):
            return root / EXAMPLES / folder
    return None


def parse_args(args: str, where: str) -> tuple[str, list[str] | None]:
    """The section name and the ``only=`` frameworks (None: every framework that has it)."""
    section, only = None, None
    for word in args.split():
        key, equals, value = word.partition("=")
        if equals and key == "only":
            only = [name.strip().lower() for name in value.split(",") if name.strip()]
            unknown = [name for name in only if name not in FRAMEWORKS]
            if unknown or not only:
                raise Refused(
                    f"{where}: only={value} names no framework file. Write only= with one or "
                    f"more of {', '.join(FRAMEWORKS)}, separated by commas."
                )
        elif equals or section is not None:
            raise Refused(
                f"{where}: md:compare does not understand '{word}'. Write {USAGE}."
            )
        else:
            section = word
    if section is None:
        raise Refused(f"{where}: md:compare needs the name of a snippet section. Write {USAGE}.")
    return section, only


def expand(section: str, only: list[str] | None, folder: Path, root: Path, where: str,
           indent: str) -> list[str]:
    """The tab group's Markdown lines for ``section`` of the samples in ``folder``."""
    relative = folder.relative_to(root / EXAMPLES).as_posix()
    shown = f"{EXAMPLES}/{relative}/"
    files = [stem for stem in FRAMEWORKS if (folder / f"{stem}.py").is_file()]
    defined = {stem: sections(folder / f"{stem}.py") for stem in files}
    having = [stem for stem in files if section in defined[stem]]
    if not having:
        known = sorted({name for found in defined.values() for name in found})
        close = difflib.get_close_matches(section, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise Refused(
            f"{where}: no sample in {shown} defines snippet section '{section}'.{hint} Sections "
            f"there: {', '.join(known) or 'none'}. Fix the name, or mark the section in the "
            f"samples: # --8<-- [start:{section}] ... # --8<-- [end:{section}]."
        )
    if only is None:
        if len(having) == 1:
            raise Refused(
                f"{where}: only {shown}{having[0]}.py defines snippet section '{section}', and a "
                "comparison needs at least two frameworks. Add the section to another "
                "framework's sample, or, if the snippet is meant for one framework, write "
                f"<!-- md:compare {section} only={having[0]} -->."
            )
        chosen = having
    else:
        missing = [stem for stem in only if stem not in having]
        if missing:
            raise Refused(
                f"{where}: only= names {', '.join(missing)}, but {shown} has no "
                f"{', '.join(f'{stem}.py' for stem in missing)} defining snippet section "
                f"'{section}' (defined by: {', '.join(f'{s}.py' for s in having)}). Fix only=, "
                "or add the section to that sample."
            )
        chosen = [stem for stem in FRAMEWORKS if stem in only]  # the site's order, always
    lines: list[str] = [""]
    for number, stem in enumerate(chosen):
        # ===! starts a new group, so two comparisons in a row never merge into one.
        lines += [f'==={"!" if number == 0 else ""} "{FRAMEWORKS[stem]}"', "",
                  "    ```python", f'    --8<-- "{relative}/{stem}.py:{section}"', "    ```", ""]
        stored = folder / f"{stem}.out"
        printed = sections(stored).get(section) if stored.is_file() else None
        if printed:
            runs = [len(run) for line in printed for run in re.findall("`+", line)]
            longest = max(runs, default=0)
            fence = "`" * max(3, longest + 1)  # longer than any backtick run in the output
            lines += [f'    {fence}text title="Output"',
                      *(f"    {line}".rstrip() for line in printed), f"    {fence}", ""]
    return [f"{indent}{line}".rstrip() for line in lines]


def expand_page(markdown: str, src_uri: str, source: str, root: Path, first_line: int = 1) -> str:
    """``markdown`` with every shortcode line expanded; ``source`` names the page in errors."""
    out: list[str] = []
    fence = ""
    for index, line in enumerate(markdown.splitlines()):
        where = f"{source}:{first_line + index}"
        stripped = line.strip()
        if fence:  # a shortcode inside a fenced code block is an example: leave it
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = ""
            out.append(line)
            continue
        if opening := FENCE.match(line):
            fence = opening["fence"]
        calls = list(SHORTCODE.finditer(CODE_SPAN.sub("", line)))
        if not calls:
            out.append(line)
            continue
        call = calls[0]
        if call["name"] != "compare":
            raise Refused(
                f"{where}: unknown shortcode 'md:{call['name']}'. Pages use md:compare: {USAGE} "
                "(and the How we know pages alone <!-- md:claims -->, which hooks/evidence.py "
                "expands)."
            )
        if len(calls) > 1 or stripped != call.group(0).strip():
            raise Refused(
                f"{where}: md:compare must stand on a line of its own (it becomes a tab group). "
                "Move it to its own line, indented as the block it belongs to."
            )
        section, only = parse_args(call["args"], where)
        folder = sample_folder(src_uri, root)
        if folder is None:
            page = Path(src_uri).with_suffix("").as_posix()
            raise Refused(
                f"{where}: this page has no sample folder. Put its samples in "
                f"{EXAMPLES}/{page}/ (pytorch.py, tensorflow.py, jax.py; see CONTRIBUTING.md, "
                "'Add a code sample')."
            )
        indent = line[: len(line) - len(line.lstrip(" "))]
        out += expand(section, only, folder, root, where, indent)
    return "\n".join(out) + ("\n" if markdown.endswith("\n") else "")


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    return expand_page(markdown, page.file.src_uri, page_source(page, config),
                       project_root(config), first_line=1 + front_matter_lines(page, markdown))
