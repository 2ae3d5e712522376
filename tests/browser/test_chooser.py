"""The framework chooser works with the keyboard alone, online and from file://, and the page
shows the answer its script's rule gives (tests/test_chooser.py runs that rule in Node over every
combination of choices). The verdict is announced and stays in sight, the last answer brings the
reasons into view, and the answers live in the address, so a result can be shared and reloaded.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

import chooser_rule
from conftest import ROOT, load_module

pytestmark = pytest.mark.browser

PAGE = "choosing/chooser/"


chooser = load_module("hooks/chooser.py")
DATA = chooser.load(ROOT / "docs" / "choosing" / "chooser.yml")


def find_choices(winner: str) -> dict[str, str]:
    """Some complete set of answers whose only answer, by chooser.js's rule, is ``winner``."""
    every = chooser_rule.all_choices(DATA)
    for choices, winners in zip(every, chooser_rule.winners(DATA, every), strict=True):
        if winners == [winner]:
            return choices
    raise AssertionError(f"no choices make {winner} the answer")


def answer_with_keyboard(page, choices: dict[str, str]) -> None:
    """Tab into each question's radio group, Space to pick its first option, arrows to move."""
    page.locator("#chooser-form input[type=radio]").first.focus()
    for n, question in enumerate(DATA["questions"]):
        if n:
            page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.name")
        assert focused == question["id"], f"Tab reached {focused!r}, not {question['id']!r}"
        page.keyboard.press("Space")
        index = [o["id"] for o in question["options"]].index(choices[question["id"]])
        for _ in range(index):
            page.keyboard.press("ArrowDown")
        checked = page.locator(f'input[name="{question["id"]}"]:checked').get_attribute("value")
        assert checked == choices[question["id"]]


@pytest.mark.parametrize("winner", list(DATA["frameworks"]))
def test_keyboard_answers_give_the_expected_framework(page, served, winner):
    choices = find_choices(winner)
    page.goto(served + PAGE)
    answer = page.locator("#chooser-answer")
    assert answer.get_attribute("role") == "status"
    assert answer.get_attribute("aria-live") == "polite"
    answer_with_keyboard(page, choices)
    name = DATA["frameworks"][winner]["name"]
    page.wait_for_function(
        "name => document.getElementById('chooser-answer').textContent"
        ".includes(name + ' fits best')",
        arg=name,
    )
    details = page.locator("#chooser-details")
    assert details.locator("h3").first.inner_text() == name
    # The reasons shown are the data's notes for this framework, and its page is linked.
    first_note = next(
        o["notes"][winner] for q in DATA["questions"] for o in q["options"]
        if o["id"] == choices[q["id"]] and len(set(o["notes"].values())) > 1
    )
    assert " ".join(first_note.split()) in " ".join(details.inner_text().split())
    assert details.locator(f'a:has-text("More about {name}")').count() == 1
    # The script keeps its rule to itself: no test hook or other global on the page.
    assert page.evaluate("Object.keys(window).filter(k => /chooser|decide/i.test(k))") == []
    # Keyboard answers do not scroll the page away from the focus, and the verdict pinned to the
    # window's foot does not hide the focused option.
    assert page.evaluate("""() => {
        const input = document.activeElement, box = input.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === input;
    }"""), f"{PAGE}: the focused option is off screen or under the verdict (extra.css)"


def test_reset_clears_the_answer(page, served):
    page.goto(served + PAGE)
    page.locator("#chooser-form input[type=radio]").first.check()
    page.wait_for_selector("#chooser-answer .chooser__headline")
    page.get_by_role("button", name="Start again").click()
    page.wait_for_function(
        "document.getElementById('chooser-answer').textContent.includes('Answer any question')")
    assert page.locator("#chooser-form input:checked").count() == 0


def test_chooser_works_offline_from_a_file_url(page, offline_site):
    page.goto((offline_site / "choosing" / "chooser.html").as_uri())
    page.locator("#chooser-form input[type=radio]").first.check()
    page.wait_for_selector("#chooser-answer .chooser__headline")


# The reader's report: a PyTorch team using Hugging Face models on TPUs. The guide says JAX.
TPU_TEAM = {"purpose": "research", "target": "server", "hardware": "tpu", "team": "pytorch",
            "ecosystem": "huggingface"}
QUERY = "&".join(f"{q}={o}" for q, o in TPU_TEAM.items())


def click_answers(page, choices: dict[str, str]) -> None:
    for question, option in choices.items():
        page.locator(f'label[for="chooser-{question}-{option}"]').click()


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }", selector)


