"""The framework chooser's data (docs/choosing/chooser.yml) is valid, fair and fully linked.

Every framework is the answer for some combination of choices (by the page's own rule,
docs/javascripts/chooser.js, run in Node), the answers agree with the decision guide
(docs/choosing/index.md) on the cases it states, every link points at a page and anchor that exist
in the built site, and a mistake in the data file stops the build with a message naming the file.
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


GUIDE = "docs/choosing/index.md"

# The decision guide's cases: answers, and the answer the guide gives. A case names only the
# answers its sentence is about (unanswered questions count for nothing); a tie lists every
# framework the guide names as the usual first choice. Each cites the guide's section.
GUIDE_CASES = [
    # By job, "Research prototyping: PyTorch, also JAX"; by team, a research group picks PyTorch
    # "if you build on others' code", JAX "if your methods are mostly new mathematics".
    pytest.param({"purpose": "research", "ecosystem": "huggingface"}, ["pytorch"],
                 id="by-job-research-on-others-code"),
    pytest.param({"purpose": "research", "ecosystem": "science"}, ["jax"],
                 id="by-team-research-new-mathematics"),
    # By job, "Training large language models: PyTorch on GPUs; JAX on TPUs".
    pytest.param({"purpose": "research", "hardware": "nvidia", "ecosystem": "huggingface"},
                 ["pytorch"], id="by-job-llm-on-gpus"),
    pytest.param({"purpose": "research", "hardware": "tpu", "ecosystem": "huggingface"},
                 ["jax"], id="by-job-llm-on-tpus"),
    # By job, "Fine-tuning and running published models: PyTorch".
    pytest.param({"ecosystem": "huggingface"}, ["pytorch"], id="by-job-published-models"),
    # By job, "Production serving on servers: whatever you trained in".
    pytest.param({"purpose": "production", "target": "server", "team": "pytorch"}, ["pytorch"],
                 id="by-job-serving-pytorch-team"),
    pytest.param({"purpose": "production", "target": "server", "team": "tensorflow"},
                 ["tensorflow"], id="by-job-serving-tensorflow-team"),
    pytest.param({"purpose": "production", "target": "server", "team": "jax"}, ["jax"],
                 id="by-job-serving-jax-team"),
    # By job, "Mobile and edge: LiteRT or ExecuTorch"; by team, a team that ships to phones
    # trains in the framework that converts to its runtime most directly.
    pytest.param({"target": "mobile"}, ["pytorch", "tensorflow"], id="by-job-mobile"),
    # By job, "TPUs: JAX"; by hardware, "Google Cloud TPUs: JAX".
    pytest.param({"hardware": "tpu"}, ["jax"], id="by-hardware-tpus"),
    # By job, "Scientific computing and differentiable simulation: JAX".
    pytest.param({"ecosystem": "science"}, ["jax"], id="by-job-scientific-computing"),
    # By job, "Classic tabular or small models on CPU: Keras 3 or PyTorch; pick what the team
    # knows"; by hardware, "CPUs only: any of the three".
    pytest.param({"hardware": "cpu", "team": "pytorch"}, ["pytorch"], id="by-job-cpu-pytorch-team"),
    pytest.param({"hardware": "cpu", "team": "tensorflow"}, ["tensorflow"],
                 id="by-job-cpu-tensorflow-team"),
    pytest.param({"hardware": "cpu"}, ["pytorch", "tensorflow", "jax"], id="by-hardware-cpu"),
    # By team, "A team new to deep learning: Keras 3 ... PyTorch is the other common starting
    # point" (the tie text then suggests Keras 3).
    pytest.param({"purpose": "learning", "team": "none"}, ["pytorch", "tensorflow"],
                 id="by-team-new-to-deep-learning"),
    # By team, "A team with an existing TensorFlow production stack: keep ... TensorFlow".
    pytest.param({"purpose": "production", "team": "tensorflow"}, ["tensorflow"],
                 id="by-team-tensorflow-stack"),
    # By team, "A team with Google Cloud TPU access: JAX ..., or PyTorch through one of its TPU
    # routes", even for a PyTorch team that uses Hugging Face models (the reader's report).
    pytest.param({"hardware": "tpu", "team": "pytorch"}, ["jax"], id="by-team-tpu-pytorch-team"),
    pytest.param({"purpose": "research", "target": "server", "hardware": "tpu", "team": "pytorch",
                  "ecosystem": "huggingface"}, ["jax"], id="by-team-tpu-pytorch-team-hugging-face"),
    # By hardware, "NVIDIA GPUs: any of the three".
    pytest.param({"hardware": "nvidia"}, ["pytorch", "tensorflow", "jax"],
                 id="by-hardware-nvidia"),
    # By hardware, "A Mac with Apple silicon: PyTorch", whatever the team knows.
    pytest.param({"hardware": "apple"}, ["pytorch"], id="by-hardware-mac"),
    pytest.param({"hardware": "apple", "team": "jax", "ecosystem": "science"}, ["pytorch"],
                 id="by-hardware-mac-jax-team"),
    pytest.param({"hardware": "apple", "team": "tensorflow", "purpose": "production"},
                 ["pytorch"], id="by-hardware-mac-tensorflow-team"),
]


@pytest.mark.parametrize(("answers", "expected"), GUIDE_CASES)
def test_the_answer_agrees_with_the_decision_guide(data, answers, expected):
    options = {q["id"]: {o["id"] for o in q["options"]} for q in data["questions"]}
    for question, option in answers.items():
        assert option in options.get(question, ()), (
            f"tests/test_chooser.py: the guide case names {question}={option}, which "
            f"{DATA.name} does not have; update the case to the data's ids")
    [result] = chooser_rule.decide(data, [answers])
    assert result["winners"] == expected, (
        f"{DATA.name}: on {answers} the chooser answers {result['winners']} (points "
        f"{result['scores']}), but {GUIDE} says {expected}; fix the scores or fit in the data, "
        "or the guide if it is the guide that is wrong")


def test_a_mac_answers_pytorch_and_tpus_never_pytorch_alone(data):
    # By hardware: "A Mac with Apple silicon: PyTorch"; "Google Cloud TPUs: JAX", with PyTorch
    # reasonable only through a separate package. Checked over every complete set of answers.
    every = chooser_rule.all_choices(data)
    wrong = [
        (choices, winners) for choices, winners in zip(every, chooser_rule.winners(data, every),
                                                        strict=True)
        if (choices["hardware"] == "apple" and winners != ["pytorch"])
        or (choices["hardware"] == "tpu" and winners == ["pytorch"])
    ]
    assert not wrong, (f"{DATA.name} disagrees with {GUIDE}#by-hardware on "
                       f"{len(wrong)} sets of answers, such as {wrong[0]}")


def test_hardware_a_framework_cannot_use_well_costs_it_and_says_where_to_read_why(data):
    [tpu] = chooser_rule.decide(data, [{"hardware": "tpu"}])
    option = next(o for q in data["questions"] for o in q["options"] if o["id"] == "tpu")
    assert tpu["limits"] == [["pytorch", "tpu"]]
    assert tpu["scores"]["pytorch"] == option["score"]["pytorch"] - 3
    assert tpu["ranked"][-1] == "pytorch"
    # Each limited choice's first link (shown with the reason) is a section of the hardware page.
    unlinked = [
        f"{q['id']}.{o['id']}" for q in data["questions"] for o in q["options"]
        if o.get("fit") and not o["links"][0]["href"].startswith("topics/hardware.md#")
    ]
    assert not unlinked, (f"{DATA.name}: the first link of {unlinked} should be a section of "
                          "topics/hardware.md, which the answer shows next to the reason")


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


def test_only_the_chooser_page_loads_its_stylesheet(built_site):
    assert '<link rel="stylesheet" href="../chooser.css">' in (built_site / PAGE).read_text(
        encoding="utf-8"), f"{PAGE} does not link choosing/chooser.css (hooks/chooser.py)"
    others = [path for path in built_site.rglob("*.html")
              if path != built_site / PAGE and "chooser.css" in path.read_text(encoding="utf-8")]
    assert not others, f"only {PAGE} should load chooser.css, not {others[:3]}"


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
        (lambda s: s.replace("fit: {pytorch: limited}", "fit: {pytorch: poor}", 1),
         "questions[2].options[1].fit.pytorch must be 'limited' (the one level"),
        (lambda s: s.replace("fit: {pytorch: limited}", "fit: {mxnet: limited}", 1),
         "unknown key 'mxnet' in questions[2].options[1].fit; allowed: pytorch, tensorflow, jax"),
        (lambda s: s.replace("fit: {pytorch: limited}", "fit: {}", 1),
         "questions[2].options[1].fit must be a mapping of framework ids to 'limited'"),
        (lambda s: s.replace(
            "label: Nothing in particular\n", "label: Nothing in particular\n"
            "        fit: {jax: limited}\n", 1),
         "questions[4].options[2] has 'fit', so it needs the key 'links'"),
    ],
    ids=["unknown-question-key", "unknown-top-key", "unknown-framework", "bad-score", "duplicate",
         "empty-text", "question-without-id", "missing-score", "boolean-score", "empty-file",
         "bad-fit-level", "fit-unknown-framework", "empty-fit", "fit-without-links"],
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
