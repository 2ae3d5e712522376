"""Evidence for every statement that could be false for another version or date.

A statement carries a Markdown footnote whose definition says how we know it, in one of two kinds:

    Dynamo breaks the graph at a `print` (PyTorch 2.15).[^print-break]

    [^print-break]: tested: pytorch.py:print_break
    [^serve]: cited: [pytorch/serve](https://github.com/pytorch/serve), checked 2026-11-30

*Tested* names a snippet section of a sample (relative to the page's sample folder, or to
examples/ when it has a slash) whose ``assert``s prove the statement; the test suite runs it.
*Cited* names a primary source and the day it was read. Before each build this hook reads every
page and notebook, refuses a marker it cannot verify and a dated sentence without one, then:

- renders each definition as a line a reader understands (the footnote tooltip shows it beside
  the sentence; the list at the page's end links to "How we know");
- expands ``<!-- md:claims -->`` on "How we know" into a table of claims per framework, and
  ``<!-- md:claims pytorch -->`` (one page per framework beside it) into that framework's claims;
- publishes ``claims.json`` at the site root: page, text, kind, evidence and, for cited claims, the
  date checked.

Notebooks cannot carry footnotes (nbconvert renders their Markdown). A sentence of a notebook's
Markdown cell cites inline instead, a link followed by ``(checked YYYY-MM-DD)``; what the cells
print is checked by re-running them (tests/test_notebooks.py). Sentences the dated-sentence check
must let through are listed, each with its reason, in hooks/evidence_exceptions.yml.
"""

from __future__ import annotations

import datetime
import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# MkDocs puts a hook's folder on sys.path: samples are found and read as md:compare reads them.
from compare import EXAMPLES, sample_folder, sections
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils.meta import YAML_RE
from shared import project_root
from tabs import FENCE

EXCEPTIONS_FILE = "hooks/evidence_exceptions.yml"
HOW_WE_KNOW = "reference/how-we-know/index.md"
CLAIMS_SHORTCODE = re.compile(r"^<!-- md:claims(?:\s+(?P<group>[\w-]+))? -->$")
USAGE = ("[^id]: tested: pytorch.py:SECTION, or [^id]: cited: [Title](https://...), "
         "checked YYYY-MM-DD")

DEFINITION = re.compile(r"^\[\^(?P<id>[^\]\s]+)\]:[ \t]*(?P<body>.*)$")
REFERENCE = re.compile(r"\[\^(?P<id>[^\]\s]+)\](?!:)")
TESTED = re.compile(r"^tested:\s*(?P<file>[\w./-]+\.py):(?P<section>[\w-]+)\s*$")
CITED = re.compile(r"^cited:\s*\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\),?\s*"
                   r"checked\s+(?P<date>\S+?)\.?\s*$")
ASSERTS = re.compile(r"^\s*(assert\b|raise AssertionError\b)")
# Inline citation in a notebook's Markdown: a link, then "(checked 2026-11-30)".
INLINE_CITATION = re.compile(r"\[(?P<title>[^\]]+)\]\((?P<url>https?://[^)\s]+)\).*?"
                             r"\bchecked (?P<date>\d{4}-\d{2}-\d{2})")

