from switchyard.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MapRequest(_message.Message):
    __slots__ = ("organization_id", "min_config_version", "events", "destination_id", "postback_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    POSTBACK_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    min_config_version: int
    events: _containers.RepeatedCompositeFieldContainer[_common_pb2.CanonicalEvent]
    destination_id: str
    postback_id: str
    def __init__(self, organization_id: _Optional[str] = ..., min_config_version: _Optional[int] = ..., events: _Optional[_Iterable[_Union[_common_pb2.CanonicalEvent, _Mapping]]] = ..., destination_id: _Optional[str] = ..., postback_id: _Optional[str] = ...) -> None: ...

class MapResponse(_message.Message):
    __slots__ = ("config_version", "results")
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    config_version: int
    results: _containers.RepeatedCompositeFieldContainer[EventDeliveries]
    def __init__(self, config_version: _Optional[int] = ..., results: _Optional[_Iterable[_Union[EventDeliveries, _Mapping]]] = ...) -> None: ...

class EventDeliveries(_message.Message):
    __slots__ = ("event_id", "deliveries")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    deliveries: _containers.RepeatedCompositeFieldContainer[_common_pb2.Delivery]
    def __init__(self, event_id: _Optional[str] = ..., deliveries: _Optional[_Iterable[_Union[_common_pb2.Delivery, _Mapping]]] = ...) -> None: ...
