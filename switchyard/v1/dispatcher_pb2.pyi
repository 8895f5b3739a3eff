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

class DeliveryStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATUS_UNSPECIFIED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_PENDING: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_IN_FLIGHT: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_DELIVERED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_RETRYING: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_FAILED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_DEAD: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_EXPIRED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SKIPPED: _ClassVar[DeliveryStatus]

class EnqueueOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENQUEUE_OUTCOME_UNSPECIFIED: _ClassVar[EnqueueOutcome]
    ENQUEUE_OUTCOME_ACCEPTED: _ClassVar[EnqueueOutcome]
    ENQUEUE_OUTCOME_DUPLICATE: _ClassVar[EnqueueOutcome]
DELIVERY_STATUS_UNSPECIFIED: DeliveryStatus
DELIVERY_STATUS_PENDING: DeliveryStatus
DELIVERY_STATUS_IN_FLIGHT: DeliveryStatus
DELIVERY_STATUS_DELIVERED: DeliveryStatus
DELIVERY_STATUS_RETRYING: DeliveryStatus
DELIVERY_STATUS_FAILED: DeliveryStatus
DELIVERY_STATUS_DEAD: DeliveryStatus
DELIVERY_STATUS_EXPIRED: DeliveryStatus
DELIVERY_STATUS_SKIPPED: DeliveryStatus
ENQUEUE_OUTCOME_UNSPECIFIED: EnqueueOutcome
ENQUEUE_OUTCOME_ACCEPTED: EnqueueOutcome
ENQUEUE_OUTCOME_DUPLICATE: EnqueueOutcome

class InboundRequest(_message.Message):
    __slots__ = ("request_id", "channel", "method", "path", "query", "headers", "body", "remote_ip", "received_at", "integration_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    REMOTE_IP_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    channel: str
    method: str
    path: str
    query: str
    headers: _containers.RepeatedCompositeFieldContainer[_common_pb2.Header]
    body: bytes
    remote_ip: str
    received_at: _timestamp_pb2.Timestamp
    integration_id: str
    def __init__(self, request_id: _Optional[str] = ..., channel: _Optional[str] = ..., method: _Optional[str] = ..., path: _Optional[str] = ..., query: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[_common_pb2.Header, _Mapping]]] = ..., body: _Optional[bytes] = ..., remote_ip: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., integration_id: _Optional[str] = ...) -> None: ...

class EventEnvelope(_message.Message):
    __slots__ = ("event", "config_version", "inbound", "deliveries", "traceparent")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    INBOUND_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    event: _common_pb2.CanonicalEvent
    config_version: int
    inbound: InboundRequest
    deliveries: _containers.RepeatedCompositeFieldContainer[_common_pb2.Delivery]
    traceparent: str
    def __init__(self, event: _Optional[_Union[_common_pb2.CanonicalEvent, _Mapping]] = ..., config_version: _Optional[int] = ..., inbound: _Optional[_Union[InboundRequest, _Mapping]] = ..., deliveries: _Optional[_Iterable[_Union[_common_pb2.Delivery, _Mapping]]] = ..., traceparent: _Optional[str] = ...) -> None: ...

class EnqueueRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[EventEnvelope]
    def __init__(self, events: _Optional[_Iterable[_Union[EventEnvelope, _Mapping]]] = ...) -> None: ...

class EnqueueResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[EnqueueResult]
    def __init__(self, results: _Optional[_Iterable[_Union[EnqueueResult, _Mapping]]] = ...) -> None: ...

class EnqueueResult(_message.Message):
    __slots__ = ("event_id", "outcome")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    outcome: EnqueueOutcome
    def __init__(self, event_id: _Optional[str] = ..., outcome: _Optional[_Union[EnqueueOutcome, str]] = ...) -> None: ...