# Words that date a sentence: what it says may stop being true.
DATED = [
    ("as of", re.compile(r"\bas of\b", re.I)),
    ("since <version>", re.compile(r"\bsince\s+(?:[A-Z][\w./-]*\s+)?v?\d", re.I)),
    ("deprecated", re.compile(r"\bdeprecat\w*", re.I)),
    ("archived", re.compile(r"\barchiv(?:ed|ing)\b", re.I)),
    ("no longer", re.compile(r"\bno longer\b", re.I)),
    ("by default", re.compile(r"\bby default\b", re.I)),
    ("the last release", re.compile(r"\b(?:the )?(?:last|latest) release\b", re.I)),
    ("renamed", re.compile(r"\brenam(?:ed|ing)\b", re.I)),
    ("a year", re.compile(r"(?<![\w.])(?:19|20)\d\d(?![\w.]*\d)")),
]
ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|vs|etc|cf|approx)\.$", re.I)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
ATTRIBUTES = re.compile(r"\s*\{[:#.][^}]*\}")
EMPHASIS = re.compile(r"(\*\*|__|\*)(?P<text>\S.*?)\1")
BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|#{1,6}\s|\||!!!|\?\?\?|===|>)")
SKIPPED_LINE = re.compile(r"^\s*(?:#{1,6}\s|<!--|\*\[[^\]]+\]:|\[\^[^\]]+\]:|<[a-zA-Z/])")
FRAMEWORK_GROUPS = {  # How we know groups claims under these headings
    "PyTorch": re.compile(r"\b(?:PyTorch|torch|TorchServe|TorchScript|TorchTPU)\b"),
    "TensorFlow and Keras": re.compile(r"\b(?:TensorFlow|Keras|tf\.|LiteRT|TFLite)", re.I),
    "JAX": re.compile(r"\b(?:JAX|Flax|Optax|Orbax|Grain|jax\.|jnp\.)"),
}
GROUP_OF_STEM = {"pytorch": "PyTorch", "tensorflow": "TensorFlow and Keras",
                 "keras": "TensorFlow and Keras", "jax": "JAX", "flax": "JAX"}
ACROSS = "Across frameworks"


class Refused(PluginError):
    """A marker or sentence the hook cannot accept; the message names the page and the fix."""


@dataclass
class Evidence:
    kind: str  # "tested" or "cited"
    evidence: str  # examples/...py:section, or the URL
    title: str = ""  # cited: the source's title
    checked: str | None = None  # cited: ISO date
    lines: tuple[int, int] | None = None  # tested: the section's lines in its file
    asserts: list[str] = field(default_factory=list)  # tested: the section's assert lines


@dataclass
class Claim:
    page: str  # the page's source path under docs/ (or notebooks/)
    text: str
    kind: str
    evidence: str
    checked: str | None
    group: str
    line: int
    anchor: str  # the marker's id in the built page ("" for notebooks)


# -- reading a page ---------------------------------------------------------------------------


def masked_lines(text: str) -> list[str]:
    """The page's lines with front matter, fenced code and HTML comments blanked (numbers kept)."""
    lines = text.splitlines()
    match = YAML_RE.match(text)
    start = match.group(0).count("\n") if match else 0
    out = [""] * start
    fence, comment = "", False
    for line in lines[start:]:
        stripped = line.strip()
        if fence:
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = ""
            out.append("")
        elif comment:
            comment = "-->" not in line
            out.append("")
        elif opening := FENCE.match(line):
            fence = opening["fence"]
            out.append("")
        elif stripped.startswith("<!--"):
            comment = "-->" not in line
            out.append("")
        else:
            out.append(line)
    return out


def block_around(lines: list[str], index: int) -> tuple[int, int]:
    """First and last line index of the paragraph, list item or table row holding line ``index``."""
    first = index
    while (first > 0 and lines[first - 1].strip() and not BLOCK_START.match(lines[first])
           and not SKIPPED_LINE.match(lines[first - 1])):
        first -= 1
    last = index
    while (last + 1 < len(lines) and lines[last + 1].strip()
           and not BLOCK_START.match(lines[last + 1]) and not SKIPPED_LINE.match(lines[last + 1])):
        last += 1
    return first, last


