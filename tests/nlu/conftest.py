"""Fixtures of the NLU tests."""

from __future__ import annotations

import pytest

from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import RiskTriage


@pytest.fixture(scope="module")
def triage(shipped_crisis_model: CrisisModel) -> RiskTriage:
    """The shipped triage (rules and the crisis model, trained once per run: tests/conftest.py), one per module."""
    return RiskTriage(model=shipped_crisis_model)
