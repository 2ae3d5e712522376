"""What the site's search sees beyond each page's own words.

- Topic pages rank above notebooks and reference lists for their own subject: topic pages get a
  search boost and notebooks (long code, few words) a lower one; a page's own front matter
  ``search: {boost: ...}`` still wins.
- Tab labels are separate words in the index ("PyTorch TensorFlow JAX"), not one run-together
  word in every result's excerpt.
- A page's ``keywords`` (front matter) are words readers type for its subject, such as the other
  spelling of its title or "jit" for the compilation page: they become the page's search tags,
  which Material's search weighs above titles. No tags plugin runs, so no page shows them; a
  search result lists them under the page's title, which says why it was found.
- Results show short excerpts: every word stays indexed, notebook code included, in short blocks
  (a line of code, a sentence), so a result shows the line that matched, not a whole cell.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from mkdocs.plugins import event_priority

BOOSTS = {"topics/": 2.0, "notebooks/": 0.5}  # by folder; index pages keep the default
TAB_LABELS = re.compile(r"</label>(?=<label for=)")


def on_page_content(html_text, page, config, files):
    src = page.file.src_uri
    for folder, boost in BOOSTS.items():
        if src.startswith(folder) and not src.endswith("index.md"):
            page.meta.setdefault("search", {}).setdefault("boost", boost)
    # Whitespace between the labels: flex items ignore it, the search index splits on it.
    html_text = TAB_LABELS.sub("</label> ", html_text)
    if keywords := page.meta.get("keywords"):
        page.meta["tags"] = [str(word) for word in keywords]  # read by the search plugin
    return html_text


# Short excerpts. Material's search worker shows, of a section's text, the (at most two) top-level
# blocks that hold a match, or the whole text when only the title or tags matched, and it indexes
# the very text it shows. As the search plugin writes it, a block is a whole paragraph, list or
# <pre>: a match in a notebook cell shows the whole cell, and a clamp alone (extra.css) would often
# cut the match off. So the index keeps every word, in short blocks (a line of code, a sentence):
# the excerpt is the line that matched, with its highlighted word, and extra.css clamps it to
# three lines.
BLOCK_CHARS = 100  # a longer sentence is cut at spaces into pieces about this long
TAG = re.compile(r"(</?\w+>)")  # the index's only markup: tags without attributes
SENTENCE_END = re.compile(r"[.!?][\"')\]]?(<sup>\w+</sup>)?$")  # a footnote number may follow
SENTENCE_START = re.compile(r"[A-Z0-9\"'(<]")


def _visible(words: list[str]) -> int:
    return len(TAG.sub("", " ".join(words)))


def _pieces(run: list[str]) -> list[str]:
    """A run of inline text and inline elements as sentences of about BLOCK_CHARS at most;
    an inline element (`<code>f(x, y)</code>`) stays whole."""
    words, depth = [""], 0
    for token in run:
        if TAG.fullmatch(token):
            depth += -1 if token.startswith("</") else 1
            words[-1] += token
        elif depth:  # inside an inline element
            words[-1] += token
        else:
            first, *rest = re.split(r"\s+", token)
            words[-1] += first
            words += rest
    words = [word for word in words if word]
    sentences, current = [], []
    for i, word in enumerate(words):
        current.append(word)
        following = words[i + 1] if i + 1 < len(words) else ""
        if not following or (SENTENCE_END.search(word) and SENTENCE_START.match(following)):
            sentences.append(current)
            current = []
    pieces = []
    for sentence in sentences:
        # Equal pieces, not a long one and a short one.
        target = _visible(sentence) / max(1, math.ceil(_visible(sentence) / BLOCK_CHARS))
        piece = []
        for word in sentence:
            if piece and _visible([*piece, word]) > target + 10:
                pieces.append(" ".join(piece))
                piece = []
            piece.append(word)
        pieces.append(" ".join(piece))
    return pieces


def short_blocks(text: str) -> str:
    """A section's search text (Material keeps the tags p, pre, code, ul, ol, li, sub and sup) as
    short top-level blocks holding the same words: each line of a <pre> in a <code>, each sentence
    of a paragraph, list item or table in a <p>."""
    blocks, run, pre = [], [], None
    for token in TAG.split(text):
        name = token.strip("</>") if TAG.fullmatch(token) else None
        if pre is not None:  # inside a <pre>, whose only markup is the <code> around its text
            if name == "pre":
                blocks += [f"<code>{line.strip()}</code>" for line in "".join(pre).splitlines()
                           if line.strip()]
                pre = None
            elif name is None:
                pre.append(token)
        elif name in ("pre", "p", "li", "ul", "ol"):
            blocks += [f"<p>{piece}</p>" for piece in _pieces(run)]
            run = []
            if token == "<pre>":
                pre = []
        elif token:
            run.append(token)
    blocks += [f"<p>{piece}</p>" for piece in _pieces(run)]
    return " ".join(blocks)


@event_priority(-50)  # after the search plugin writes its index, before offline copies it
def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: short search excerpts need the search plugin")
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        doc["text"] = short_blocks(doc["text"])
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
