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
    from vikno.nlu.builtin import BuiltinNLU, load_or_train
    from vikno.nlu.crisis_only import CrisisOnlyNLU

    backend = settings.nlu.backend
    if backend == "none":  # buttons only; crisis rules still apply to every text
        return CrisisOnlyNLU(), None
    if backend == "rasa":
        from vikno.nlu.rasa_http import RasaHTTPNLU

        assert settings.nlu.rasa_url is not None  # checked by the settings
        return RasaHTTPNLU(settings.nlu.rasa_url, timeout=settings.nlu.rasa_timeout), None
    model = settings.nlu.model
    if model is not None:
        return CrisisOnlyNLU(), lambda: BuiltinNLU.load(model)
    return CrisisOnlyNLU(), lambda: load_or_train(settings.data_dir)
