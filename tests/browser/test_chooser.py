"""The framework chooser works with the keyboard alone, online and from file://, and its script
gives the same answer as the reference rule in hooks/chooser.py for every combination of choices.
"""

from __future__ import annotations

import itertools

import pytest

from conftest import ROOT, load_module

pytestmark = pytest.mark.browser

PAGE = "choosing/chooser/"


chooser = load_module("hooks/chooser.py")
DATA = chooser.load(ROOT / "docs" / "choosing" / "chooser.yml")


def find_choices(winner: str) -> dict[str, str]:
    """Some complete set of answers whose only answer is ``winner``."""
    questions = DATA["questions"]
    for combo in itertools.product(*[[o["id"] for o in q["options"]] for q in questions]):
        choices = dict(zip([q["id"] for q in questions], combo, strict=True))
        if chooser.decide(DATA, choices) == [winner]:
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


def test_script_agrees_with_the_reference_rule_for_every_combination(page, served):
    page.goto(served + PAGE)
    page.wait_for_function("typeof window.chooserDecide === 'function'")
    questions = DATA["questions"]
    combos = [dict(zip([q["id"] for q in questions], combo, strict=True)) for combo in
              itertools.product(*[[o["id"] for o in q["options"]] for q in questions])]
    from_script = page.evaluate("cs => cs.map(c => window.chooserDecide(c).winners)", combos)
    mismatches = [
        (choices, got, chooser.decide(DATA, choices))
        for choices, got in zip(combos, from_script, strict=True)
        if got != chooser.decide(DATA, choices)
    ]
    assert not mismatches, f"{len(mismatches)} combinations differ, e.g. {mismatches[0]}"


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
