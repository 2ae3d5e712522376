"""The framework chooser works with the keyboard alone, online and from file://, and the page
shows the answer its script's rule gives (tests/test_chooser.py runs that rule in Node over every
combination of choices).
"""

from __future__ import annotations

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