class HistoryFilter(_message.Message):
    __slots__ = ("since", "until", "event_names", "campaign_id", "lead_id", "transaction_id", "destination_id", "statuses", "include_test", "event_id")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAMES_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TEST_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    event_names: _containers.RepeatedScalarFieldContainer[str]
    campaign_id: str
    lead_id: str
    transaction_id: str
    destination_id: str
    statuses: _containers.RepeatedScalarFieldContainer[DeliveryStatus]
    include_test: bool
    event_id: str
    def __init__(self, since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., event_names: _Optional[_Iterable[str]] = ..., campaign_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., transaction_id: _Optional[str] = ..., destination_id: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[DeliveryStatus, str]]] = ..., include_test: _Optional[bool] = ..., event_id: _Optional[str] = ...) -> None: ...

class DeliveryCounts(_message.Message):
    __slots__ = ("delivered", "in_progress", "failed", "dead", "expired", "skipped")
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    IN_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    DEAD_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    delivered: int
    in_progress: int
    failed: int
    dead: int
    expired: int
    skipped: int
    def __init__(self, delivered: _Optional[int] = ..., in_progress: _Optional[int] = ..., failed: _Optional[int] = ..., dead: _Optional[int] = ..., expired: _Optional[int] = ..., skipped: _Optional[int] = ...) -> None: ...

class EventSummary(_message.Message):
    __slots__ = ("event_id", "event_name", "campaign_id", "lead_id", "transaction_id", "event_time", "received_at", "config_version", "deliveries", "test", "value", "currency")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    event_name: str
    campaign_id: str
    lead_id: str
    transaction_id: str
    event_time: _timestamp_pb2.Timestamp
    received_at: _timestamp_pb2.Timestamp
    config_version: int
    deliveries: DeliveryCounts
    test: bool
    value: float
    currency: str
    def __init__(self, event_id: _Optional[str] = ..., event_name: _Optional[str] = ..., campaign_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., transaction_id: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., config_version: _Optional[int] = ..., deliveries: _Optional[_Union[DeliveryCounts, _Mapping]] = ..., test: _Optional[bool] = ..., value: _Optional[float] = ..., currency: _Optional[str] = ...) -> None: ...

class DeliverySummary(_message.Message):
    __slots__ = ("delivery_id", "event_id", "event_name", "destination_id", "destination_name", "destination_type", "postback_id", "platform_event_name", "status", "reason", "attempts", "last_status_code", "next_attempt_at", "created_at", "updated_at", "match_quality", "test")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_NAME_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_TYPE_FIELD_NUMBER: _ClassVar[int]
    POSTBACK_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    MATCH_QUALITY_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    event_id: str
    event_name: str
    destination_id: str
    destination_name: str
    destination_type: _common_pb2.DestinationType
    postback_id: str
    platform_event_name: str
    status: DeliveryStatus
    reason: str
    attempts: int
    last_status_code: int
    next_attempt_at: _timestamp_pb2.Timestamp
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    match_quality: int
    test: bool
    def __init__(self, delivery_id: _Optional[str] = ..., event_id: _Optional[str] = ..., event_name: _Optional[str] = ..., destination_id: _Optional[str] = ..., destination_name: _Optional[str] = ..., destination_type: _Optional[_Union[_common_pb2.DestinationType, str]] = ..., postback_id: _Optional[str] = ..., platform_event_name: _Optional[str] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., reason: _Optional[str] = ..., attempts: _Optional[int] = ..., last_status_code: _Optional[int] = ..., next_attempt_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., match_quality: _Optional[int] = ..., test: _Optional[bool] = ...) -> None: ...