def block_text(lines: list[str], first: int, last: int) -> str:
    """The block's text on one line, without its list, quote or admonition marker."""
    parts = [lines[first].strip(), *(line.strip() for line in lines[first + 1:last + 1])]
    text = " ".join(parts)
    return re.sub(r"^(?:[-*+]\s+|\d+\.\s+|>\s*)", "", text)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each sentence of ``text`` (code spans never split)."""
    protected = CODE_SPAN.sub(lambda m: "`" + "x" * (len(m.group(0)) - 1), text)
    protected = LINK.sub(lambda m: m.group(0)[: len(m["text"]) + 2] + "x" * (
        len(m.group(0)) - len(m["text"]) - 2), protected)
    spans, start = [], 0
    # A full stop (and the markers after it) ends a sentence when a capital, code, emphasis,
    # a bracket or a link follows; a footnote marker is never the start of the next one.
    ends = r"[.!?:](?:\s*\[\^[^\]]+\])*(?=\s+(?:[A-Z`*(\"]|\[(?!\^)))"
    for match in re.finditer(ends, protected):
        if ABBREVIATIONS.search(protected[start: match.start() + 1]):
            continue
        if match.group(0).startswith(":"):
            continue  # a colon introduces; the sentence goes on
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def plain(text: str) -> str:
    """A sentence as claims.json and How we know show it: links and emphasis as their text,
    no footnote markers, no attribute lists; code spans kept."""
    text = REFERENCE.sub("", text)
    text = LINK.sub(lambda m: m["text"], text)
    text = ATTRIBUTES.sub("", text)
    text = EMPHASIS.sub(lambda m: m["text"], text)
    text = text.strip().strip("|").strip().replace("\\|", "|")  # a table's escaped pipe
    return re.sub(r"\s+", " ", text)


def row_cells(line: str) -> list[str]:
    """The cells of a table row (a | inside code does not split: tables escape it as \\|)."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def table_claim(lines: list[str], index: int, column: int) -> str:
    """A claim made in a table cell, with what the cell means: 'row (column): cell'."""
    line = lines[index]
    pipes = len(re.findall(r"(?<!\\)\|", line[:column]))
    position = pipes - (1 if line.lstrip().startswith("|") else 0)
    cells = row_cells(line)
    header = index
    while header > 0 and lines[header - 1].lstrip().startswith("|"):
        header -= 1
    headers = row_cells(lines[header]) if header != index else []
    cell = plain(cells[position]) if position < len(cells) else ""
    row = plain(cells[0])
    if position == 0:
        return f"{row}: {plain(cells[1])}" if len(cells) > 1 else row
    heading = plain(headers[position]) if position < len(headers) else ""
    return f"{row} ({heading}): {cell}" if heading else f"{row}: {cell}"


def sentence_at(lines: list[str], index: int, column: int) -> str:
    """The sentence (or table cell) that holds the marker at line ``index``, ``column``."""
    line = lines[index]
    if line.lstrip().startswith("|"):
        return table_claim(lines, index, column)
    first, last = block_around(lines, index)
    text = block_text(lines, first, last)
    before = " ".join(part.strip() for part in lines[first:index])
    offset = len(re.sub(r"^(?:[-*+]\s+|\d+\.\s+|>\s*)", "", (before + " " if before else "")))
    offset += len(line[:column].lstrip())
    for start, end in split_sentences(text):
        if start <= offset < end or offset == end:
            return plain(text[start:end])
    return plain(text)


def prose_sentences(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, sentence) for every prose sentence: headings, definitions, abbreviations,
    raw HTML and shortcodes are not prose; table cells count as sentences of their own."""
    found, index = [], 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or SKIPPED_LINE.match(line) or re.match(r"^\s*\|[\s:|-]+\|?\s*$",
                                                                     line):
            index += 1
            continue
        if line.lstrip().startswith("|"):
            for cell in line.strip().strip("|").split("|"):
                found.append((index + 1, cell))
            index += 1
            continue
        first, last = block_around(lines, index)
        text = block_text(lines, first, last)
        text = re.sub(r"^(?:!!!|\?\?\?\+?)\s*\S+(?:\s+\"[^\"]*\")?\s*", "", text)  # admonition
        text = re.sub(r"^===!?\s+\"[^\"]*\"\s*", "", text)  # tab label
        for start, end in split_sentences(text):
            found.append((first + 1, text[start:end]))
        index = last + 1
    return found


def dated_words(sentence: str) -> list[str]:
    """Which of the dated patterns the sentence's prose (not its code or URLs) matches."""
    prose = CODE_SPAN.sub(" ", sentence)
    prose = LINK.sub(lambda m: m["text"], prose)
    prose = ATTRIBUTES.sub("", prose)
    return [name for name, pattern in DATED if pattern.search(prose)]


# -- checking evidence ------------------------------------------------------------------------


