#!/bin/sh
# The README's two commands: find a Python 3.11+ and hand over to dev.py.
#   sh dev.sh run    install into .venv, then run the bot (the sandbox without Slack tokens)
#   sh dev.sh test   install into .venv with dev tools, then run the whole test suite
#   sh dev.sh bench  install into .venv with dev tools, then the benchmarks (python -m bench)
here=$(cd "$(dirname "$0")" && pwd)
for candidate in python3 python3.13 python3.12 python3.11 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        exec "$candidate" "$here/dev.py" "$@"
    fi
done
echo "grievance-bot needs Python 3.11 or newer; none was found on PATH." >&2
exit 1
