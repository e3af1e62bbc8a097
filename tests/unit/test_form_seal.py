"""A form's state comes back only as the bot sealed it, and only from whom it was for."""

from __future__ import annotations

from bot.form_seal import FormSeal

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
STATE = '{"team_id":"T0SANDBOX","channel_id":"CACME"}'


def test_a_sealed_form_opens_for_the_person_it_was_opened_for() -> None:
    seal = FormSeal(SECRET)
    assert seal.open(seal.seal(STATE, "UCARLA"), "UCARLA") == STATE


def test_someone_else_cannot_submit_it() -> None:
    seal = FormSeal(SECRET)
    assert seal.open(seal.seal(STATE, "UANA"), "UCARLA") is None


def test_edited_or_unsealed_state_is_refused() -> None:
    seal = FormSeal(SECRET)
    sealed = seal.seal(STATE, "UCARLA")
    assert seal.open(sealed.replace("CACME", "CGLOBEX"), "UCARLA") is None
    assert seal.open(STATE, "UCARLA") is None
    assert seal.open(5, "UCARLA") is None


def test_another_secret_does_not_open_it_and_the_secret_is_not_in_it() -> None:
    sealed = FormSeal(SECRET).seal(STATE, "UCARLA")
    assert FormSeal("another-signing-secret").open(sealed, "UCARLA") is None
    assert SECRET not in sealed


def test_a_form_that_remembers_nothing_stays_empty() -> None:
    seal = FormSeal(SECRET)
    assert seal.seal("", "UCARLA") == ""
    assert seal.open("", "UCARLA") == ""
