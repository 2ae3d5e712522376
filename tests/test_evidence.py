"""Evidence markers (hooks/evidence.py): each mistake is refused with the page, the line and the
fix, and the built site publishes every claim in claims.json and on the How we know page."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from conftest import build_fails, load_module

evidence = load_module("hooks/evidence.py")
TODAY = datetime.date(2026, 11, 30)
SAMPLE = '''import torch

# --8<-- [start:print_break]
explanation = torch._dynamo.explain(f)(x)
assert explanation.graph_break_count == 1  # print breaks the graph
# --8<-- [end:print_break]

# --8<-- [start:no_assert]
print("nothing proves anything here")
# --8<-- [end:no_assert]
'''
PAGE = """---
description: A page for the tests.
---

# Compilation

A `print` breaks the graph (PyTorch 2.15).[^print] The rest is timeless.

[^print]: tested: pytorch.py:print_break
"""


@pytest.fixture
def root(tmp_path) -> Path:
    folder = tmp_path / "examples" / "topics" / "compilation"
    folder.mkdir(parents=True)
    (folder / "pytorch.py").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "docs" / "topics").mkdir(parents=True)
    return tmp_path


def claims_of(root: Path, page: str):
    path = root / "docs" / "topics" / "compilation.md"
    path.write_text(page, encoding="utf-8")
    return evidence.collect([("topics/compilation.md", path)], root, TODAY)


def refusal(root: Path, page: str) -> str:
    with pytest.raises(evidence.Refused) as refused:
        claims_of(root, page)
    return str(refused.value)


# -- accepted markers and what they record

def test_a_tested_claim_is_recorded_with_its_sentence_and_section(root):
    claims, found = claims_of(root, PAGE)
    [claim] = claims
    assert claim.text == "A `print` breaks the graph (PyTorch 2.15)."
    assert (claim.kind, claim.group, claim.line) == ("tested", "PyTorch", 7)
    assert claim.evidence == "examples/topics/compilation/pytorch.py:print_break"
    assert found["topics/compilation.md"]["print"].asserts == [
        "assert explanation.graph_break_count == 1  # print breaks the graph"]


def test_a_cited_claim_keeps_its_url_and_date_and_one_source_backs_two_sentences(root):
    page = PAGE.replace(
        "[^print]: tested: pytorch.py:print_break",
        "TorchServe is archived.[^serve] It was archived in 2025.[^serve]\n\n"
        "[^print]: tested: pytorch.py:print_break\n"
        "[^serve]: cited: [pytorch/serve](https://github.com/pytorch/serve), checked 2026-11-30",
    )
    claims, _ = claims_of(root, page)
    cited = [claim for claim in claims if claim.kind == "cited"]
    assert [claim.text for claim in cited] == [
        "TorchServe is archived.", "It was archived in 2025."]
    assert [claim.anchor for claim in cited] == ["fnref:serve", "fnref2:serve"]
    assert {claim.checked for claim in cited} == {"2026-11-30"}
    assert {claim.evidence for claim in cited} == {"https://github.com/pytorch/serve"}


def test_a_marker_in_a_table_cell_records_the_cell_with_its_row_and_column():
    lines = ["| | PyTorch | JAX |", "|---|---|---|",
             "| Status | archived (2025)[^s] | `a\\|b`[^t] |",
             "| May 2025[^v] | vLLM joins the foundation. |"]
    assert evidence.sentence_at(lines, 2, lines[2].index("[^s]")) == (
        "Status (PyTorch): archived (2025)")
    assert evidence.sentence_at(lines, 2, lines[2].index("[^t]")) == "Status (JAX): `a|b`"
    assert evidence.sentence_at(lines, 3, lines[3].index("[^v]")) == (
        "May 2025: vLLM joins the foundation.")


def test_sentences_split_at_full_stops_but_not_inside_code_or_after_abbreviations():
    text = "Use `torch.compile(f)`, e.g. in a loop. Since 2.15 it is faster."
    parts = [text[start:end].strip() for start, end in evidence.split_sentences(text)]
    assert parts == ["Use `torch.compile(f)`, e.g. in a loop.", "Since 2.15 it is faster."]


# -- refused markers

def test_a_tested_claim_naming_a_missing_file_fails(root):
    message = refusal(root, PAGE.replace("pytorch.py:print_break", "torch.py:print_break"))
    assert ("docs/topics/compilation.md:9: [^print]: tested claim names "
            "examples/topics/compilation/torch.py, which does not exist.") in message


def test_a_tested_claim_naming_a_missing_section_fails(root):
    message = refusal(root, PAGE.replace("print_break", "print_brake"))
    assert ("docs/topics/compilation.md:9: [^print]: examples/topics/compilation/pytorch.py has "
            "no snippet section 'print_brake'. Mark it in the sample") in message


def test_a_tested_section_without_an_assert_fails(root):
    message = refusal(root, PAGE.replace("print_break", "no_assert"))
    assert ("docs/topics/compilation.md:9: [^print]: section 'no_assert' of "
            "examples/topics/compilation/pytorch.py has no assert, so nothing proves the "
            "statement.") in message


@pytest.mark.parametrize(("definition", "expected"), [
    ("cited: pytorch/serve README, checked 2026-11-30", "this one lacks a URL"),
    ("cited: [README](https://github.com/pytorch/serve)", "this one lacks a check date"),
    ("cited: [README](https://github.com/pytorch/serve), checked 2026-12-01",
     "checked 2026-12-01 is in the future"),
    ("cited: [README](https://github.com/pytorch/serve), checked 30/11/2026",
     "'30/11/2026' is not a date"),
    ("see the README", "footnotes on this site hold evidence"),
])
def test_a_cited_claim_without_url_or_date_or_from_the_future_fails(root, definition, expected):
    message = refusal(root, PAGE.replace("tested: pytorch.py:print_break", definition))
    assert "docs/topics/compilation.md:9: [^print]: " in message
    assert expected in message


def test_a_marker_without_definition_and_a_definition_without_marker_fail(root):
    message = refusal(root, PAGE.replace("(PyTorch 2.15).[^print]", "(PyTorch 2.15).[^prnt]"))
    assert "docs/topics/compilation.md:7: [^prnt] has no definition." in message
    assert "docs/topics/compilation.md:9: [^print] backs no sentence." in message


# -- dated sentences without evidence

@pytest.mark.parametrize(("sentence", "words"), [
    ("As of PyTorch 2.15 the default backend is Inductor.", "as of"),
    ("This flag exists since JAX 0.4.30.", "since <version>"),
    ("`jax.tree_map` is deprecated.", "deprecated"),
    ("TorchServe is archived.", "archived"),
    ("Keras no longer needs TensorFlow.", "no longer"),
    ("AutoGraph is on by default.", "by default"),
    ("Its last release is 4.22.", "the last release"),
    ("TensorFlow Lite was renamed LiteRT.", "renamed"),
    ("JAX appeared in 2018.", "a year"),
])
def test_a_dated_sentence_without_evidence_fails_naming_the_words(root, sentence, words):
    message = refusal(root, PAGE.replace("The rest is timeless.", sentence))
    assert f'docs/topics/compilation.md:7: "{sentence}" states something dated ({words}) ' \
           "without evidence." in message
    assert "hooks/evidence_exceptions.yml" in message


def test_code_headings_and_versions_alone_are_not_dated_sentences(root):
    page = PAGE.replace("The rest is timeless.", "Call `jax.tree_map` (deprecated) freely. "
                        "Install torch 2.15.0.\n\n## Since 2019\n\n```python\n# by default\n```")
    page = page.replace("Call `jax.tree_map` (deprecated) freely.", "Call `deprecated_fn()`.")
    claims, _ = claims_of(root, page)
    assert len(claims) == 1


def test_an_exception_lets_a_sentence_through_and_a_stale_one_fails(root):
    (root / "hooks").mkdir()
    exceptions = root / "hooks" / "evidence_exceptions.yml"
    exceptions.write_text(
        "- page: docs/topics/compilation.md\n  contains: Gregorian calendar\n"
        "  reason: a fact about calendars, not about a framework version\n", encoding="utf-8")
    claims_of(root, PAGE.replace("The rest is timeless.", "The Gregorian calendar has 2026."))
    message = refusal(root, PAGE)
    assert ("hooks/evidence_exceptions.yml: the exception for docs/topics/compilation.md "
            "('Gregorian calendar') matches no sentence any more. Remove it.") in message
    exceptions.write_text("- page: docs/topics/compilation.md\n  contains: x\n", encoding="utf-8")
    assert "entry 1 must have exactly 'page', 'contains' and 'reason'" in refusal(root, PAGE)


# -- notebooks

def notebook(tmp_path: Path, markdown: str, code: str) -> Path:
    path = tmp_path / "nb.ipynb"
    cells = [{"cell_type": "markdown", "metadata": {}, "source": markdown},
             {"cell_type": "code", "metadata": {}, "source": code, "outputs": [],
              "execution_count": 1}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_a_notebook_sentence_is_cited_inline_or_shown_below(tmp_path):
    path = notebook(tmp_path, "Inductor is the default backend (shown below). Keras 3 runs on "
                    "three backends ([Keras](https://keras.io/), checked 2026-11-30).",
                    "assert backend == 'inductor'")
    claims, dated, problems = evidence.notebook_claims(path, "notebooks/nb.ipynb", "nb.ipynb",
                                                       TODAY)
    assert (dated, problems) == ([], [])
    assert [(claim.kind, claim.evidence) for claim in claims] == [
        ("tested", "nb.ipynb:cell 2"), ("cited", "https://keras.io/")]


def test_a_notebook_sentence_shown_below_needs_an_assert(tmp_path):
    path = notebook(tmp_path, "Inductor is the backend by default (shown below).", "print(1)")
    _, _, problems = evidence.notebook_claims(path, "notebooks/nb.ipynb", "nb.ipynb", TODAY)
    assert problems == ["nb.ipynb: Markdown cell 1: '(shown below)' needs the next code cell "
                        "(cell 2) to assert the statement, so that re-running the notebook "
                        "proves it. Add an assert there."]


# -- the build

def test_a_dated_sentence_without_evidence_stops_the_build(project_copy):
    page = project_copy / "docs" / "topics" / "vectorisation.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nJAX added `vmap` in 2018.\n",
                    encoding="utf-8")
    line = len(page.read_text(encoding="utf-8").splitlines())
    log = build_fails(project_copy)
    assert (f'docs/topics/vectorisation.md:{line}: "JAX added `vmap` in 2018." states something '
            "dated (a year) without evidence.") in log


def test_claims_json_lists_every_marked_statement(built_site):
    claims = json.loads((built_site / "claims.json").read_text(encoding="utf-8"))
    kinds = [claim["kind"] for claim in claims]
    assert len(claims) >= 150, f"only {len(claims)} claims"
    assert kinds.count("tested") * 3 >= len(claims), "fewer than a third of claims are tested"
    for claim in claims:
        assert set(claim) >= {"page", "text", "kind", "evidence", "framework"}, claim
        assert claim["text"], claim
        if claim["kind"] == "cited":
            assert re.fullmatch(r"https?://\S+", claim["evidence"]), claim
            assert datetime.date.fromisoformat(claim["checked"]) <= datetime.date.today()
        else:
            assert re.fullmatch(r"(examples/\S+\.py:[\w-]+|notebooks/\S+\.ipynb:cell \d+)",
                                claim["evidence"]), claim


def test_every_page_but_an_index_carries_claims(built_site):
    claims = json.loads((built_site / "claims.json").read_text(encoding="utf-8"))
    with_claims = {claim["page"] for claim in claims}
    source = Path(__file__).resolve().parent.parent / "docs"
    content_pages = {
        path.relative_to(source).as_posix() for path in source.rglob("*.md")
        if path.name != "index.md" and "includes" not in path.parts
        and path.name != "chooser.md" and "how-we-know" not in path.parts
    }
    assert sorted(content_pages - with_claims) == []


def test_how_we_know_lists_every_claim_and_each_marker_names_its_evidence(built_site):
    claims = json.loads((built_site / "claims.json").read_text(encoding="utf-8"))
    how = built_site / "reference" / "how-we-know"
    summary = (how / "index.html").read_text(encoding="utf-8")
    for group in {claim["framework"] for claim in claims}:
        # One item per statement in each framework's list (a statement two samples test is in
        # both), and the summary table's row links to that list with its count.
        slug = re.sub(r"[^a-z]+", "-", group.lower()).strip("-")
        page = (how / slug / "index.html").read_text(encoding="utf-8")
        listed = re.findall(r"<li>", page.split('<div class="footnote">')[0])
        expected = {(c["page"], c["text"]) for c in claims if c["framework"] == group}
        assert len(listed) == len(expected), group
        count = sum(c["framework"] == group for c in claims)
        assert re.search(rf'<a href="{slug}/">{re.escape(group)}</a></td>\s*<td[^>]*>{count}<',
                         summary), f"How we know's table lacks {group}: {count}"
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="reference/how-we-know/"' in home
    page = (built_site / "topics" / "compilation" / "index.html").read_text(encoding="utf-8")
    markers = re.findall(r'<a class="footnote-ref evidence-(tested|cited)" aria-label="Evidence '
                         r'\d+: (?:tested by a sample|cited source)"', page)
    assert markers and "tested" in markers
    assert 'href="../../reference/how-we-know/">how we know</a>' in page



def test_the_footnote_shows_the_assert_closest_to_its_sentence():
    found = evidence.Evidence("tested", "examples/topics/x/pytorch.py:defaults", lines=(3, 9),
                              asserts=["assert torch.zeros(1).device.type == 'cpu'",
                                       "assert torch.optim.Adam([p]).defaults['eps'] == 1e-8  # x"])
    text = evidence.render_definition(found, "https://github.com/o/r/blob/main/",
                                      ["`torch.optim.Adam` uses `eps=1e-8`."])
    assert text == (
        "Tested by [`pytorch.py`, section `defaults`](https://github.com/o/r/blob/main/"
        "examples/topics/x/pytorch.py#L3-L9), run by the test suite: "
        "` assert torch.optim.Adam([p]).defaults['eps'] == 1e-8 ` (and 1 more assert).")


def test_two_markers_in_a_row_back_the_same_sentence(root):
    page = PAGE.replace("(PyTorch 2.15).[^print]", "(PyTorch 2.15).[^print] [^serve]").replace(
        "[^print]: tested", "[^serve]: cited: [x](https://example.org/), checked 2026-11-30\n"
        "[^print]: tested")
    claims, _ = claims_of(root, page)
    assert [claim.text for claim in claims] == ["A `print` breaks the graph (PyTorch 2.15)."] * 2


def test_an_unknown_claims_group_names_the_groups():
    match = evidence.CLAIMS_SHORTCODE.match("<!-- md:claims pytroch -->")
    with pytest.raises(evidence.Refused, match=r"reference/x\.md: unknown group 'pytroch'.*"
                                               r"pytorch, tensorflow-and-keras, jax"):
        evidence.expand_claims(match, "reference/x.md")
