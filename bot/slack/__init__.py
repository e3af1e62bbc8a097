"""Everything that talks to Slack's Web API, shared by listeners, jobs and the CLI.

The client and its fault table, the outbound pool that runs work after an
acknowledgement, private notes, DMs and permalinks, profile and channel lookups, and the
rules that tell which side of the relationship a Slack user is on.
"""
