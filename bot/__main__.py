"""Allow ``python -m bot`` as an alias of the ``grievance-bot`` console script."""

from bot.cli import main

raise SystemExit(main())
