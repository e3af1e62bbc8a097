"""The playbook: the domain rules of a client recovery, free of Slack and HTTP.

Handlers, the scheduler, the CLI and tests all call these functions; each takes the
caller's session (keyword ``session``) and never commits it.
"""
