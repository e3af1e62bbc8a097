#!/usr/bin/env python3
"""Bootstrap for a fresh machine: make ``.venv``, install the project, then run or test.

    sh dev.sh run     # (or python3 dev.py run) install, then `grievance-bot run`
    sh dev.sh test    # install with dev extras, then the whole test suite
    sh dev.sh bench   # install with dev extras, then the benchmarks (`python -m bench`)

Only the standard library is used here, so nothing but Python 3.11+ is needed first. The
install is skipped when ``pyproject.toml`` has not changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _ensure_installed() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before any install
        sys.exit(f"grievance-bot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("Creating .venv ...", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing grievance-bot and its dependencies ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            f"{ROOT}[dev]",
        ],
        check=True,
    )
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    """Dispatch ``run`` / ``test`` / ``bench`` (extra arguments are passed through)."""
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print(__doc__)
        return 2
    _ensure_installed()
    if argv[0] == "run":
        command = [str(BIN / "grievance-bot"), "run", *argv[1:]]
    elif argv[0] == "bench":
        command = [str(BIN / "python"), "-m", "bench", *argv[1:]]
    else:
        command = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
