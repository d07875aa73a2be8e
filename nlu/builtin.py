"""The built-in NLU backend: language detection + intent classifier + crisis layer.

It is CPU-only and answers in well under a millisecond, so ``parse`` runs
inline in the event loop (handing it to a thread would cost more than the
work itself).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from collections.abc import Callable, Sequence

from .classifier import OOS_LABELS, IntentClassifier, ModelFormatError
from .risk import RiskTriage
from .crisis_model import CORPUS_FILE, load_or_train_crisis_model
from . import sentence
from .language import detect_language
from .rasa_yaml import RasaDataError, iter_data_files, load_examples
from .types import FALLBACK_INTENT, Parse

__all__ = ["BuiltinNLU", "default_model_path", "load_or_train", "shipped_data_dir", "train_model", "TRAIN_FILE"]

log = logging.getLogger(__name__)

TRAIN_FILE = "nlu.yml"  # held-out test.yml files next to it are never trained on


def shipped_data_dir() -> Path:
    """The training data that ships inside the package (nlu/data/<lang>/nlu.yml)."""
    return Path(__file__).resolve().parent / "data"


def default_model_path(data_dir: Path) -> Path:
    return Path(data_dir) / "nlu" / "model.pkl"


def training_files(data: Path) -> list[Path]:
    """The files ``train_model`` reads under ``data``: every Rasa YAML file but held-out ``test*.yml`` and the
    crisis corpus."""
    # The crisis corpus trains the crisis model (crisis_model.py), not intents.
    files = [
        p
        for p in iter_data_files(data)
        if p.name != "test.yml" and not p.name.startswith("test_") and p.name != CORPUS_FILE
    ]
    return files


def train_model(
    data: Path | str | None = None, progress: Callable[[str], None] | None = None, **params: object
) -> IntentClassifier:
    """Train on every YAML file under ``data`` except held-out ``test*.yml`` files."""
    data = Path(data) if data is not None else shipped_data_dir()
    files = training_files(data)
    examples = load_examples(files)
    # Out-of-scope examples (nlu_fallback / oos / out_of_scope) are kept: the
    # classifier trains a rejection class on them and uses them for its threshold.
    if not [e for e in examples if e.intent not in OOS_LABELS]:
        raise RasaDataError(f"{data}: no training examples found (expected Rasa NLU YAML with 'nlu:' entries)")
    return IntentClassifier(**params).fit([e.text for e in examples], [e.intent for e in examples], progress=progress)


class BuiltinNLU:
    """Implements :class:`vikno.nlu.types.Understanding` with the built-in classifier."""

    def __init__(
        self, classifier: IntentClassifier, triage: RiskTriage | None = None, languages: Sequence[str] | None = None
    ) -> None:
        self.classifier = classifier
        self.triage = triage or RiskTriage()
        self.languages = tuple(languages) if languages else None

    @classmethod
    def load(cls, path: Path | str, languages: Sequence[str] | None = None) -> BuiltinNLU:
        return cls(_loaded(path), languages=languages)

    def parse_sync(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        langs = languages or self.languages
        language = detect_language(text, langs)
        risk = self.triage.assess(text).parse_fields()
        if not text.strip():
            return Parse(text, language, FALLBACK_INTENT, 0.0, **risk)  # type: ignore[arg-type]  # crisis fields
        ranking = tuple(self.classifier.rank(text, top=5, language=language))
        intent, conf = ranking[0]
        if conf < self.classifier.threshold:
            intent = FALLBACK_INTENT
        return Parse(text, language, intent, conf, ranking=ranking, **risk)  # type: ignore[arg-type]  # crisis fields

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        return self.parse_sync(text, languages)


def _newest_mtime(data: Path) -> float:
    return max((p.stat().st_mtime for p in iter_data_files(data)), default=0.0)


def load_or_train(data_dir: Path, training_data: Path | None = None) -> BuiltinNLU:
    """Load ``data_dir/nlu/model.pkl``; (re)train on the shipped data if it is missing, unreadable or older than it."""
    path = default_model_path(data_dir)
    source = training_data or shipped_data_dir()
    triage = RiskTriage(model=load_or_train_crisis_model(data_dir, source))
    if path.exists() and path.stat().st_mtime >= _newest_mtime(source):
        try:
            return BuiltinNLU(_loaded(path), triage)
        except (ModelFormatError, OSError, EOFError) as exc:
            log.warning("NLU model %s unusable (%s); retraining", path, exc)
    clf = train_model(source)
    sentence.forget_cache()  # the training examples' embeddings; a serving process does not need them
    clf.warm()
    try:
        clf.save(path)
    except OSError as exc:  # a read-only data dir must not stop the bot
        log.warning("could not save NLU model to %s: %s", path, exc)
    return BuiltinNLU(clf, triage)


def _loaded(path: Path | str) -> IntentClassifier:
    """A saved model, its sentence encoder loaded now if it uses one (not inside someone's first message)."""
    clf = IntentClassifier.load(path)
    clf.warm()
    return clf


def env_data_dir() -> Path:
    """The data directory the CLI uses by default: $VIKNO_DATA_DIR or ./.vikno-data."""
    return Path(os.environ.get("VIKNO_DATA_DIR") or ".vikno-data")
