"""The built-in NLU backend: language detection + intent classifier + crisis layer.

It is CPU-only and answers in well under a millisecond, so ``parse`` runs
inline in the event loop (handing it to a thread would cost more than the
work itself).
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any

from .classifier import OOS_LABELS, IntentClassifier, ModelFormatError
from .risk import RiskTriage
from .crisis_model import CORPUS_FILE, load_or_train_crisis_model
from . import sentence
from .language import detect_language
from .message_parts import read_parts
from .rasa_yaml import RasaDataError, iter_data_files, load_examples
from .types import CATCH_DEFAULT, FALLBACK_INTENT, Parse

__all__ = [
    "BuiltinNLU",
    "crisis_model_apart",
    "default_model_path",
    "load_or_train",
    "shipped_data_dir",
    "stop_training",
    "train_missing",
    "train_model",
    "TRAIN_FILE",
]

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
        clf = _loaded(path)
        assert clf is not None  # any operating point will do
        return cls(clf, languages=languages)

    def parse_sync(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        langs = languages or self.languages
        language = detect_language(text, langs)
        risk = self.triage.assess(text).parse_fields()
        if not text.strip():
            return Parse(text, language, FALLBACK_INTENT, 0.0, **risk)  # type: ignore[arg-type]  # crisis fields
        ranking = tuple(self.classifier.rank(text, top=5, language=language))
        intent, conf = ranking[0]
        threshold = self.classifier.threshold_for(language)
        if conf < threshold:
            intent = FALLBACK_INTENT
        parts = read_parts(text, lambda part: self.classifier.rank_words(part, top=1, language=language), threshold)
        found = {"ranking": ranking, "parts": parts, **risk}
        return Parse(text, language, intent, conf, **found)  # type: ignore[arg-type]  # crisis fields

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        return self.parse_sync(text, languages)


def _newest_mtime(data: Path) -> float:
    return max((p.stat().st_mtime for p in iter_data_files(data)), default=0.0)


def _fresh(path: Path, source: Path) -> bool:
    """A model file at ``path`` written after the newest file of the data it was trained on."""
    return path.exists() and path.stat().st_mtime >= _newest_mtime(source)


def load_or_train(
    data_dir: Path, training_data: Path | None = None, *, apart: bool = False, catch: float = CATCH_DEFAULT
) -> BuiltinNLU:
    """Load ``data_dir/nlu/model.pkl``; (re)train on the shipped data if it is missing, unreadable or older than it.

    ``apart`` (what ``vikno serve`` uses): the training runs in a child process (:mod:`.train_apart`) that
    writes the model files and exits, and this process loads them as on a restart, so the memory training
    needed is not kept by the serving process. A child that dies raises
    :class:`~vikno.nlu.train_apart.TrainingFailed` (the caller keeps serving with the crisis rules); one that
    could not write the files (a read-only data folder) makes this process train itself, as before.
    ``catch`` is the operating point (the classifier's ``catch``); a saved model made for another is retrained.
    """
    path = default_model_path(data_dir)
    source = training_data or shipped_data_dir()
    if apart:
        nlu = _load_fresh(data_dir, source, catch)
        if nlu is not None:
            return nlu
        from .train_apart import CANNOT_SAVE, TrainingFailed, run_training_child

        try:
            run_training_child(data_dir, source, catch=catch, on_start=_on_child)
        except TrainingFailed as exc:
            if exc.returncode != CANNOT_SAVE:
                kept = _load_earlier(data_dir, catch)
                if kept is None:
                    raise
                log.error(
                    "%s; answering with the models trained before from %s (fix the training data and restart)",
                    exc,
                    path.parent,
                )
                return kept
            log.warning("%s; training in the serving process instead (it keeps the memory training used)", exc)
        else:
            nlu = _load_fresh(data_dir, source, catch)
            if nlu is not None:
                return nlu
            log.warning("the training process left no usable model under %s; training here", path.parent)
    triage = RiskTriage(model=load_or_train_crisis_model(data_dir, source))
    if _fresh(path, source):
        try:
            clf = _loaded(path, catch)
            if clf is not None:
                return BuiltinNLU(clf, triage)
        except (ModelFormatError, OSError, EOFError) as exc:
            log.warning("NLU model %s unusable (%s); retraining", path, exc)
    clf = _train_and_save(path, source, catch)
    clf.warm()
    return BuiltinNLU(clf, triage)


def _train_and_save(path: Path, source: Path, catch: float) -> IntentClassifier:
    clf = train_model(source, catch=catch)
    sentence.forget_cache()  # the training examples' embeddings; a serving process does not need them
    try:
        clf.save(path)
    except OSError as exc:  # a read-only data dir must not stop the bot
        log.warning("could not save NLU model to %s: %s", path, exc)
    return clf


def _load_fresh(data_dir: Path, source: Path, catch: float) -> BuiltinNLU | None:
    """Both models from their files when both are newer than the data and readable; else None."""
    from .crisis_model import CrisisModel, default_crisis_model_path, load_corpus

    path, crisis_path = default_model_path(data_dir), default_crisis_model_path(data_dir)
    if not _fresh(path, source):
        return None
    crisis: CrisisModel | None = None
    try:
        if _fresh(crisis_path, source):
            crisis = CrisisModel.load(crisis_path)
        elif any(e.label for e in load_corpus(source)):  # there is a crisis corpus, and no model of it yet
            return None
        clf = _loaded(path, catch)
        return None if clf is None else BuiltinNLU(clf, RiskTriage(model=crisis))
    except (ModelFormatError, OSError, EOFError, pickle.UnpicklingError) as exc:
        log.warning("saved NLU models under %s unusable (%s); training them again", path.parent, exc)
        return None


def _load_earlier(data_dir: Path, catch: float) -> BuiltinNLU | None:
    """The models a start before this one trained, whatever their age: when new training data cannot be trained
    (a YAML error, an intent too few), people keep the topics they had rather than only the crisis rules."""
    from .crisis_model import CrisisModel, default_crisis_model_path

    path, crisis_path = default_model_path(data_dir), default_crisis_model_path(data_dir)
    try:
        crisis = CrisisModel.load(crisis_path) if crisis_path.exists() else None
        clf = _loaded(path, catch) if path.exists() else None
    except (ModelFormatError, OSError, EOFError, pickle.UnpicklingError) as exc:
        log.warning("the models trained before under %s are unusable too (%s)", path.parent, exc)
        return None
    return None if clf is None else BuiltinNLU(clf, RiskTriage(model=crisis))


def train_missing(data_dir: Path, source: Path, *, only_crisis: bool = False, catch: float = CATCH_DEFAULT) -> bool:
    """Train and save whichever of the two models is missing, stale or unreadable (the training child's job).

    Returns whether every model file is now in place (False: the data folder could not be written).
    """
    from .crisis_model import default_crisis_model_path, load_corpus

    has_corpus = any(e.label for e in load_corpus(source))
    load_or_train_crisis_model(data_dir, source)  # loads a fresh readable file, else trains and saves
    ok = not has_corpus or _fresh(default_crisis_model_path(data_dir), source)
    if only_crisis:
        return ok
    path = default_model_path(data_dir)
    if _fresh(path, source):
        try:
            if made_for(IntentClassifier.load(path), catch):  # readable (the encoder is not loaded here)
                return ok
        except (ModelFormatError, OSError, EOFError) as exc:
            log.warning("NLU model %s unusable (%s); retraining", path, exc)
    log.info("training the intent model on %s", source)
    _train_and_save(path, source, catch)
    return ok and _fresh(path, source)


# The training child of a serving process, so that a shutdown can stop it (set by load_or_train(apart=True)).
_children: list[Any] = []


def _on_child(proc: Any) -> None:
    _children.append(proc)


def stop_training() -> None:
    """Stop a training child still running (the service is shutting down); its files are never half-written."""
    while _children:
        proc = _children.pop()
        if proc.poll() is None:
            proc.terminate()


def crisis_model_apart(data_dir: Path, source: Path | None = None) -> Any:
    """The crisis model for a backend without the built-in intents: trained in a child if missing (see above)."""
    from .crisis_model import (
        CrisisModel,
        default_crisis_model_path,
        load_corpus,
        remember_crisis_model,
        remembered_crisis_model,
    )
    from .train_apart import CANNOT_SAVE, TrainingFailed, run_training_child

    source = source or shipped_data_dir()
    known = remembered_crisis_model(source)
    if known is not None:  # another app of this process (tests, a CLI) has it already: no second child
        return known
    path = default_crisis_model_path(data_dir)
    if not _fresh(path, source) and any(e.label for e in load_corpus(source)):
        try:
            run_training_child(data_dir, source, only_crisis=True, on_start=_on_child)
        except TrainingFailed as exc:
            if exc.returncode != CANNOT_SAVE:
                raise
            log.warning("%s; training the crisis model in the serving process instead", exc)
    if _fresh(path, source):
        try:
            model = CrisisModel.load(path)
        except (ModelFormatError, OSError, EOFError, pickle.UnpicklingError) as exc:
            log.warning("crisis model %s unusable (%s); retraining", path, exc)
        else:
            remember_crisis_model(source, model)
            return model
    return load_or_train_crisis_model(data_dir, source)


def made_for(clf: IntentClassifier, catch: float | None) -> bool:
    """Whether a saved model was trained for this operating point (``None``: any will do)."""
    return catch is None or clf.params.catch == catch


def _loaded(path: Path | str, catch: float | None = None) -> IntentClassifier | None:
    """A saved model, its sentence encoder loaded now if it uses one (not inside someone's first message);
    None if it was made for another operating point than ``catch``."""
    clf = IntentClassifier.load(path)
    if not made_for(clf, catch):
        log.info(
            "NLU model %s was trained to catch %s of unseen topics, not %s: retraining", path, clf.params.catch, catch
        )
        return None
    clf.warm()
    return clf


def env_data_dir() -> Path:
    """The data directory the CLI uses by default: $VIKNO_DATA_DIR or ./.vikno-data."""
    return Path(os.environ.get("VIKNO_DATA_DIR") or ".vikno-data")