def tested_evidence(body: str, src_uri: str, root: Path, where: str) -> Evidence:
    match = TESTED.match(body)
    if match is None:
        raise Refused(f"{where}: a tested claim names FILE:SECTION, as in "
                      "'tested: pytorch.py:graph_breaks'. Write it in that form.")
    name, section = match["file"], match["section"]
    if "/" in name:
        path = root / EXAMPLES / name
    else:
        folder = sample_folder(src_uri, root)
        if folder is None:
            raise Refused(
                f"{where}: '{name}' is relative to the page's sample folder, and this page has "
                f"none. Write the path from {EXAMPLES}/ (topics/compilation/pytorch.py:SECTION)."
            )
        path = folder / name
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if not path.is_file():
        raise Refused(f"{where}: tested claim names {shown}, which does not exist. Fix the file "
                      "name, or write the sample first.")
    found = sections(path)
    if section not in found:
        raise Refused(
            f"{where}: {shown} has no snippet section '{section}'. Mark it in the sample: "
            f"# --8<-- [start:{section}] ... # --8<-- [end:{section}] (sections there: "
            f"{', '.join(sorted(found)) or 'none'})."
        )
    asserts = [line.strip() for line in found[section] if ASSERTS.match(line)]
    if not asserts:
        raise Refused(
            f"{where}: section '{section}' of {shown} has no assert, so nothing proves the "
            "statement. Add an assert that fails if the statement stops being true."
        )
    text = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(text, 1) if f"[start:{section}]" in line) + 1
    end = next(n for n, line in enumerate(text, 1) if n > start and f"[end:{section}]" in line) - 1
    return Evidence("tested", f"{shown}:{section}", lines=(start, end), asserts=asserts)


def cited_evidence(body: str, where: str, today: datetime.date) -> Evidence:
    match = CITED.match(body)
    if match is None:
        url = re.search(r"https?://\S+", body)
        missing = "a check date" if url else "a URL"
        raise Refused(
            f"{where}: a cited claim needs the source's title, its URL and the date it was "
            f"checked; this one lacks {missing}. Write 'cited: [Title](https://...), checked "
            f"{today.isoformat()}'."
        )
    url = match["url"]
    if not url.startswith(("https://", "http://")):
        raise Refused(f"{where}: a cited claim links to '{url}'. Cite a primary source by its "
                      "http(s) URL.")
    try:
        checked = datetime.date.fromisoformat(match["date"])
    except ValueError:
        raise Refused(f"{where}: '{match['date']}' is not a date. Write the day the source was "
                      f"read as YYYY-MM-DD ({today.isoformat()} for today).") from None
    if checked > today:
        raise Refused(f"{where}: checked {checked.isoformat()} is in the future. Write the day "
                      "the source was actually read.")
    return Evidence("cited", url, title=match["title"].strip(), checked=checked.isoformat())


def group_of(evidence: Evidence, sentence: str, src_uri: str) -> str:
    """The framework a claim is about, for How we know's grouping."""
    if evidence.kind == "tested":
        stem = Path(evidence.evidence.split(":")[0]).stem
        if stem in GROUP_OF_STEM:
            return GROUP_OF_STEM[stem]
    named = [group for group, pattern in FRAMEWORK_GROUPS.items() if pattern.search(sentence)]
    if len(named) == 1:
        return named[0]
    page = Path(src_uri).stem
    return GROUP_OF_STEM.get(page, ACROSS) if not named else ACROSS


