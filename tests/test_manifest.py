"""manifest.yml is a valid Slack manifest and matches what the app registers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.surface import BOT_EVENTS, BOT_SCOPES, MESSAGE_SHORTCUTS, SLASH_COMMAND, event_types
from handlers import register_all

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT.parent / "shared" / "slack-manifest-schema"
SCHEMA_URL = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


class RecordingApp:
    """Stands in for a Bolt App and records what the handlers register."""

    def __init__(self) -> None:
        self.registered: dict[str, set[str]] = {}

    def _record(self, kind: str, key: object) -> Any:
        if isinstance(key, str):
            self.registered.setdefault(kind, set()).add(key)
        elif isinstance(key, dict) and "callback_id" in key:
            if key.get("type") == "message_action":
                kind = "message_shortcut"
            self.registered.setdefault(kind, set()).add(str(key["callback_id"]))
        return lambda func: func

    def __getattr__(self, kind: str) -> Any:
        if kind in {"middleware", "error"}:
            return lambda func: func
        return lambda key=None, *args, **kwargs: self._record(kind, key)


def test_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMAS.exists():
        pytest.skip("Slack's manifest schema is not beside the project")
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    def load(name: str) -> Resource:
        return Resource.from_contents(json.loads((SCHEMAS / name).read_text()))

    registry = Registry().with_resources(
        [
            (SCHEMA_URL + n, load(n))
            for n in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json")
        ]
    )
    validator = Draft7Validator(
        json.loads((SCHEMAS / "manifest.schema.json").read_text()), registry=registry
    )
    errors = [e.message for e in validator.iter_errors(manifest)]
    assert errors == []


def test_manifest_declares_the_apps_surface(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [SLASH_COMMAND]
    assert commands[0]["should_escape"] is True
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == sorted(BOT_EVENTS)
    shortcuts = manifest["features"].get("shortcuts", [])
    assert sorted(s["callback_id"] for s in shortcuts if s["type"] == "message") == sorted(
        MESSAGE_SHORTCUTS
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_handlers_register_exactly_the_manifests_surface(manifest: dict[str, Any]) -> None:
    recorder = RecordingApp()
    register_all(recorder, deps=None)  # type: ignore[arg-type]
    registered = recorder.registered
    assert registered.get("command", set()) == {SLASH_COMMAND}
    assert registered.get("event", set()) - {"message"} <= event_types()
    assert registered.get("message_shortcut", set()) == set(MESSAGE_SHORTCUTS)
    global_shortcuts = {
        s["callback_id"] for s in manifest["features"].get("shortcuts", []) if s["type"] == "global"
    }
    assert registered.get("shortcut", set()) == global_shortcuts
    urls = [
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    ]
    assert all(re.search(r"/slack/events$", url) for url in urls)


def test_every_subcommand_in_the_help_has_a_listener_and_the_reverse() -> None:
    from bot.playbook.commands import SUBCOMMANDS
    from handlers.commands import ROUTES

    assert {usage.name for usage in SUBCOMMANDS} == set(ROUTES)
