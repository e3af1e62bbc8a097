"""Ask, privately, which reading of ``/grievance`` text the typist meant.

Nothing public comes from words that read two ways until the typist presses a button:
*File as grievance*, or *Run* the command they may have meant (``handlers.commands``
listens for both). The rules of which texts read two ways live in
``bot.playbook.commands``; the words wait in ``bot.playbook.readings``.
"""

from __future__ import annotations

from bot.blocks.readings import Question, did_you_mean, misfit, reading_choice, reading_text
from bot.flows import readings
from bot.playbook.commands import usage_of
from handlers.context import CommandCall


def ask(call: CommandCall, question: Question, *, run: str | None, with_words: bool) -> None:
    """Show ``question`` with the typed words; *Run* runs ``run`` (with the words after
    the subcommand when ``with_words``)."""
    text = call.parsed.text
    value = readings.offer(
        call.deps.db,
        user_id=call.user_id,
        text=text,
        run=run if question.run_label else None,
        with_words=with_words,
        now=call.deps.now(),
    )
    call.ack(text=reading_text(question), blocks=reading_choice(question, text, value))


def ask_which(call: CommandCall) -> None:
    """A lone unknown word, or a subcommand whose words do not fit it."""
    parsed = call.parsed
    if parsed.unknown is not None:
        question = did_you_mean(parsed.unknown, parsed.suggestion)
        ask(call, question, run=parsed.suggestion, with_words=False)
    else:
        ask(call, misfit(usage_of(parsed.name)), run=parsed.name, with_words=False)
