"""Choose the NLU backend from the settings.

Returns what the engine uses at once (never nothing when safety is at stake:
at least the crisis rules) and, where a model must be loaded or trained
first, a blocking loader the app runs on a thread. Every backend gets the
learned crisis model (three levels of risk) once it is loaded; until then the
rules alone decide, crisis or none.

Models that are missing or older than their data are trained in a child
process that writes the files and exits (``vikno.nlu.train_apart``); the
serving process only loads them, as on a restart, so it does not keep the
memory training needed.
"""

from __future__ import annotations

from collections.abc import Callable

from vikno.nlu.types import Understanding

from .config import Settings


def load_nlu(settings: Settings) -> tuple[Understanding | None, Callable[[], Understanding] | None]:
    from vikno.nlu.builtin import BuiltinNLU, crisis_model_apart, load_or_train
    from vikno.nlu.crisis_only import CrisisOnlyNLU
    from vikno.nlu.risk import RiskTriage

    def triage() -> RiskTriage:
        return RiskTriage(model=crisis_model_apart(settings.data_dir))

    backend = settings.nlu.backend
    if backend == "none":  # buttons only; crisis triage still applies to every text
        return CrisisOnlyNLU(), lambda: CrisisOnlyNLU(triage())
    if backend == "rasa":
        from vikno.nlu.rasa_http import RasaHTTPNLU

        assert settings.nlu.rasa_url is not None  # checked by the settings
        url, timeout = settings.nlu.rasa_url, settings.nlu.rasa_timeout
        return RasaHTTPNLU(url, timeout=timeout), lambda: RasaHTTPNLU(url, timeout=timeout, triage=triage())
    model = settings.nlu.model
    if model is not None:
        return CrisisOnlyNLU(), lambda: BuiltinNLU(BuiltinNLU.load(model).classifier, triage())
    return CrisisOnlyNLU(), lambda: load_or_train(settings.data_dir, apart=True, catch=settings.nlu.catch)