def page_claims(text: str, src_uri: str, source: str, root: Path,
                today: datetime.date) -> tuple[list[Claim], dict[str, Evidence], list[str]]:
    """Every claim of a Markdown page, its evidence by footnote id, and its problems."""
    lines = masked_lines(text)
    problems: list[str] = []
    evidence: dict[str, Evidence] = {}
    defined_at: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        match = DEFINITION.match(line)
        if match is None:
            continue
        where = f"{source}:{number}: [^{match['id']}]"
        if match["id"] in defined_at:
            problems.append(f"{where} is defined again (first on line {defined_at[match['id']]}). "
                            "Give one of them another id.")
            continue
        defined_at[match["id"]] = number
        body = match["body"].strip()
        try:
            if body.startswith("tested:"):
                evidence[match["id"]] = tested_evidence(body, src_uri, root, where)
            elif body.startswith("cited:"):
                evidence[match["id"]] = cited_evidence(body, where, today)
            else:
                raise Refused(f"{where}: footnotes on this site hold evidence, so the definition "
                              f"starts with 'tested:' or 'cited:'. Write {USAGE}.")
        except Refused as refused:
            problems.append(str(refused))
    claims: list[Claim] = []
    referenced: dict[str, int] = {}
    marked_lines: set[int] = set()
    for index, line in enumerate(lines):
        if DEFINITION.match(line):
            continue
        for match in REFERENCE.finditer(line):
            ref = match["id"]
            if ref not in defined_at:
                problems.append(f"{source}:{index + 1}: [^{ref}] has no definition. Add "
                                f"'[^{ref}]: tested: ...' or '[^{ref}]: cited: ...' at the end of "
                                "the page.")
                continue
            referenced[ref] = referenced.get(ref, 0) + 1
            marked_lines.add(index + 1)
            if ref not in evidence:
                continue  # its definition's problem is reported above
            found = evidence[ref]
            sentence = sentence_at(lines, index, match.start())
            count = referenced[ref]
            anchor = f"fnref{'' if count == 1 else count}:{ref}"
            claims.append(Claim(src_uri, sentence, found.kind, found.evidence, found.checked,
                                group_of(found, sentence, src_uri), index + 1, anchor))
    for ref, number in defined_at.items():
        if ref not in referenced:
            problems.append(f"{source}:{number}: [^{ref}] backs no sentence. Put [^{ref}] after "
                            "the sentence it proves, or remove the definition.")
    return claims, evidence, problems


def unmarked(text: str) -> list[tuple[int, str, list[str]]]:
    """(line, sentence, dated words) for each prose sentence that dates itself without a marker."""
    found = []
    for number, sentence in prose_sentences(masked_lines(text)):
        if REFERENCE.search(sentence):
            continue
        words = dated_words(sentence)
        if words:
            found.append((number, plain(sentence), words))
    return found


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")).get("cells", [])


def notebook_markdown(path: Path) -> list[tuple[int, str]]:
    """(cell number, Markdown source) of each Markdown cell of a notebook."""
    return [(number, "".join(cell.get("source", ""))) for number, cell in
            enumerate(notebook_cells(path), start=1) if cell.get("cell_type") == "markdown"]


def notebook_claims(path: Path, src_uri: str, source: str,
                    today: datetime.date) -> tuple[list[Claim], list[tuple[str, str, list[str]]],
                                                   list[str]]:
    """A notebook's claims, its unmarked dated sentences, and its problems. A Markdown sentence
    is marked by an inline citation, '[Title](https://...) ... (checked YYYY-MM-DD)', or by
    '(shown below)' when the next code cell asserts it (the notebook check re-runs that cell)."""
    cells = notebook_cells(path)
    claims, dated, problems = [], [], []
    for cell, markdown in notebook_markdown(path):
        following = next((number for number, other in enumerate(cells, start=1)
                          if number > cell and other.get("cell_type") == "code"), None)
        for _, sentence in prose_sentences(masked_lines(markdown)):
            where = f"{source}: Markdown cell {cell}"
            citations = list(INLINE_CITATION.finditer(sentence))
            if not citations and re.search(r"\bchecked\b", sentence):
                problems.append(f"{where}: '(checked ...)' needs a link to its source before it "
                                "and a YYYY-MM-DD date: [Title](https://...) ... (checked "
                                f"{today.isoformat()}).")
            for citation in citations:
                checked = datetime.date.fromisoformat(citation["date"])
                if checked > today:
                    problems.append(f"{where}: checked {checked.isoformat()} is in the future. "
                                    "Write the day the source was actually read.")
                evidence = Evidence("cited", citation["url"], checked=checked.isoformat())
                text = plain(re.sub(r"\s*\(checked [^)]*\)|,? checked \S+", "", sentence))
                claims.append(Claim(src_uri, text, "cited", citation["url"],
                                    checked.isoformat(), group_of(evidence, text, src_uri),
                                    cell, ""))
            if "(shown below)" in sentence:
                code = "".join(cells[following - 1].get("source", "")) if following else ""
                if not any(ASSERTS.match(line) for line in code.splitlines()):
                    problems.append(
                        f"{where}: '(shown below)' needs the next code cell "
                        f"{f'(cell {following}) ' if following else ''}to assert the statement, "
                        "so that re-running the notebook proves it. Add an assert there."
                    )
                    continue
                evidence = Evidence("tested", f"{source}:cell {following}")
                text = plain(sentence.replace("(shown below)", ""))
                claims.append(Claim(src_uri, re.sub(r"\s+([.,;:])", r"\1", text), "tested",
                                    evidence.evidence, None, group_of(evidence, text, src_uri),
                                    cell, ""))
            elif not citations:
                words = dated_words(sentence)
                if words:
                    dated.append((f"Markdown cell {cell}", plain(sentence), words))
    return claims, dated, problems


