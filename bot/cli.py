"""The ``grievance-bot`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.settings import Settings, SettingsError, load_settings

MODE_SLACK_HTTP = (
    "grievance-bot: connecting to Slack over HTTP on port {port} ({url}); "
    "unset SLACK_BOT_TOKEN to try the local sandbox instead."
)
MODE_SLACK_SOCKET = (
    "grievance-bot: connecting to Slack in Socket Mode ({url}); "
    "unset SLACK_BOT_TOKEN to try the local sandbox instead."
)
MODE_SANDBOX = (
    "grievance-bot: no SLACK_BOT_TOKEN set, so this is the local sandbox (no Slack "
    "needed). To run against Slack, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grievance-bot",
        description="A Slack app that helps a delivery team win back an unhappy client.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run the bot: Slack when SLACK_BOT_TOKEN is set, else the local sandbox"
    )
    run.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run due work in this process (use `grievance-bot tick` from cron)",
    )
    tick = commands.add_parser(
        "tick", help="run everything due (reminders, check-ins) once and exit; for cron"
    )
    tick.add_argument(
        "--at",
        metavar="ISO_TIME",
        type=_iso_time,
        help="act as if it were this time (default: now), e.g. 2026-12-01T09:30:00+00:00",
    )
    sandbox = commands.add_parser(
        "sandbox", help="try the bot offline against a local Slack emulator"
    )
    sandbox.add_argument(
        "--demo",
        action="store_true",
        help="replay the guided tour, on a throwaway database of its own",
    )
    commands.add_parser("check", help="check settings, Slack token and scopes, and the database")
    db = commands.add_parser("db", help="database schema: upgrade or show the revision")
    db.add_argument("action", choices=["upgrade", "current"])
    export = commands.add_parser(
        "export", help="write the case history as JSON, CSV or markdown (needs no Slack)"
    )
    export.add_argument(
        "--case",
        metavar="NAME_OR_CHANNEL",
        help="only the case with this client name or channel id",
    )
    export.add_argument(
        "--format",
        choices=["json", "csv", "markdown"],
        default="json",
        help="json (lossless, the default), csv (one row per timeline entry) or markdown",
    )
    export.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument(
        "--include-confidential",
        action="store_true",
        help="include confidential grievances and their entries (withheld by default)",
    )
    purge = commands.add_parser(
        "purge",
        help="erase one person's words (a data-subject request) or delete a whole case",
    )
    target = purge.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--user",
        metavar="SLACK_USER_ID",
        help="erase this person's words and name; counts, statuses and ratings stay",
    )
    target.add_argument(
        "--case",
        metavar="NAME_OR_CHANNEL",
        help="delete the case with this client name or channel id, and everything in it",
    )
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


def _iso_time(text: str) -> datetime:
    """An ISO 8601 time; a time without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO time like 2026-12-01T09:30:00+00:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _settings() -> Settings:
    return load_settings()


def _run(settings: Settings, scheduler: bool = True) -> int:
    from bot.logs import configure_logging
    from bot.preflight import open_database, verify_slack
    from bot.runtime import build_runtime, serve_http, serve_socket_mode

    if not settings.has_slack:
        print(MODE_SANDBOX, flush=True)
        return _sandbox(settings)
    settings.require_slack()
    socket_mode = settings.slack_app_token is not None
    template = MODE_SLACK_SOCKET if socket_mode else MODE_SLACK_HTTP
    print(template.format(port=settings.port, url=settings.slack_api_url), flush=True)
    verify_slack(settings)
    db = open_database(settings.database_url)
    configure_logging(settings.log_level_number, settings.secrets())
    runtime = build_runtime(settings, db, scheduler=scheduler)
    if socket_mode:
        serve_socket_mode(runtime)
    else:
        serve_http(runtime)
    return 0


def _tick(settings: Settings, at: datetime | None) -> int:
    """Run what is due once. Slack and the database are tried first, before logging
    starts: when either is unusable, nothing is claimed, so what is due stays due for the
    next tick, and the operator reads one line saying which variable to fix."""
    from bot.jobs import run_due
    from bot.logs import configure_logging
    from bot.preflight import open_database, verify_slack
    from bot.slack.client import make_web_client
    from storage.clock import utcnow

    if settings.slack_bot_token is None:
        raise SettingsError(
            "SLACK_BOT_TOKEN is missing: tick posts to Slack, so it needs the bot token (xoxb-...)"
        )
    verify_slack(settings)
    db = open_database(settings.database_url)
    configure_logging(settings.log_level_number, settings.secrets())
    try:
        client = make_web_client(
            settings.slack_bot_token.get_secret_value(), settings.slack_api_url
        )
        done = run_due(db, client, at or utcnow(), public_url=settings.public_url)
    finally:
        db.dispose()
    print(", ".join(f"{name}: {count}" for name, count in done.items()))
    return 1 if any(count < 0 for count in done.values()) else 0


def _sandbox(settings: Settings, demo: bool = False) -> int:
    from bot.sandbox.session import run_demo, run_sandbox

    if demo:
        return run_demo(settings, sys.stdout)
    return run_sandbox(settings, sys.stdin, sys.stdout)


def _check(settings: Settings) -> int:
    from bot.check import run_checks

    findings = run_checks(settings)
    for finding in findings:
        mark = "ok " if finding.ok else "!! "
        print(f"{mark} {finding.subject}: {finding.detail}")
    bad = [f for f in findings if not f.ok]
    print("All good." if not bad else f"{len(bad)} problem(s) to fix.")
    return 0 if not bad else 1


