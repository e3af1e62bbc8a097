"""What an automated accessibility check looks for, checked on every kind of page: a
language, a title, one main heading, labelled form fields and buttons, captioned tables
with header cells, named links, charts with a text alternative, and a page that fits a
375 px screen (a viewport, tables that scroll on their own)."""

from __future__ import annotations

from html.parser import HTMLParser
from importlib import resources
from urllib.parse import urlencode, urlsplit

from bot.sandbox.stack import SandboxStack
from tests.web.browser import Browser, signed_in
from tests.web.case_seed import seed


class _Audit(HTMLParser):
    """Collects the facts the rules below need, in one pass."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.viewport = False
        self.title = ""
        self.h1 = 0
        self.labels: set[str] = set()
        self.inputs: list[dict[str, str | None]] = []
        self.open: list[str] = []
        self.texts: dict[str, str] = {}
        self.problems: list[str] = []
        self._table_caption: list[bool] = []
        self._svg_named = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = "width=device-width" in (a.get("content") or "")
        if tag == "h1":
            self.h1 += 1
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag == "input" and a.get("type") != "hidden":
            self.inputs.append(a)
        if tag == "table":
            self._table_caption.append(False)
        if tag == "caption" and self._table_caption:
            self._table_caption[-1] = True
        if tag == "svg" and not (a.get("role") == "img" and a.get("aria-labelledby")):
            self.problems.append("an svg without role=img and a label")
        if tag in {"a", "button", "title"}:
            self.open.append(tag)
            self.texts[tag] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._table_caption and not self._table_caption.pop():
            self.problems.append("a table without a caption")
        if tag in {"a", "button"} and self.open and self.open[-1] == tag:
            self.open.pop()
            if not self.texts[tag].strip():
                self.problems.append(f"an empty {tag}")
        if tag == "title" and self.open and self.open[-1] == "title":
            self.open.pop()
            self.title = self.texts["title"]

    def handle_data(self, data: str) -> None:
        for tag in self.open:
            self.texts[tag] += data


def _audit(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    problems = list(audit.problems)
    if audit.lang != "en":
        problems.append("no language")
    if not audit.viewport:
        problems.append("no viewport for small screens")
    if not audit.title.strip():
        problems.append("no title")
    if audit.h1 != 1:
        problems.append(f"{audit.h1} main headings")
    problems += [
        f"an unlabelled input {i}" for i in audit.inputs if i.get("id") not in audit.labels
    ]
    if "<table" in html and '<div class="scroll">' not in html:
        problems.append("a table that would widen the page at 375 px")
    return problems


def test_every_kind_of_page_passes_the_audit(stack: SandboxStack) -> None:
    seed(stack)
    ana = signed_in(stack, "UANA")
    case = ana.get(stack.url + "/cases/1")
    token = case.text.split('name="csrf" value="')[1].split('"')[0]
    made = ana.request("POST", stack.url + "/cases/1/shares", body=urlencode({"csrf": token}))
    link = urlsplit(made.text.split('readonly value="')[1].split('"')[0]).path
    pages = {
        "case list": ana.get(stack.url + "/cases"),
        "case": ana.get(stack.url + "/cases/1"),
        "grievance": ana.get(stack.url + "/cases/1/grievances/2"),
        "share made": made,
        "shared case": Browser().get(stack.url + link),
        "not found": ana.get(stack.url + "/cases/999"),
        "refused sign-in": Browser().get(stack.url + "/signin/callback?state=x&code=y"),
    }
    for name, page in pages.items():
        assert _audit(page.text) == [], name


def test_the_stylesheet_keeps_focus_visible_and_text_dark() -> None:
    css = resources.files("bot.webview").joinpath("static", "web.css").read_text()
    assert "a:focus" in css and "outline: 3px solid" in css  # keyboard users see where they are
    assert "color: #1a1a1a" in css  # body text well over 4.5:1 on white