# -- exceptions -------------------------------------------------------------------------------


def load_exceptions(root: Path) -> list[dict]:
    """hooks/evidence_exceptions.yml: sentences the dated check lets through, with reasons."""
    path = root / EXCEPTIONS_FILE
    if not path.is_file():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    problems = []
    for number, entry in enumerate(entries, start=1):
        if (not isinstance(entry, dict) or set(entry) != {"page", "contains", "reason"}
                or not all(isinstance(entry[key], str) and entry[key].strip() for key in entry)):
            problems.append(f"{EXCEPTIONS_FILE}: entry {number} must have exactly 'page', "
                            "'contains' and 'reason', each a non-empty string.")
    if problems:
        raise Refused("\n".join(problems))
    return entries


def excused(exceptions: list[dict], source: str, sentence: str, used: set[int]) -> bool:
    for number, entry in enumerate(exceptions):
        if entry["page"] == source and entry["contains"] in sentence:
            used.add(number)
            return True
    return False


# -- the whole site ---------------------------------------------------------------------------


def collect(pages: list[tuple[str, Path]], root: Path, today: datetime.date
            ) -> tuple[list[Claim], dict[str, dict[str, Evidence]]]:
    """Every claim of the site and each page's evidence, or a Refused naming every problem."""
    exceptions = load_exceptions(root)
    used: set[int] = set()
    claims: list[Claim] = []
    evidence: dict[str, dict[str, Evidence]] = {}
    problems: list[str] = []
    for src_uri, path in pages:
        source = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if path.suffix == ".ipynb":
            found, dated, trouble = notebook_claims(path, src_uri, source, today)
            problems += trouble
            claims += found
            for where, sentence, words in dated:
                if not excused(exceptions, source, sentence, used):
                    problems.append(unmarked_message(f"{source}: {where}", sentence, words,
                                                     notebook=True))
            continue
        text = path.read_text(encoding="utf-8-sig")
        found, page_evidence, trouble = page_claims(text, src_uri, source, root, today)
        problems += trouble
        claims += found
        evidence[src_uri] = page_evidence
        for number, sentence, words in unmarked(text):
            if not excused(exceptions, source, sentence, used):
                problems.append(unmarked_message(f"{source}:{number}", sentence, words))
    for number, entry in enumerate(exceptions):
        if number not in used:
            problems.append(
                f"{EXCEPTIONS_FILE}: the exception for {entry['page']} ('{entry['contains']}') "
                "matches no sentence any more. Remove it."
            )
    if problems:
        raise Refused("Evidence problems:\n" + "\n".join(problems))
    return claims, evidence


def unmarked_message(where: str, sentence: str, words: list[str], notebook: bool = False) -> str:
    short = sentence if len(sentence) <= 120 else sentence[:117] + "..."
    marker = ("link its source and add '(checked YYYY-MM-DD)', or write '(shown below)' and "
              "assert it in the next code cell" if notebook else
              "add its evidence ([^id] after it, with '[^id]: tested: FILE:SECTION' or "
              "'[^id]: cited: [Title](URL), checked YYYY-MM-DD')")
    return (f"{where}: \"{short}\" states something dated ({', '.join(words)}) without evidence. "
            f"Either {marker}, rewrite it so it no longer depends on a version or date, or list "
            f"it with a reason in {EXCEPTIONS_FILE}.")


# -- rendering --------------------------------------------------------------------------------


WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def closest_assert(asserts: list[str], sentences: list[str]) -> str:
    """The assert that shares the most words with the sentences it backs (the first on a tie):
    the one worth showing beside them, when a section proves several statements."""
    words = {word.lower() for sentence in sentences for word in WORD.findall(sentence)}
    return max(asserts, key=lambda line: len(words & {w.lower() for w in WORD.findall(line)}))


