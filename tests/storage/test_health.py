"""What a store says of its writes (issue 20 item 17): recent outcomes, and driver errors that mean "retry"."""

from __future__ import annotations

import pytest
from pymongo.errors import OperationFailure, WriteConcernError

from vikno.storage.errors import StoreUnavailable
from vikno.storage.health import WriteHealth
from vikno.storage.mongo.errors import translated


def test_a_failed_write_makes_the_store_unhealthy_until_one_works() -> None:
    health = WriteHealth()
    assert not health.failing
    health.failed(StoreUnavailable("database or disk is full"))
    assert health.failing and "disk is full" in (health.last_error or "")
    health.ok()
    assert not health.failing


@translated
async def _fails(exc: BaseException) -> None:
    raise exc


@pytest.mark.parametrize(
    "exc",
    [
        OperationFailure("No space left on device", code=14031),  # OutOfDiskSpace
        OperationFailure("not primary", code=10107),  # NotWritablePrimary
        WriteConcernError("waiting for replication timed out", code=64),
    ],
)
async def test_mongodb_refusing_writes_is_store_unavailable(exc: BaseException) -> None:
    with pytest.raises(StoreUnavailable):
        await _fails(exc)


async def test_a_wrong_request_to_mongodb_stays_what_it_is() -> None:
    with pytest.raises(OperationFailure):
        await _fails(OperationFailure("unknown operator: $bogus", code=2))


def test_a_read_that_met_damage_counts_although_other_reads_and_writes_work() -> None:
    health = WriteHealth()
    health.ok()
    health.read_failed("database disk image is malformed")
    health.ok()  # a write to an undamaged page
    assert health.failing and health.reads_failing and not health.writes_failing
