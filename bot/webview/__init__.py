"""The web view: server-rendered pages of the cases, served by the bot's own process.

``bot.web`` mounts :class:`bot.webview.app.WebView` for every path that is not Slack's or
the health check. Reading goes through ``bot.flows.web`` (the same access policy as in
Slack); this package only signs people in, keeps their session, and renders.
"""