def render_definition(found: Evidence, blob: str, sentences: list[str] = ()) -> str:
    """The footnote's text: what proves the statement, linked."""
    if found.kind == "cited":
        day = datetime.date.fromisoformat(found.checked)
        return f"Source: [{found.title}]({found.evidence}), checked {day.day} {day:%B %Y}."
    path, section = found.evidence.rsplit(":", 1)
    start, end = found.lines
    link = f"{blob}{path}#L{start}-L{end}" if blob else ""
    shown = f"`{Path(path).name}`, section `{section}`"
    chosen = closest_assert(found.asserts, list(sentences))
    code = re.sub(r"\s+#.*$", "", chosen)  # without its comment
    code = code if len(code) <= 90 else code[:87] + "..."
    tick = "``" if "`" in code else "`"
    more = len(found.asserts) - 1
    also = f" (and {more} more assert{'s' if more > 1 else ''})" if more else ""
    named = f"[{shown}]({link})" if link else shown
    return f"Tested by {named}, run by the test suite: {tick} {code} {tick}{also}."


def blob_base(config) -> str:
    """The repository's file view for main (https://github.com/o/r/blob/main/), or ''."""
    repo = (config.get("repo_url") or "").rstrip("/")
    return f"{repo}/blob/main/" if repo.startswith("https://github.com/") else ""


def group_slug(group: str) -> str:
    return re.sub(r"[^a-z]+", "-", group.lower()).strip("-")


GROUPS = ["PyTorch", "TensorFlow and Keras", "JAX", ACROSS]
GROUP_PAGES = {group_slug(group): group for group in GROUPS}  # how-we-know/<slug>.md


def claims_summary(claims: list[Claim], here: str) -> str:
    """How we know's table: claims per framework, each row linking to that framework's list."""
    out = ["| Claims about | Statements | Tested | Cited |", "|---|--:|--:|--:|"]
    for group in GROUPS:
        members = [claim for claim in claims if claim.group == group]
        tested = sum(claim.kind == "tested" for claim in members)
        target = relative_link(here, posixpath.join(posixpath.dirname(HOW_WE_KNOW),
                                                    f"{group_slug(group)}.md"))
        out.append(f"| [{group}]({target}) | {len(members)} | {tested} "
                   f"| {len(members) - tested} |")
    tested = sum(claim.kind == "tested" for claim in claims)
    out.append(f"| All | {len(claims)} | {tested} | {len(claims) - tested} |")
    return "\n".join(out)


def claims_markdown(claims: list[Claim], titles: dict[str, str], here: str, group: str) -> str:
    """One framework's list: its claims page by page, each linked to its place."""
    members = [claim for claim in claims if claim.group == group]
    tested = sum(claim.kind == "tested" for claim in members)
    out = [f"{len(members)} claims: {tested} tested, {len(members) - tested} cited.", ""]
    statements: dict[str, dict[str, list[Claim]]] = {}  # page -> statement -> its claims
    for claim in sorted(members, key=lambda c: (c.page, c.line)):
        statements.setdefault(claim.page, {}).setdefault(claim.text, []).append(claim)
    for src, texts in statements.items():  # a tight list per page keeps the page light
        out += [f"**[{titles.get(src, src)}]({relative_link(here, src)})**", ""]
        for text, backing in texts.items():
            hows = []
            for claim in backing:
                if claim.kind == "tested":
                    path, section = claim.evidence.rsplit(":", 1)
                    where = relative_link(here, src) + (
                        f"#{claim.anchor}" if claim.anchor else "")
                    hows.append(f"[✓ `{Path(path).name}` `{section}`]({where})")
                else:
                    host = re.sub(r"^https?://(www\.)?", "", claim.evidence).split("/")[0]
                    hows.append(f"[{host}]({claim.evidence}) {claim.checked}")
            out.append(f"- {text} — {' · '.join(dict.fromkeys(hows))}")
        out.append("")
    return "\n".join(out)


