"""grievance-bot: a Slack app that helps a delivery team win back an unhappy client."""

__version__ = "0.1.0"
