"""Our Meta and Google Ads requests checked against the platforms' own SDKs, offline."""

from __future__ import annotations

import json

from facebook_business.adobjects.serverside.action_source import ActionSource
from facebook_business.adobjects.serverside.content import Content
from facebook_business.adobjects.serverside.custom_data import CustomData
from facebook_business.adobjects.serverside.event import Event
from facebook_business.adobjects.serverside.event_request import EventRequest
from facebook_business.adobjects.serverside.user_data import UserData
from google.ads.googleads.v26.services.types.conversion_upload_service import (
    UploadClickConversionsRequest,
)

from services.mapper.routing import map_events
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import common_pb2
from tests.unit.mapper import factory as f

D = common_pb2.DestinationType


def rendered_body(dtype: int, event: common_pb2.CanonicalEvent) -> dict:
    index = SnapshotIndex(f.snapshot([f.destination(dtype)]))
    (result,) = map_events(index, [event], f.NOW)
    (delivery,) = result.deliveries
    assert delivery.decision == common_pb2.DELIVERY_DECISION_SEND, delivery.skip_reason
    return json.loads(delivery.request.body)


def sdk_meta_event(event: common_pb2.CanonicalEvent) -> dict:
    """The same event built with facebook-business, hashes passed as already hashed."""
    who = event.identity
    user = UserData(
        emails=[who.email],
        phones=[who.phone],
        first_names=[who.first_name],
        country_codes=[who.country],
        external_ids=[who.external_id],
        client_ip_address=event.client.ip,
        client_user_agent=event.client.user_agent,
        fbc=f"fb.1.{event.click.clicked_at.ToMilliseconds()}.{event.click.ids.fbclid}",
        fbp=event.client.fbp,
    )
    contents = [
        Content(
            product_id=item.id,
            quantity=item.quantity,
            item_price=item.price,
            title=item.name,
            category=item.category or None,
        )
        for item in event.items
    ]
    custom = CustomData(
        value=event.value,
        currency=event.currency,
        order_id=event.transaction_id,
        content_ids=[item.id for item in event.items],
        contents=contents,
        content_type="product",
        num_items=sum(item.quantity for item in event.items),
        custom_properties=dict(event.custom_fields),
    )
    sdk_event = Event(
        event_name="Purchase",
        event_time=event.event_time.seconds,
        event_id=event.event_id,
        event_source_url=event.client.page_url,
        action_source=ActionSource.WEBSITE,
        user_data=user,
        custom_data=custom,
    )
    params = EventRequest(
        pixel_id="0", events=[sdk_event], test_event_code="TEST12345"
    ).get_params()
    return {"data": [json.loads(params["data"][0])], "test_event_code": params["test_event_code"]}


def test_meta_body_matches_facebook_business_field_by_field() -> None:
    event = f.event(test=True)
    ours = rendered_body(D.DESTINATION_TYPE_META, event)
    theirs = sdk_meta_event(event)
    assert ours["test_event_code"] == theirs["test_event_code"]
    our_event, sdk_event = ours["data"][0], theirs["data"][0]
    assert set(our_event) == set(sdk_event)
    for key in ("event_name", "event_time", "event_id", "action_source", "event_source_url"):
        assert our_event[key] == sdk_event[key], key
    assert set(our_event["user_data"]) == set(sdk_event["user_data"])
    for key, value in sdk_event["user_data"].items():
        assert our_event["user_data"][key] == value, key
    assert set(our_event["custom_data"]) == set(sdk_event["custom_data"])
    for key, value in sdk_event["custom_data"].items():
        if key == "contents":
            # The SDK types quantity as a string; JSON numbers and strings both parse as ints.
            ours_contents = [
                {**c, "quantity": str(c["quantity"])} for c in our_event["custom_data"][key]
            ]
            theirs_contents = [{**c, "quantity": str(c["quantity"])} for c in value]
            assert ours_contents == theirs_contents
        else:
            assert our_event["custom_data"][key] == value, key


def test_google_ads_body_parses_into_the_sdk_request_with_no_unknown_fields() -> None:
    event = f.event(
        client=common_pb2.ClientContext(
            consent=common_pb2.Consent(
                ad_user_data=common_pb2.CONSENT_STATE_GRANTED,
                ad_personalization=common_pb2.CONSENT_STATE_DENIED,
            )
        ),
        test=True,
    )
    body = rendered_body(D.DESTINATION_TYPE_GOOGLE_ADS, event)
    request = UploadClickConversionsRequest.from_json(
        json.dumps({**body, "customerId": "1234567890"}), ignore_unknown_fields=False
    )
    (conversion,) = request.conversions
    assert conversion.gclid == "Cj0KCQjw-EXAMPLE"
    assert conversion.conversion_action == "customers/1234567890/conversionActions/987654321"
    assert conversion.conversion_date_time == "2026-10-01 12:00:00+00:00"
    assert conversion.conversion_value == 49.9
    assert conversion.currency_code == "USD"
    assert conversion.order_id == "order-1042"
    assert [u.hashed_email for u in conversion.user_identifiers] == [f.EMAIL, ""]
    assert conversion.user_identifiers[1].hashed_phone_number == f.PHONE_E164
    assert conversion.consent.ad_user_data.name == "GRANTED"
    assert conversion.consent.ad_personalization.name == "DENIED"
    assert request.partial_failure is True
    assert request.validate_only is True
    # Round trip: the SDK's JSON of what it parsed is exactly ours, nothing dropped or renamed.
    again = json.loads(
        UploadClickConversionsRequest.to_json(
            request, use_integers_for_enums=False, always_print_fields_with_no_presence=False
        )
    )
    again.pop("customerId")
    assert again == body


def test_unknown_google_ads_field_is_refused_by_the_oracle() -> None:
    """The oracle would catch a misspelt field: prove it refuses one."""
    body = rendered_body(D.DESTINATION_TYPE_GOOGLE_ADS, f.event())
    body["conversions"][0]["conversionDate"] = "2026-10-01"
    try:
        UploadClickConversionsRequest.from_json(json.dumps(body), ignore_unknown_fields=False)
    except Exception as err:  # the SDK raises a protobuf ParseError
        assert "conversionDate" in str(err)
    else:
        raise AssertionError("the SDK accepted an unknown field")
