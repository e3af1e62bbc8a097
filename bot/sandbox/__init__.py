"""A local Slack: workspace state, the Web API over HTTP and Slack's side of requests.

Used by `grievance-bot sandbox` for offline tries and by the test suite.
"""
