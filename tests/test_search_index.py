"""What the built search index holds (hooks/search_terms.py): separate tab labels, topic pages
boosted, front matter keywords searchable but shown on no page, and every word, notebook code
included, in short blocks that make short result excerpts. The browser test
tests/browser/test_search.py checks what readers then find and see."""

from __future__ import annotations

import json
import re

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT, load_module

front_matter = load_module("hooks/front_matter.py")
search_terms = load_module("hooks/search_terms.py")

RUN_TOGETHER = re.compile(r"PyTorchTensorFlow|TensorFlowJAX|PyTorchJAX|JAXKeras|JAXFlax")


@pytest.fixture(scope="module")
def index(built_site) -> list[dict]:
    return json.loads((built_site / "search" / "search_index.json").read_text())["docs"]


def test_tab_labels_are_separate_words(index):
    joined = sorted({doc["location"] for doc in index if RUN_TOGETHER.search(doc["text"])})
    assert not joined, (
        f"tab labels run together in the search index of {joined[:5]}: hooks/search_terms.py "
        "must put a space between a tab set's labels")


def test_topic_pages_rank_above_notebooks(index):
    boosts = {doc["location"]: doc.get("boost", 1) for doc in index if "#" not in doc["location"]}
    topics = {loc: boost for loc, boost in boosts.items()
              if loc.startswith("topics/") and loc != "topics/"}
    notebooks = [boost for loc, boost in boosts.items() if loc.startswith("notebooks/")]
    assert topics and notebooks
    assert min(topics.values()) > max(notebooks), (
        f"topic pages must outrank notebooks in search: boosts {topics} vs {notebooks}")


def test_keywords_are_searchable_but_not_shown(index, built_site):
    pages = {}
    for path in (ROOT / "docs").rglob("*.md"):
        match = re.search(r"^keywords: \[(.+)\]$", path.read_text(encoding="utf-8"), re.M)
        if match:
            pages[path.relative_to(ROOT / "docs").with_suffix("").as_posix() + "/"] = [
                word.strip() for word in match[1].split(",")]
    assert pages, "no page declares keywords: the test would check nothing"
    for location, words in pages.items():
        top = next(doc for doc in index if doc["location"] == location)
        assert top.get("tags") == words, f"{location}: search tags {top.get('tags')}, not {words}"
        html = (built_site / location / "index.html").read_text(encoding="utf-8")
        assert 'class="md-tags"' not in html, f"{location}: keywords must not show as tags"


def test_keywords_must_be_a_list():
    # The front matter check alone: a whole site build would only add time.
    page = "---\ndescription: A page whose keywords are a word, not a list.\nkeywords: jit\n---\n"
    with pytest.raises(PluginError, match="topics/x.md: front matter 'keywords' must be a list"):
        front_matter.check_front_matter(page, "topics/x.md")


# A section's indexed text after hooks/search_terms.py: top-level <p> and <code> blocks only.
BLOCK = re.compile(r"<(p|code)>(.*?)</\1>")
NAME = re.compile(r"\b[A-Za-z_]\w{3,}")  # a name in code: variable, function, class, module


def words(text: str) -> list[str]:
    return search_terms.TAG.sub(" ", text).split()


def test_short_blocks_keep_every_word():
    text = ("<p>First sentence.<sup>1</sup> Then <code>jax.jit(f). Not</code> a break, e.g. "
            "here.</p> "
            "<pre><code>import jax\n\n@jax.jit\ndef f(x):\n    return x</code></pre>"
            "Label Cell <ul><li><p>One item.</p><ul><li>Nested item</li></ul></li></ul>"
            f"<p>{' '.join(['word'] * 60)}</p>")
    short = search_terms.short_blocks(text)
    assert words(short) == words(text)
    blocks = [match[0] for match in BLOCK.finditer(short)]
    assert not BLOCK.sub("", short).strip(), f"text outside the blocks: {short}"
    assert blocks[:7] == [
        "<p>First sentence.<sup>1</sup></p>",
        "<p>Then <code>jax.jit(f). Not</code> a break, e.g. here.</p>",  # code is never cut
        "<code>import jax</code>", "<code>@jax.jit</code>", "<code>def f(x):</code>",
        "<code>return x</code>",  # one block a line, blank lines dropped
        "<p>Label Cell</p>",
    ]
    assert blocks[7:9] == ["<p>One item.</p>", "<p>Nested item</p>"]
    long = blocks[9:]
    assert len(long) == 3 and all(len(block) < search_terms.BLOCK_CHARS + 20 for block in long)


def test_search_text_is_short_blocks(index):
    long = []
    for doc in index:
        outside = BLOCK.sub("", doc["text"]).strip()
        assert not outside, f"{doc['location']}: text outside a <p> or <code> block: {outside[:80]}"
        for kind, block in BLOCK.findall(doc["text"]):
            shown = search_terms.TAG.sub("", block)
            # A line of code stays whole, and so does inline code; a sentence is cut at the
            # spaces between its words into short pieces.
            between = re.sub(r"<(\w+)>.*?</\1>", "", block)
            if kind == "p" and len(shown) > search_terms.BLOCK_CHARS + 10 and " " in between:
                long.append(f"{doc['location']}: {shown}")
    assert not long, ("search text blocks too long for a short excerpt "
                      "(hooks/search_terms.py cuts them):\n" + "\n".join(long[:5]))


def test_notebook_code_stays_searchable(index):
    """Every name a notebook's code uses is in that notebook's indexed text."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        text = " ".join(doc["text"] for doc in index
                        if doc["location"].startswith(f"notebooks/{path.stem}/"))
        missing = sorted({name for name in NAME.findall(code)} - set(NAME.findall(text)))
        assert not missing, (
            f"{path.name}: names in its code missing from the search index: {missing[:10]}")
