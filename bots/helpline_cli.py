"""``vikno helpline list`` and ``vikno helpline validate DIR``: the lines a deployment runs, and a folder checked.

A helpline's technical person edits YAML, not code; ``validate`` is what they run after each edit
(no settings, no store, nothing started): every error with file, place and what to fix, exit 1; the
values the line's sources do not state and the helpline must confirm, as warnings (exit 0 still:
a line may run while its people check them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vikno.flows.content import ContentError, Helpline, load_helpline, load_helplines
from vikno.flows.content_warnings import confirm_warnings, hours_text_warnings

from .config import ConfigError, load_settings
from .content_check import content_folders


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vikno helpline", description="the helplines' content folders")
    sub = parser.add_subparsers(dest="helpline_command", required=True)
    listing = sub.add_parser(
        "list",
        help="the helplines this vikno runs: id, name, languages, hours, time zone, "
        "folder (the configured ones; none configured: every shipped line)",
    )
    listing.add_argument("--config", type=Path, help="YAML settings file (environment variables win over it)")
    validate = sub.add_parser(
        "validate",
        help="check helpline folders: errors with file, place and what to fix (exit 1); values to confirm as warnings",
    )
    validate.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="a helpline's content folder")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.helpline_command == "validate":
        return validate(args.folders)
    return list_helplines(args.config)


def validate(folders: list[Path]) -> int:
    failed = False
    for folder in folders:
        try:
            line = load_helpline(folder)
        except ContentError as exc:
            failed = True
            print(f"{folder}: {len(exc.problems)} error(s):")
            for problem in exc.problems:
                print(f"  error: {problem}")
            continue
        warnings = hours_text_warnings(line) + confirm_warnings(line)
        print(f"{folder}: ok: {line.id} ({_name(line)}); {len(warnings)} warning(s)")
        for warning in warnings:
            print(f"  warning: {warning}")
    return 1 if failed else 0


def list_helplines(config: Path | None) -> int:
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        print("vikno: the configuration is wrong:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    try:
        helplines = load_helplines(content_folders(settings))
    except ContentError as exc:
        print("vikno: the helpline content is wrong (`vikno helpline validate DIR` says where):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    rows = [("id", "name", "languages", "hours", "time zone", "folder")]
    rows += [
        (line.id, _name(line), ",".join(line.languages), _hours(line), line.settings.timezone, str(line.folder))
        for line in helplines.values()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def _name(line: Helpline) -> str:
    return line.local(line.settings.name, line.settings.default_language)


def _hours(line: Helpline) -> str:
    """The week in few words: ``mon-thu 08:00-17:00, fri 08:00-15:30, sat-sun closed``."""
    days = list(line.settings.hours.items())
    groups: list[tuple[str, str, str]] = []
    for day, spec in days:
        if groups and groups[-1][2] == spec:
            groups[-1] = (groups[-1][0], day, spec)
        else:
            groups.append((day, day, spec))
    if len(groups) == 1 and len(days) == 7:
        return f"daily {groups[0][2]}"
    return ", ".join(f"{first}{'' if first == last else '-' + last} {spec}" for first, last, spec in groups)
