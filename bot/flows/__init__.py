"""Flows: one function per thing a person asks of the bot, owning its one transaction.

A flow is called alike by listeners, jobs, the CLI and the sandbox. It opens the
transaction its intent needs (a read takes no writer's turn), calls the playbook, and
returns plain values, so that no listener or builder touches storage (step 10; the rule
is held by ``tests/unit/test_layers.py`` as modules move here).
"""