def assert_tpu_team_result(page, where: str) -> None:
    for question, option in TPU_TEAM.items():
        assert page.locator(f"#chooser-{question}-{option}").is_checked(), (
            f"{where}: the address names {question}={option}, but that option is not checked "
            "(chooser.js readUrl)")
    page.wait_for_function(
        "document.getElementById('chooser-answer').textContent.includes('JAX fits best')")
    details = page.locator("#chooser-details")
    text = " ".join(details.inner_text().split())
    assert "PyTorch on \u201cGoogle Cloud TPUs\u201d" in text, (
        f"{where}: the answer does not say why PyTorch ranks lower on TPUs (chooser.js limitsList)")
    assert details.locator('a[href*="topics/hardware"][href$="#tpu"]').count(), (
        f"{where}: the reason does not link to the hardware page's TPU section")


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_verdict_stays_in_sight_and_the_last_answer_brings_the_reasons_into_view(
        browser, served, motion):
    context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion=motion)
    page = context.new_page()
    page.goto(served + PAGE)
    page.evaluate("""() => {
        window.liveTexts = [];
        new MutationObserver(() => liveTexts.push(
            document.getElementById('chooser-answer').textContent))
          .observe(document.getElementById('chooser-answer'),
                   {childList: true, subtree: true, characterData: true});
    }""")
    answers = list(TPU_TEAM.items())
    for n, (question, option) in enumerate(answers[:-1], start=1):
        click_answers(page, {question: option})
        assert f"{n} of {len(answers)} answered" in page.locator("#chooser-answer").inner_text()
        assert in_view(page, "#chooser-answer"), (
            f"{PAGE}: after answering {question}, the verdict is out of sight; it should stick to "
            "the window's foot while the questions are on screen (extra.css .chooser__answer)")
    click_answers(page, dict(answers[-1:]))
    # Smooth scrolling takes a moment; the heading ends near the top of the window.
    page.wait_for_function(
        "() => { const r = document.getElementById('your-answer').getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight / 3; }", timeout=5000)
    assert page.evaluate("document.getElementById('chooser-details').getBoundingClientRect().top"
                         " < innerHeight / 2"), (
        f"{PAGE}: the last answer should bring the reasons into view (chooser.js update)")
    announced = page.evaluate("liveTexts")
    assert announced and "JAX fits best" in announced[-1], (
        f"{PAGE}: the live region #chooser-answer did not announce the new answer: {announced}")
    context.close()


def test_answers_live_in_the_address_and_come_back_on_reload(page, served):
    page.goto(served + PAGE + "?h=tensor")  # search's highlight parameter stays
    click_answers(page, TPU_TEAM)
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert query == {"h": "tensor", **TPU_TEAM}, (
        f"{PAGE}: the address should hold the answers (chooser.js urlFor), not {page.url}")
    page.reload()
    assert_tpu_team_result(page, f"{PAGE} after a reload")
    other = page.context.new_page()
    other.goto(page.url)
    assert_tpu_team_result(other, f"{PAGE} opened from its address")
    other.close()
    page.get_by_role("button", name="Start again").click()
    page.wait_for_function("!location.search.includes('purpose=')")
    assert dict(parse_qsl(urlsplit(page.url).query)) == {"h": "tensor"}
    # An answer the data does not have is ignored, not guessed at.
    page.goto(served + PAGE + "?hardware=quantum&team=pytorch")
    assert page.locator("#chooser-form input:checked").count() == 1
    assert "1 of 5 answered" in page.locator("#chooser-answer").inner_text()


def test_copy_link_gives_an_address_that_opens_on_the_result(context, served):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(served))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.goto(served + PAGE)
    click_answers(page, TPU_TEAM)
    page.get_by_role("button", name="Copy link to this result").click()
    page.wait_for_function(
        "document.querySelector('.chooser__copied').textContent === 'Link copied.'")
    link = page.evaluate("navigator.clipboard.readText()")
    assert urlsplit(link).fragment == "your-answer"
    assert dict(parse_qsl(urlsplit(link).query)) == TPU_TEAM
    shared = context.new_page()
    shared.goto(link)
    assert_tpu_team_result(shared, f"{PAGE} opened from a copied link")
    assert in_view(shared, "#your-answer"), "a copied link should open on the answer"


def test_answers_in_the_address_work_from_a_file_url(page, offline_site):
    url = (offline_site / "choosing" / "chooser.html").as_uri()
    page.goto(f"{url}?{QUERY}")
    assert_tpu_team_result(page, "choosing/chooser.html from file://")
    page.locator('label[for="chooser-hardware-nvidia"]').click()
    page.wait_for_function("location.search.includes('hardware=nvidia')")
    page.reload()
    assert page.locator("#chooser-hardware-nvidia").is_checked()