def expand_claims(match: re.Match, where: str) -> str:
    """The Markdown for one md:claims shortcode, or a refusal naming the page and the fix."""
    slug = match["group"]
    if slug is None:
        return claims_summary(STATE["claims"], where)
    if slug not in GROUP_PAGES:
        raise Refused(f"{where}: unknown group '{slug}' in <!-- md:claims {slug} -->. Use one of "
                      f"{', '.join(GROUP_PAGES)}, or no group for the summary table.")
    return claims_markdown(STATE["claims"], STATE["titles"], where, GROUP_PAGES[slug])


def relative_link(here: str, target: str) -> str:
    """A link from the page ``here`` to the page ``target`` (both docs-relative .md/.ipynb)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


# -- MkDocs events ----------------------------------------------------------------------------

STATE: dict = {}


def page_title(path: Path) -> str:
    if path.suffix == ".ipynb":
        for _, markdown in notebook_markdown(path):
            match = re.search(r"^#\s+(.+)$", markdown, re.M)
            if match:
                return match[1].strip()
        return path.stem
    match = re.search(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", path.read_text(encoding="utf-8"), re.M)
    return match[1].strip() if match else path.stem


def on_files(files, config):
    root = project_root(config)
    pages = [(file.src_uri, Path(file.abs_src_path)) for file in files.documentation_pages()]
    today = datetime.date.today()
    claims, evidence = collect(pages, root, today)
    STATE.update(claims=claims, evidence=evidence,
                 titles={src: page_title(path) for src, path in pages}, blob=blob_base(config))
    # A file of the site like any page's, so "How we know" can link to it in both URL styles.
    files.append(File.generated(config, "claims.json", content=claims_json(claims)))
    return files


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    if not src.endswith(".md"):
        return markdown
    found = STATE.get("evidence", {}).get(src, {})

    def definition(match: re.Match) -> str:
        if match["id"] not in found:
            return match.group(0)
        backed = [claim.text for claim in STATE["claims"] if claim.page == src
                  and claim.anchor.split(":", 1)[-1] == match["id"]]
        return f"[^{match['id']}]: {render_definition(found[match['id']], STATE['blob'], backed)}"

    fence, out = "", []
    for line in markdown.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = ""
        elif opening := FENCE.match(line):
            fence = opening["fence"]
        elif claims := CLAIMS_SHORTCODE.match(stripped):
            line = expand_claims(claims, src)
        else:
            line = DEFINITION.sub(definition, line)
        out.append(line)
    return "\n".join(out)


MARKER_LINK = re.compile(r'<sup id="(?P<sup>fnref\d*:(?P<id>[^"]+))"><a class="footnote-ref" '
                         r'href="#fn:[^"]+">(?P<n>\d+)</a></sup>')


def on_page_content(html_text, page, config, files):
    """Name each marker for assistive technology, and label the evidence list at the page end."""
    found = STATE.get("evidence", {}).get(page.file.src_uri)
    if not found:
        return html_text

    def name(match: re.Match) -> str:
        evidence = found.get(html.unescape(match["id"]))
        if evidence is None:
            return match.group(0)
        kind = "tested by a sample" if evidence.kind == "tested" else "cited source"
        return match.group(0).replace(
            '<a class="footnote-ref"',
            f'<a class="footnote-ref evidence-{evidence.kind}" aria-label="Evidence '
            f'{match["n"]}: {kind}"', 1)

    html_text = MARKER_LINK.sub(name, html_text)
    how = files.get_file_from_path(HOW_WE_KNOW)
    link = f' (<a href="{how.url_relative_to(page.file)}">how we know</a>)' if how else ""
    label = f'<p class="evidence-title">Evidence for this page{link}</p>'
    return html_text.replace('<div class="footnote">\n<hr />',
                             f'<div class="footnote">\n<hr />\n{label}', 1)


def claims_json(claims: list[Claim]) -> str:
    """claims.json: one entry per marked statement, by page (path order) and line."""
    entries = []
    for claim in sorted(claims, key=lambda claim: (claim.page, claim.line)):
        entry = {"page": claim.page, "text": claim.text, "kind": claim.kind,
                 "evidence": claim.evidence}
        if claim.checked:
            entry["checked"] = claim.checked
        entry["framework"] = claim.group
        entries.append(entry)
    return json.dumps(entries, indent=1, ensure_ascii=False) + "\n"
