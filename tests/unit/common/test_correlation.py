from __future__ import annotations

from services.common.correlation import (
    REQUEST_ID_KEY,
    current_request_id,
    new_request_id,
    outgoing_metadata,
    request_id_from_metadata,
    reset_request_id,
    set_request_id,
)


def test_outgoing_metadata_carries_the_current_id() -> None:
    assert current_request_id() is None
    assert outgoing_metadata([("a", "b")]) == (("a", "b"),)
    token = set_request_id("r-1")
    try:
        assert outgoing_metadata([("a", "b")]) == (("a", "b"), (REQUEST_ID_KEY, "r-1"))
        assert outgoing_metadata([(REQUEST_ID_KEY, "chosen")]) == ((REQUEST_ID_KEY, "chosen"),)
    finally:
        reset_request_id(token)
    assert current_request_id() is None


def test_incoming_ids_must_be_plain() -> None:
    assert request_id_from_metadata([(REQUEST_ID_KEY, "abc-123")]) == "abc-123"
    assert request_id_from_metadata([(REQUEST_ID_KEY, "x" * 200)]) is None
    assert request_id_from_metadata([(REQUEST_ID_KEY, "a\nb")]) is None
    assert request_id_from_metadata(None) is None
    assert len(new_request_id()) == 32
