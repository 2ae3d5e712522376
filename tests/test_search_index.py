"""What the built search index holds (hooks/search_terms.py): separate tab labels, topic pages
boosted, and front matter keywords searchable but shown to no reader. The browser test
tests/browser/test_search.py checks what readers then find."""

from __future__ import annotations

import json
import re

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT, load_module

front_matter = load_module("hooks/front_matter.py")

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
