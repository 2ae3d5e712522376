"""The framework chooser's data (docs/choosing/chooser.yml) is valid, fair and fully linked.

Every framework is the answer for some combination of choices (by the page's own rule,
docs/javascripts/chooser.js, run in Node), every link points at a page and anchor that exist in
the built site, and a mistake in the data file stops the build with a message naming the file.
tests/browser/test_chooser.py checks the page itself.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema
import pytest

import chooser_rule
from conftest import ROOT, load_module, mkdocs_build

DATA = ROOT / "docs" / "choosing" / "chooser.yml"
SCHEMA = ROOT / "docs" / "choosing" / "chooser.schema.json"
PAGE = "choosing/chooser/index.html"


chooser = load_module("hooks/chooser.py")


@pytest.fixture(scope="module")
def data() -> dict:
    return chooser.load(DATA)


def test_every_framework_is_the_answer_for_some_choices(data):
    sole = {fid: 0 for fid in data["frameworks"]}
    ties = 0
    total = 0
    for winners in chooser_rule.winners(data, chooser_rule.all_choices(data)):
        total += 1
        if len(winners) == 1:
            sole[winners[0]] += 1
        else:
            ties += 1
    never = [fid for fid, count in sole.items() if count == 0]
    assert not never, f"{DATA.name}: no combination of choices makes {never} the answer"
    # A guard, not a quota: an edit that leaves a framework winning almost nowhere is
    # probably a mistake in the scores, and the chooser would no longer be neutral.
    rare = {fid: f"{count / total:.0%}" for fid, count in sole.items() if count < 0.10 * total}
    assert not rare, f"{DATA.name}: these frameworks win under 10% of all combinations: {rare}"
    assert ties, "no combination gives a tie, so the 'tie' text is never shown"


def test_partial_answers_and_no_answers(data):
    first = data["questions"][0]
    option = first["options"][0]
    best = max(option["score"].values())
    expected = [fid for fid, points in option["score"].items() if points == best]
    nothing, one = chooser_rule.decide(data, [{}, {first["id"]: option["id"]}])
    assert nothing["winners"] == []
    assert one["winners"] == expected and one["scores"] == option["score"]


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


def page_ids(path: Path) -> set[str]:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.ids


def embedded_data(built_site: Path) -> dict:
    html = (built_site / PAGE).read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/json" id="chooser-data">(.*?)</script>', html, re.S
    )
    assert match, f"{PAGE}: the chooser's data is not embedded in the page"
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_every_link_resolves_to_a_page_and_anchor_in_the_build(built_site):
    public = embedded_data(built_site)
    links = [(f"frameworks.{fid}", f["link"]) for fid, f in public["frameworks"].items()]
    links += [
        (f"{q['id']}.{o['id']}", link["href"])
        for q in public["questions"] for o in q["options"] for link in o.get("links", [])
    ]
    assert links
    base = "https://site.invalid/" + PAGE.removesuffix("index.html")
    broken = []
    for where, href in links:
        url = urlsplit(urljoin(base, href))
        target = built_site / url.path.lstrip("/")
        if url.path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{where}: {href} (no page)")
        elif url.fragment and url.fragment not in page_ids(target):
            broken.append(f"{where}: {href} (no #{url.fragment} on that page)")
    assert not broken, f"{DATA.relative_to(ROOT)}: broken links:\n" + "\n".join(broken)


def test_data_file_and_schema_are_not_published(built_site):
    assert not (built_site / "choosing" / "chooser.yml").exists()
    assert not (built_site / "choosing" / "chooser.schema.json").exists()
    assert (built_site / PAGE).is_file()


def test_page_uses_real_form_controls_and_a_live_region(built_site):
    html = (built_site / PAGE).read_text(encoding="utf-8")
    assert html.count("<fieldset") == len(chooser.load(DATA)["questions"])
    assert 'role="status" aria-live="polite"' in html
    for input_id in re.findall(r'<input type="radio"[^>]*id="([^"]+)"', html):
        assert f'<label for="{input_id}">' in html, f"radio {input_id} has no label"


FIRST_SCORE = "score: {pytorch: 2, tensorflow: 0, jax: 2}"


def first_score(score: str):
    """An edit of the data that gives its first option the score ``{score}``."""
    return lambda s: s.replace(FIRST_SCORE, f"score: {{{score}}}", 1)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s.replace("  - id: purpose\n", "  - id: purpose\n    colour: red\n", 1),
         "unknown key 'colour' in questions[0]"),
        (lambda s: s.replace("tie: >-", "ties: >-", 1), "unknown key 'ties'"),
        (first_score("pytorch: 2, tensorflow: 0, jax: 2, mxnet: 1"), "unknown key 'mxnet'"),
        (first_score("pytorch: 2, tensorflow: 0, jax: 9"), "must be a whole number from 0 to 3"),
        (lambda s: s.replace("- id: learning", "- id: research", 1), "'research' is used twice"),
        (lambda s: s.replace("legend: What is the project mainly for?", "legend: ' '", 1),
         "questions[0].legend must be non-empty text"),
        (lambda s: s.replace("  - id: purpose\n", "  -\n", 1),
         "questions[0] needs the key 'id'"),
        (first_score("pytorch: 2, tensorflow: 0"),
         "questions[0].options[0].score needs the key 'jax'"),
        (first_score("pytorch: 2, tensorflow: 0, jax: true"),
         "questions[0].options[0].score.jax must be a whole number from 0 to 3"),
        (lambda s: "", "the top level must be a mapping with the keys frameworks, questions"),
    ],
    ids=["unknown-question-key", "unknown-top-key", "unknown-framework", "bad-score", "duplicate",
         "empty-text", "question-without-id", "missing-score", "boolean-score", "empty-file"],
)
def test_mistakes_in_the_data_are_rejected_naming_the_file(tmp_path, edit, expected):
    bad = tmp_path / "chooser.yml"
    bad.write_text(edit(DATA.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(chooser.ChooserError) as error:
        chooser.load(bad)
    assert str(bad) in str(error.value) and expected in str(error.value)


def refused_build_log(project: Path, old: str, new: str) -> str:
    """Build a project copy whose chooser data has ``old`` replaced by ``new``; return the log."""
    data = project / "docs" / "choosing" / "chooser.yml"
    data.write_text(data.read_text().replace(old, new, 1))
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0, "the build passed, but it should have refused the data"
    return result.stdout + result.stderr


def test_unknown_key_stops_the_build_with_a_message_naming_the_file(project_copy):
    log = refused_build_log(project_copy, "tie: >-", "colour: red\ntie: >-")
    assert "choosing/chooser.yml" in log and "unknown key 'colour'" in log


def test_link_to_a_missing_page_stops_the_build(project_copy):
    log = refused_build_log(project_copy, "href: topics/automatic-differentiation.md}",
                            "href: topics/no-such-page.md}")
    assert "docs/choosing/chooser.yml" in log and "topics/no-such-page.md" in log
