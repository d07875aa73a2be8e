"""The ``vikno`` command: serve, check content, NLU tools."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

from aiohttp import web

from vikno.flows.content import ContentError, load_helplines
from vikno.flows.content_warnings import content_warnings
from vikno.storage.errors import ConfigurationError as StorageConfigurationError
from vikno.storage.errors import StoreDamaged

from .config import ConfigError, Settings, load_settings, settings_warnings
from .content_check import content_folders, helpline_references
from .stores import describe, missing_store


#: What each role may do (handoff/access.py decides; the README says the same).
ROLES = """roles:
  operator    sees the waiting chats of their helplines, teams and languages (a chat without a team or
              language is for everyone), takes them, and reads and acts only on the chats they have
  supervisor  sees and acts on every chat of their helplines, whatever its team or language: the
              supervisor page (live queue figures, who has what), taking over and reassigning chats
  admin       in the console, the same as a supervisor today; accounts are managed here, on the
              server, by whoever may run vikno with the service's settings, never in the console
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vikno", description="vikno: a multichannel chatbot for helplines")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web process (REST, channels, console)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1, or VIKNO_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080, or VIKNO_PORT)")
    serve.add_argument("--config", type=Path, help="YAML settings file (environment variables win over it)")
    check = sub.add_parser("check", help="validate settings and helpline content, then exit")
    check.add_argument("--config", type=Path)
    check.add_argument("folders", nargs="*", type=Path, help="content folders (default: the configured ones)")
    reload = sub.add_parser(
        "reload",
        help="check the helpline content, then have the running vikno serve load it (the same as sending it SIGHUP)",
    )
    reload.add_argument("--config", type=Path, help="the settings vikno serve runs with (for its data folder)")
    sub.add_parser("nlu", help="train, evaluate and try the built-in NLU (vikno nlu --help)", add_help=False)
    sub.add_parser(
        "helpline", help="list the helplines, validate a helpline folder (vikno helpline --help)", add_help=False
    )
    operator = sub.add_parser(
        "operator",
        help="manage operator accounts of the console",
        description="Accounts of the operator console, managed on the server.",
        epilog=ROLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    op_sub = operator.add_subparsers(dest="operator_command", required=True)
    add = op_sub.add_parser("add", help="create an account (asks for the password, or reads VIKNO_OPERATOR_PASSWORD)")
    add.add_argument("name", help="login: a-z, 0-9, . _ -")
    add.add_argument(
        "--role",
        default="operator",
        choices=["operator", "supervisor", "admin"],
        help="operator (default), supervisor or admin: see `vikno operator --help`",
    )
    add.add_argument("--teams", default="", help="comma-separated team ids (empty: all teams)")
    add.add_argument("--languages", default="", help="comma-separated languages, e.g. uk,ru (empty: all)")
    add.add_argument("--helplines", default="", help="comma-separated helpline ids (empty: all)")
    add.add_argument("--capacity", type=int, default=3, help="parallel chats (default 3)")
    add.add_argument(
        "--display-name",
        help="name shown to people in chats (default: the neutral role, e.g. 'фахівець'; never the login)",
    )
    add.add_argument("--config", type=Path)
    op_sub.add_parser("list", help="list accounts").add_argument("--config", type=Path)
    for name, what in (
        ("disable", "disable an account: its sessions end and its chats go back to the queue"),
        ("enable", "enable a disabled account again"),
        ("passwd", "set a new password (asked for, or VIKNO_OPERATOR_PASSWORD); sessions end"),
        ("remove", "remove an account: its sessions end and its chats go back to the queue"),
    ):
        command = op_sub.add_parser(name, help=what)
        command.add_argument("name", help="the login")
        command.add_argument("--config", type=Path)
    store = sub.add_parser("store", help="look after the store")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    store_sub.add_parser(
        "migrate", help="bring the database to this vikno's schema (serve does it at every start)"
    ).add_argument("--config", type=Path)
    backup = store_sub.add_parser(
        "backup",
        help="a consistent copy of the embedded store and its secret key into a new folder, also while "
        "vikno serve runs (MongoDB: use mongodump, see the README)",
    )
    backup.add_argument("path", type=Path, help="a folder that does not exist yet (or is empty)")
    backup.add_argument("--config", type=Path)
    restore = store_sub.add_parser(
        "restore", help="put a backup made by `vikno store backup` in the data folder (vikno must be stopped)"
    )
    restore.add_argument("path", type=Path, help="the backup's folder")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a store that is there already (it is kept beside, renamed, not deleted)",
    )
    restore.add_argument("--config", type=Path)
    from .figures_cli import add_parsers

    add_parsers(sub)
    return parser