class Attempt(_message.Message):
    __slots__ = ("number", "started_at", "latency_ms", "status_code", "response_headers", "response_body", "response_truncated", "outcome", "error_class", "error_message", "batch_size")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_HEADERS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_BODY_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ERROR_CLASS_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    number: int
    started_at: _timestamp_pb2.Timestamp
    latency_ms: int
    status_code: int
    response_headers: _containers.RepeatedCompositeFieldContainer[_common_pb2.Header]
    response_body: bytes
    response_truncated: bool
    outcome: str
    error_class: str
    error_message: str
    batch_size: int
    def __init__(self, number: _Optional[int] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., latency_ms: _Optional[int] = ..., status_code: _Optional[int] = ..., response_headers: _Optional[_Iterable[_Union[_common_pb2.Header, _Mapping]]] = ..., response_body: _Optional[bytes] = ..., response_truncated: _Optional[bool] = ..., outcome: _Optional[str] = ..., error_class: _Optional[str] = ..., error_message: _Optional[str] = ..., batch_size: _Optional[int] = ...) -> None: ...

class DeliveryDetail(_message.Message):
    __slots__ = ("summary", "request", "attempts", "accept_until")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_UNTIL_FIELD_NUMBER: _ClassVar[int]
    summary: DeliverySummary
    request: _common_pb2.HttpRequest
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    accept_until: _timestamp_pb2.Timestamp
    def __init__(self, summary: _Optional[_Union[DeliverySummary, _Mapping]] = ..., request: _Optional[_Union[_common_pb2.HttpRequest, _Mapping]] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., accept_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListEventsRequest(_message.Message):
    __slots__ = ("filter", "page")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    filter: HistoryFilter
    page: _common_pb2.PageRequest
    def __init__(self, filter: _Optional[_Union[HistoryFilter, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[EventSummary]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[EventSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetEventRequest(_message.Message):
    __slots__ = ("event_id",)
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    def __init__(self, event_id: _Optional[str] = ...) -> None: ...

class GetEventResponse(_message.Message):
    __slots__ = ("summary", "event", "inbound", "deliveries")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    INBOUND_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    summary: EventSummary
    event: _common_pb2.CanonicalEvent
    inbound: InboundRequest
    deliveries: _containers.RepeatedCompositeFieldContainer[DeliveryDetail]
    def __init__(self, summary: _Optional[_Union[EventSummary, _Mapping]] = ..., event: _Optional[_Union[_common_pb2.CanonicalEvent, _Mapping]] = ..., inbound: _Optional[_Union[InboundRequest, _Mapping]] = ..., deliveries: _Optional[_Iterable[_Union[DeliveryDetail, _Mapping]]] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("filter", "page")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    filter: HistoryFilter
    page: _common_pb2.PageRequest
    def __init__(self, filter: _Optional[_Union[HistoryFilter, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[DeliverySummary]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[DeliverySummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDeliveryRequest(_message.Message):
    __slots__ = ("delivery_id",)
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    def __init__(self, delivery_id: _Optional[str] = ...) -> None: ...

class GetDeliveryResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: DeliveryDetail
    def __init__(self, delivery: _Optional[_Union[DeliveryDetail, _Mapping]] = ...) -> None: ...

class RedeliverRequest(_message.Message):
    __slots__ = ("delivery_ids", "filter", "dry_run")
    DELIVERY_IDS_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    delivery_ids: _containers.RepeatedScalarFieldContainer[str]
    filter: HistoryFilter
    dry_run: bool
    def __init__(self, delivery_ids: _Optional[_Iterable[str]] = ..., filter: _Optional[_Union[HistoryFilter, _Mapping]] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class RedeliverResponse(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class SendTestRequest(_message.Message):
    __slots__ = ("destination_id", "postback_id", "event")
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    POSTBACK_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    destination_id: str
    postback_id: str
    event: _common_pb2.CanonicalEvent
    def __init__(self, destination_id: _Optional[str] = ..., postback_id: _Optional[str] = ..., event: _Optional[_Union[_common_pb2.CanonicalEvent, _Mapping]] = ...) -> None: ...

class SendTestResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: DeliveryDetail
    def __init__(self, delivery: _Optional[_Union[DeliveryDetail, _Mapping]] = ...) -> None: ...
