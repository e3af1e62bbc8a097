"""Which leads a confidential grievance names: a mention, or a name as a whole word."""

from __future__ import annotations

from bot.playbook.confidential import Lead, names_lead, route

BEN = Lead("UBEN", "ben", ("ben", "Ben Okafor", "Ben"))
ANA = Lead("UANA", "ana", ("ana", "Ana Lima", "Ana"))


def test_a_mention_or_a_name_as_a_word_names_a_lead_and_a_longer_word_does_not() -> None:
    assert names_lead("<@UBEN|ben> shouted at us", BEN)
    assert names_lead("Your PM Ben was rude", BEN)
    assert names_lead("ben okafor promised a fix", BEN)
    assert not names_lead("The benchmark numbers were wrong", BEN)
    assert not names_lead("Bananas", ANA)


def test_the_leads_it_names_are_not_sent_it_and_the_filer_is_never_a_recipient() -> None:
    routing = route("Ben was rude", [ANA, BEN], reporter_id="UCARLA")
    assert (routing.recipients, routing.withheld, routing.must_ask) == ((ANA,), (BEN,), False)
    only = route("Ben was rude", [BEN], reporter_id="UCARLA")
    assert only.must_ask
    assert route("Ben was rude", [ANA, BEN], reporter_id="UANA").must_ask
