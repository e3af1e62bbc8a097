"""The console's ``wait`` command: the sandbox clock moves on, and what falls due runs.

The clock stops at each instant something is due (a check-in, a nudge, a reminder, a
digest) and runs it there, as the scheduler would, so what the bot posts is shown in
the order it would happen.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.jobs import next_due, run_due
from bot.sandbox.console.screen import ConsoleError, Screen


class ClockCommands(Screen):
    """``wait 4h``, ``wait until next monday 09:31``, ``wait until 2026-12-01T09:30Z``."""

    def _wait(self, args: list[str], rest: str) -> None:
        """Move the sandbox clock on, stopping at each instant something falls due (a
        check-in, a nudge, a reminder, a digest) to run it there, as the scheduler would."""
        if args[:2] == ["until", "next"] and len(args) == 4:
            target = self._next_weekday_time(args[2], args[3])
        elif len(args) == 2 and args[0] == "until":
            try:
                target = datetime.fromisoformat(args[1].replace("Z", "+00:00"))
            except ValueError:
                raise ConsoleError("Usage: wait until 2026-12-01T09:30Z") from None
            target = target if target.tzinfo else target.replace(tzinfo=UTC)
        else:
            match = _DURATION.fullmatch(rest.strip())
            if match is None:
                raise ConsoleError("Usage: wait <number><m|h|d>, e.g. wait 4h")
            amount, unit = int(match.group(1)), match.group(2)
            target = self.now + timedelta(**{_UNITS[unit]: amount})
        if target < self.now:
            raise ConsoleError("The sandbox clock only moves forward.")
        if target - self.now > MAX_WAIT:
            raise ConsoleError(f"Wait at most {MAX_WAIT.days} days at a time.")
        done: Counter[str] = Counter()
        while (due := next_due(self.stack.db, self.now)) is not None and due <= target:
            self._run_due_at(due, done)
        self._run_due_at(target, done)
        happened = ", ".join(f"{count} {name}" for name, count in done.items() if count > 0)
        self._print(
            f"  (it is now {self.now:%a %d %b %H:%M} UTC{'; ' + happened if happened else ''})"
        )

    def _run_due_at(self, moment: datetime, done: Counter[str]) -> None:
        """Stop the clock at ``moment`` and do what is due there, as the scheduler's tick
        would; what the bot posted is shown before the clock moves on."""
        stack = self.stack
        stack.advance(moment)
        done.update(
            run_due(stack.db, stack.app.client, self.now, public_url=stack.settings.public_url)
        )
        stack.settle()
        self._show_new_activity()

    @property
    def now(self) -> datetime:
        """The sandbox clock."""
        return self.stack.clock()

    def _next_weekday_time(self, weekday: str, clock: str) -> datetime:
        """``next monday 09:31`` (UTC), strictly after the sandbox clock: scripts stay
        deterministic whatever day they are run on."""
        days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", clock)
        if weekday.lower() not in days or match is None:
            raise ConsoleError("Usage: wait until next monday 09:31")
        target = self.now.replace(
            hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0
        )
        target += timedelta(days=(days.index(weekday.lower()) - target.weekday()) % 7)
        return target if target > self.now else target + timedelta(days=7)


#: The longest ``wait``: a month of check-ins is plenty to see, and stays quick.
MAX_WAIT = timedelta(days=31)

_DURATION = re.compile(r"(\d{1,4})\s*([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
