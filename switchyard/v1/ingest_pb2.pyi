import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from switchyard.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EventOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_OUTCOME_UNSPECIFIED: _ClassVar[EventOutcome]
    EVENT_OUTCOME_ACCEPTED: _ClassVar[EventOutcome]
    EVENT_OUTCOME_DUPLICATE: _ClassVar[EventOutcome]
EVENT_OUTCOME_UNSPECIFIED: EventOutcome
EVENT_OUTCOME_ACCEPTED: EventOutcome
EVENT_OUTCOME_DUPLICATE: EventOutcome

class UserInput(_message.Message):
    __slots__ = ("email", "phone", "first_name", "last_name", "date_of_birth", "gender", "city", "state", "zip", "country", "external_id", "street")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_BIRTH_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ZIP_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    STREET_FIELD_NUMBER: _ClassVar[int]
    email: str
    phone: str
    first_name: str
    last_name: str
    date_of_birth: str
    gender: str
    city: str
    state: str
    zip: str
    country: str
    external_id: str
    street: str
    def __init__(self, email: _Optional[str] = ..., phone: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., date_of_birth: _Optional[str] = ..., gender: _Optional[str] = ..., city: _Optional[str] = ..., state: _Optional[str] = ..., zip: _Optional[str] = ..., country: _Optional[str] = ..., external_id: _Optional[str] = ..., street: _Optional[str] = ...) -> None: ...

class EventInput(_message.Message):
    __slots__ = ("event_id", "event_name", "campaign_id", "event_time", "lead_id", "transaction_id", "click_id", "value", "currency", "payout", "revenue", "user", "client", "click_ids", "custom_fields", "action_source", "items", "test", "params")
    class CustomFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CLICK_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    CLICK_IDS_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ACTION_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    event_name: str
    campaign_id: str
    event_time: _timestamp_pb2.Timestamp
    lead_id: str
    transaction_id: str
    click_id: str
    value: float
    currency: str
    payout: float
    revenue: float
    user: UserInput
    client: _common_pb2.ClientContext
    click_ids: _common_pb2.ClickIds
    custom_fields: _containers.ScalarMap[str, str]
    action_source: _common_pb2.ActionSource
    items: _containers.RepeatedCompositeFieldContainer[_common_pb2.Item]
    test: bool
    params: _containers.ScalarMap[str, str]
    def __init__(self, event_id: _Optional[str] = ..., event_name: _Optional[str] = ..., campaign_id: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lead_id: _Optional[str] = ..., transaction_id: _Optional[str] = ..., click_id: _Optional[str] = ..., value: _Optional[float] = ..., currency: _Optional[str] = ..., payout: _Optional[float] = ..., revenue: _Optional[float] = ..., user: _Optional[_Union[UserInput, _Mapping]] = ..., client: _Optional[_Union[_common_pb2.ClientContext, _Mapping]] = ..., click_ids: _Optional[_Union[_common_pb2.ClickIds, _Mapping]] = ..., custom_fields: _Optional[_Mapping[str, str]] = ..., action_source: _Optional[_Union[_common_pb2.ActionSource, str]] = ..., items: _Optional[_Iterable[_Union[_common_pb2.Item, _Mapping]]] = ..., test: _Optional[bool] = ..., params: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TrackEventsRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[EventInput]
    def __init__(self, events: _Optional[_Iterable[_Union[EventInput, _Mapping]]] = ...) -> None: ...

class TrackEventsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[EventResult]
    def __init__(self, results: _Optional[_Iterable[_Union[EventResult, _Mapping]]] = ...) -> None: ...

class EventResult(_message.Message):
    __slots__ = ("event_id", "outcome", "lead_id", "deliveries")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    outcome: EventOutcome
    lead_id: str
    deliveries: int
    def __init__(self, event_id: _Optional[str] = ..., outcome: _Optional[_Union[EventOutcome, str]] = ..., lead_id: _Optional[str] = ..., deliveries: _Optional[int] = ...) -> None: ...

class TriggerEventRequest(_message.Message):
    __slots__ = ("lead_id", "event")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    event: EventInput
    def __init__(self, lead_id: _Optional[str] = ..., event: _Optional[_Union[EventInput, _Mapping]] = ...) -> None: ...

class TriggerEventResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: EventResult
    def __init__(self, result: _Optional[_Union[EventResult, _Mapping]] = ...) -> None: ...

class RecordClickRequest(_message.Message):
    __slots__ = ("campaign_id", "ids", "params", "landing_url", "client", "clicked_at")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    LANDING_URL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    CLICKED_AT_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    ids: _common_pb2.ClickIds
    params: _containers.ScalarMap[str, str]
    landing_url: str
    client: _common_pb2.ClientContext
    clicked_at: _timestamp_pb2.Timestamp
    def __init__(self, campaign_id: _Optional[str] = ..., ids: _Optional[_Union[_common_pb2.ClickIds, _Mapping]] = ..., params: _Optional[_Mapping[str, str]] = ..., landing_url: _Optional[str] = ..., client: _Optional[_Union[_common_pb2.ClientContext, _Mapping]] = ..., clicked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordClickResponse(_message.Message):
    __slots__ = ("click_id", "redirect_url")
    CLICK_ID_FIELD_NUMBER: _ClassVar[int]
    REDIRECT_URL_FIELD_NUMBER: _ClassVar[int]
    click_id: str
    redirect_url: str
    def __init__(self, click_id: _Optional[str] = ..., redirect_url: _Optional[str] = ...) -> None: ...
