"""``vikno nlu export-feedback``: operators' marks as Rasa YAML, under the helpline's retention rules.

The marks live in the store a running vikno writes (the embedded SQLite
file in the data folder, or MongoDB), found the way ``vikno operator``
finds it: the same settings (``--config``, the environment). Unlike a
server, an export never makes a store: a data folder without vikno's
database is a wrong folder (a typo, the wrong machine), and exporting
"nothing" from a fresh empty store would hide that, so it refuses.

Marks hold people's own words, so the export first deletes those older
than ``VIKNO_FEEDBACK_RETENTION_DAYS`` (the console's upkeep does the same
every hour) and writes its file readable by its owner only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from vikno.nlu.feedback_yaml import feedback_yaml
from vikno.storage.errors import ConfigurationError, StoreDamaged, StoreUnavailable
from vikno.storage.models import utcnow
from vikno.storage.sqlite.store import FILENAME

from .config import ConfigError, Settings, load_settings
from .stores import describe, store_for


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="vikno nlu export-feedback",
        description="Write operators' 'crisis' / 'not a crisis' marks as Rasa NLU YAML (intents crisis__feedback "
        "and safe__feedback per language), to add to nlu/data/<lang>/crisis.yml. Marks older than "
        "the retention time (VIKNO_FEEDBACK_RETENTION_DAYS) are deleted first.",
    )
    p.add_argument(
        "--since", type=_when, help="only marks made on or after this date (YYYY-MM-DD, or an ISO time; UTC)"
    )
    p.add_argument("--out", type=Path, help="write to this file (created readable by you only); default: stdout")
    p.add_argument("--helpline", action="append", help="only this helpline's marks (may be given again)")
    p.add_argument("--config", type=Path, help="YAML settings file of the vikno whose marks to export")
    return p


def _when(value: str) -> datetime:
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a wrong argument (argparse said why)
        return int(exc.code or 0)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print("vikno: the configuration is wrong:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(f"vikno: {describe(settings)}", file=sys.stderr, flush=True)
    if not settings.mongodb_uri and not (settings.data_dir / FILENAME).is_file():
        print(
            f"vikno: no vikno store in {settings.data_dir.resolve()} (no {FILENAME}): run this where "
            "`vikno serve` keeps its data, or name that folder with VIKNO_DATA_DIR or --config",
            file=sys.stderr,
        )
        return 2
    try:
        return asyncio.run(_export(args, settings))
    except StoreUnavailable as exc:
        print(f"vikno: the store is not reachable: {exc}", file=sys.stderr)
        return 1
    except (StoreDamaged, ConfigurationError) as exc:
        print(f"vikno: the store cannot be opened: {exc}", file=sys.stderr)
        return 2


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    store = store_for(settings)
    try:
        await store.open()
        now = utcnow()
        retention = timedelta(days=settings.feedback_retention_days)
        forgotten = await store.feedback.delete_older(now - retention)
        marks = await store.feedback.since(args.since, helplines=args.helpline)
    finally:
        await store.close()
    text = feedback_yaml(marks, exported_at=now, since=args.since)
    if args.out is None:
        sys.stdout.write(text)
    else:
        _write_private(args.out, text)
    by_language = Counter(m.language or "unknown" for m in marks)
    where = f" to {args.out}" if args.out else ""
    print(
        f"vikno: exported {len(marks)} mark(s){where}"
        + (f" ({', '.join(f'{lang}: {n}' for lang, n in sorted(by_language.items()))})" if marks else "")
        + f"; deleted {forgotten} mark(s) older than {settings.feedback_retention_days} days",
        file=sys.stderr,
    )
    return 0


def _write_private(path: Path, text: str) -> None:
    """People's words: the file is the owner's alone (0600), also when it existed before with looser rights."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