def _fail(title: str, problems: list[str]) -> int:
    print(f"vikno: {title}:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return 2


#: Commands that read or change what a store holds: run where there is none, they would make
#: a new empty one and work on it (a typo, the wrong folder), so they refuse instead.
_ON_AN_EXISTING_STORE = {
    ("operator", "list"),
    ("operator", "disable"),
    ("operator", "enable"),
    ("operator", "passwd"),
    ("operator", "remove"),
    ("store", "migrate"),
    ("store", "backup"),
    ("figures", None),
}


def _needs_a_store(args: argparse.Namespace) -> bool:
    sub = getattr(args, "operator_command", None) or getattr(args, "store_command", None)
    return (args.command, sub) in _ON_AN_EXISTING_STORE


def describe_nlu_data() -> str:
    """``vikno nlu`` reads VIKNO_DATA_DIR alone (the NLU may not know the settings): its models' folder."""
    from vikno.nlu.builtin import env_data_dir

    return f"data folder {env_data_dir().absolute()} (NLU models: nlu/); the nlu commands use no store"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["nlu", "export-feedback"]:  # needs the store, which nlu may not import
        from .feedback_cli import main as export_feedback

        return export_feedback(argv[2:])
    if argv[:1] == ["helpline"]:  # validate needs no settings nor store: run it before either is read
        from .helpline_cli import main as helpline_main

        return helpline_main(argv[1:])
    if argv[:1] == ["nlu"]:
        from vikno.nlu.cli import main as nlu_main

        if not {"-h", "--help"} & set(argv):
            print(f"vikno: {describe_nlu_data()}", file=sys.stderr)
        return nlu_main(argv[1:])
    args = _parser().parse_args(argv)
    overrides = {"host": getattr(args, "host", None), "port": getattr(args, "port", None)}
    try:
        settings = load_settings(args.config, overrides=overrides)
    except ConfigError as exc:
        return _fail("the configuration is wrong", exc.problems)
    print(f"vikno: {describe(settings)}", file=sys.stderr, flush=True)  # first: which data this command works on
    missing = missing_store(settings) if _needs_a_store(args) else None
    if missing:
        print(f"vikno: {missing}", file=sys.stderr)
        return 2
    folders = args.folders if args.command == "check" and args.folders else content_folders(settings)
    try:
        helplines = load_helplines(folders)
    except ContentError as exc:
        again = {"serve": "start again", "reload": "reload again"}.get(args.command, "run this again")
        return _fail(f"the helpline content is wrong, fix it and {again}", exc.problems)
    wrong = helpline_references(settings, helplines)
    if wrong:
        return _fail("the configuration is wrong", wrong)
    if args.command == "check":
        for warning in settings_warnings(settings):
            print(f"warning: {warning}", file=sys.stderr)
    if args.command in ("check", "reload"):
        for warning in content_warnings(helplines):
            print(f"warning: {warning}", file=sys.stderr)
    if args.command == "check":
        print(f"ok: {len(helplines)} helpline(s): {', '.join(helplines)}; store: {settings.store_kind}")
        return 0
    if args.command == "reload":
        from .reload_cli import run_reload_command

        return run_reload_command(settings)
    if args.command == "operator":
        from .operators_cli import run_operator_command

        return run_operator_command(args, settings, helplines)
    if args.command == "store":
        from .store_cli import run_store_command

        return run_store_command(args, settings, helplines)
    if args.command in ("figures", "demo"):
        from .figures_cli import run_demo_command, run_figures_command

        return (run_figures_command if args.command == "figures" else run_demo_command)(args, settings, helplines)
    return serve(settings, helplines)


#: The store works on its own threads; the GIL is handed over sooner than the
#: default 5 ms so a finished query does not wait behind the event loop.
GIL_SWITCH_SECONDS = 0.0005


def serve(settings: Settings, helplines: dict) -> int:
    from .app import build_app

    started = time.monotonic()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from . import logredact

    logredact.install(root_handlers=True)  # every logger's lines, not only those logging paths themselves
    for warning in settings_warnings(settings):
        logging.getLogger("vikno").warning("%s", warning)
    for warning in content_warnings(helplines):
        logging.getLogger("vikno.content").warning("%s", warning)
    app = build_app(settings, helplines)
    from .reload_cli import install_reload_signal

    install_reload_signal(app, settings)  # SIGHUP and vikno reload: new content without a restart
    where = "MongoDB" if settings.mongodb_uri else f"SQLite in {settings.data_dir.resolve()}"

    async def announce(_: web.Application) -> None:
        print(
            f"vikno: serving {', '.join(helplines)} on http://{settings.host}:{settings.port} "
            f"(store: {where}; started in {time.monotonic() - started:.2f} s)",
            flush=True,
        )

    app.on_startup.append(announce)
    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            print=None,
            access_log=None,
            loop=event_loop(settings.event_loop),
        )
    except (StoreDamaged, StorageConfigurationError) as exc:  # retrying cannot mend these
        print(f"vikno: the store cannot be used: {exc}", file=sys.stderr)
        return 2
    return 0


def event_loop(kind: str = "uvloop") -> asyncio.AbstractEventLoop:
    """A new loop of the configured kind; asyncio's own where uvloop is missing (e.g. Windows)."""
    if kind == "uvloop":
        try:
            import uvloop
        except ImportError:
            logging.getLogger(__name__).warning("uvloop is not installed; using asyncio's event loop")
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


if __name__ == "__main__":
    sys.exit(main())
