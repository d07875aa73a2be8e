"""Choose the NLU backend from the settings.

Returns what the engine uses at once (never nothing when safety is at stake:
at least the crisis rules) and, where a model must be loaded or trained
first, a blocking loader the app runs on a thread.
"""

from __future__ import annotations

from collections.abc import Callable

from vikno.nlu.types import Understanding

from .config import Settings


def load_nlu(settings: Settings) -> tuple[Understanding | None, Callable[[], Understanding] | None]:
    backend = settings.nlu.backend
    if backend == "none":
        return None, None
    try:
        from vikno.nlu.builtin import BuiltinNLU, load_or_train
        from vikno.nlu.crisis_only import CrisisOnlyNLU
    except ImportError:  # the built-in NLU is not part of this build yet
        return None, None
    if backend == "rasa":
        from vikno.nlu.rasa_http import RasaHTTPNLU

        assert settings.nlu.rasa_url, "nlu.rasa_url is required when nlu.backend is rasa"
        return RasaHTTPNLU(settings.nlu.rasa_url, timeout=settings.nlu.rasa_timeout), None
    model = settings.nlu.model
    if model is not None:
        return CrisisOnlyNLU(), lambda: BuiltinNLU.load(model)
    return CrisisOnlyNLU(), lambda: load_or_train(settings.data_dir)
