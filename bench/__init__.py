"""Benchmarks: how fast and how large grievance-bot is, beside a bare Bolt app in the same run.

Not timed tests: ``python -m bench`` (or ``sh dev.sh bench``) measures, prints one table
per section with its targets, and writes ``bench/RESULTS.md``. ``--quick`` is a small
smoke run; ``--only`` picks sections.
"""