def _db(settings: Settings, action: str) -> int:
    from bot.preflight import open_database
    from storage.migrate import current_revision

    db = open_database(settings.database_url, migrate=action == "upgrade")
    try:
        print(f"database at revision {current_revision(db.engine)}")
    finally:
        db.dispose()
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    """Export the history; reads DATABASE_URL only, so it works where Slack tokens are absent.

    Migrations run first so a fresh or older database exports instead of failing. The
    document is built before the output file is opened, so an unknown ``--case`` leaves no
    empty file behind. Data goes to stdout or FILE; notes go to stderr so a pipe stays clean.
    """
    from bot.export import WRITERS, UnknownCaseError, build_export
    from bot.preflight import open_database

    db = open_database(settings.database_url)
    try:
        with db.transaction() as session:
            document = build_export(
                session=session,
                case_filter=args.case,
                include_confidential=args.include_confidential,
            )
    except UnknownCaseError as exc:
        print(f"grievance-bot: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    write = WRITERS[args.format]
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            write(document, out)
        print(
            f"grievance-bot: exported {len(document.cases)} case(s), "
            f"{document.grievance_count} grievance(s) and {document.entry_count} timeline "
            f"entries to {args.output}",
            file=sys.stderr,
        )
    else:
        write(document, sys.stdout)
        sys.stdout.flush()
    if document.kept_from_leads:
        print(
            f"grievance-bot: included {document.kept_from_leads} confidential grievance(s) "
            "the bot keeps from the lead(s) they name; each lists them in withheld_from",
            file=sys.stderr,
        )
    if document.withheld_confidential or document.withheld_confidential_entries:
        print(
            f"grievance-bot: withheld {document.withheld_confidential} confidential "
            f"grievance(s) ({document.withheld_confidential_entries} timeline entries); "
            "pass --include-confidential to include them",
            file=sys.stderr,
        )
    return 0


def _purge(settings: Settings, args: argparse.Namespace) -> int:
    """Erase a person's words (``--user``) or delete a case (``--case``), once confirmed.

    What will change is read and printed first, in its own short transaction, and the
    change is made in a second one: no write lock is held while a human reads and types,
    since the bot may be serving from the same database. Refusing is the default: without
    ``--yes`` only a typed "yes" goes ahead, and end of input (cron, a closed pipe) changes
    nothing. What was done goes to the log as one structured line of counts and ids, never
    the person's words, name or Slack id, so the log does not undo the erasure.
    """
    import logging

    from bot.export import UnknownCaseError
    from bot.logs import configure_logging
    from bot.playbook import purge
    from bot.preflight import open_database

    db = open_database(settings.database_url)
    configure_logging(settings.log_level_number, settings.secrets())
    try:
        plan: purge.UserPurgeSummary | purge.CasePurgeSummary
        with db.transaction() as session:
            if args.user is not None:
                plan = purge.plan_user_purge(session=session, slack_user_id=args.user)
            else:
                plan = purge.plan_case_purge(session=session, case_filter=args.case)
        if isinstance(plan, purge.UserPurgeSummary):
            print(
                f"grievance-bot purge will erase the words and name of {args.user} "
                f"({plan.people} person record(s)); counts, statuses, ratings, votes and "
                "timestamps stay:"
            )
            counts = plan.counts()
        else:
            print(
                f"grievance-bot purge will delete the case {plan.client_name} "
                f"({plan.channel_id} in {plan.team_id}) and all {plan.total} of its rows:"
            )
            counts = plan.rows
        for kind, count in counts.items():
            print(f"  {kind}: {count}")
        if not args.yes:
            print('Type "yes" to go ahead: ', end="", flush=True)
            answer = sys.stdin.readline() if sys.stdin is not None else ""
            if answer.strip().lower() != "yes":
                print("" if answer.endswith("\n") else "\n", end="")
                print("grievance-bot: not confirmed; nothing changed", file=sys.stderr)
                return 1
        with db.transaction() as session:
            if args.user is not None:
                done = purge.purge_user(session=session, slack_user_id=args.user)
                facts: dict[str, object] = {
                    "purge": "user",
                    "person_ids": list(done.person_ids),
                    **done.counts(),
                }
                said = (
                    f"erased the words of {args.user}; {done.people} person record(s) now "
                    f"read {purge.ERASED_NAME!r} with no Slack id"
                )
            else:
                gone = purge.purge_case(session=session, case_filter=args.case)
                facts = {
                    "purge": "case",
                    "case_id": gone.case_id,
                    "channel_id": gone.channel_id,
                    "team_id": gone.team_id,
                    "rows": gone.rows,
                }
                said = f"deleted the case {gone.client_name} and its {gone.total} rows"
    except (purge.UnknownUserError, UnknownCaseError, purge.AmbiguousCaseError) as exc:
        print(f"grievance-bot: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    logging.getLogger("grievance_bot.purge").info("purge done", extra=facts)
    print(f"grievance-bot: {said}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    try:
        settings = _settings()
        if args.command == "run":
            return _run(settings, scheduler=not args.no_scheduler)
        if args.command == "tick":
            return _tick(settings, args.at)
        if args.command == "sandbox":
            return _sandbox(settings, demo=args.demo)
        if args.command == "check":
            return _check(settings)
        if args.command == "export":
            return _export(settings, args)
        if args.command == "purge":
            return _purge(settings, args)
        return _db(settings, args.action)
    except SettingsError as exc:
        print(f"grievance-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
