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

class ApiKeyRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    API_KEY_ROLE_UNSPECIFIED: _ClassVar[ApiKeyRole]
    API_KEY_ROLE_ADMIN: _ClassVar[ApiKeyRole]
    API_KEY_ROLE_INGEST: _ClassVar[ApiKeyRole]

class FieldType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FIELD_TYPE_UNSPECIFIED: _ClassVar[FieldType]
    FIELD_TYPE_TEXT: _ClassVar[FieldType]
    FIELD_TYPE_NUMBER: _ClassVar[FieldType]
    FIELD_TYPE_DATE: _ClassVar[FieldType]
    FIELD_TYPE_BOOLEAN: _ClassVar[FieldType]

class IntegrationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTEGRATION_KIND_UNSPECIFIED: _ClassVar[IntegrationKind]
    INTEGRATION_KIND_POSTBACK: _ClassVar[IntegrationKind]
    INTEGRATION_KIND_GENERIC_WEBHOOK: _ClassVar[IntegrationKind]
    INTEGRATION_KIND_SHOPIFY: _ClassVar[IntegrationKind]

class MappingAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MAPPING_ACTION_UNSPECIFIED: _ClassVar[MappingAction]
    MAPPING_ACTION_AUTO: _ClassVar[MappingAction]
    MAPPING_ACTION_DISABLED: _ClassVar[MappingAction]
    MAPPING_ACTION_STANDARD: _ClassVar[MappingAction]
    MAPPING_ACTION_CUSTOM: _ClassVar[MappingAction]
API_KEY_ROLE_UNSPECIFIED: ApiKeyRole
API_KEY_ROLE_ADMIN: ApiKeyRole
API_KEY_ROLE_INGEST: ApiKeyRole
FIELD_TYPE_UNSPECIFIED: FieldType
FIELD_TYPE_TEXT: FieldType
FIELD_TYPE_NUMBER: FieldType
FIELD_TYPE_DATE: FieldType
FIELD_TYPE_BOOLEAN: FieldType
INTEGRATION_KIND_UNSPECIFIED: IntegrationKind
INTEGRATION_KIND_POSTBACK: IntegrationKind
INTEGRATION_KIND_GENERIC_WEBHOOK: IntegrationKind
INTEGRATION_KIND_SHOPIFY: IntegrationKind
MAPPING_ACTION_UNSPECIFIED: MappingAction
MAPPING_ACTION_AUTO: MappingAction
MAPPING_ACTION_DISABLED: MappingAction
MAPPING_ACTION_STANDARD: MappingAction
MAPPING_ACTION_CUSTOM: MappingAction

class Organization(_message.Message):
    __slots__ = ("id", "name", "default_country", "dedup_window_seconds", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    DEDUP_WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    default_country: str
    dedup_window_seconds: int
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., default_country: _Optional[str] = ..., dedup_window_seconds: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ApiKey(_message.Message):
    __slots__ = ("id", "name", "role", "prefix", "created_at", "revoked_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    role: ApiKeyRole
    prefix: str
    created_at: _timestamp_pb2.Timestamp
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., role: _Optional[_Union[ApiKeyRole, str]] = ..., prefix: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Campaign(_message.Message):
    __slots__ = ("id", "name", "default_country", "paused", "event_list_ids", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    EVENT_LIST_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    default_country: str
    paused: bool
    event_list_ids: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., default_country: _Optional[str] = ..., paused: _Optional[bool] = ..., event_list_ids: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EventDefinition(_message.Message):
    __slots__ = ("id", "name", "kind", "campaign_id", "description", "conversion", "affiliate_conversion", "multi_trigger", "payout", "revenue")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FIELD_NUMBER: _ClassVar[int]
    AFFILIATE_CONVERSION_FIELD_NUMBER: _ClassVar[int]
    MULTI_TRIGGER_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    kind: _common_pb2.EventKind
    campaign_id: str
    description: str
    conversion: bool
    affiliate_conversion: bool
    multi_trigger: bool
    payout: float
    revenue: float
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.EventKind, str]] = ..., campaign_id: _Optional[str] = ..., description: _Optional[str] = ..., conversion: _Optional[bool] = ..., affiliate_conversion: _Optional[bool] = ..., multi_trigger: _Optional[bool] = ..., payout: _Optional[float] = ..., revenue: _Optional[float] = ...) -> None: ...

class CustomField(_message.Message):
    __slots__ = ("id", "campaign_id", "event_name", "name", "type", "required", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    campaign_id: str
    event_name: str
    name: str
    type: FieldType
    required: bool
    description: str
    def __init__(self, id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., event_name: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[FieldType, str]] = ..., required: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class EventList(_message.Message):
    __slots__ = ("id", "name", "description", "event_names")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAMES_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    event_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., event_names: _Optional[_Iterable[str]] = ...) -> None: ...

class ResolvedCampaign(_message.Message):
    __slots__ = ("campaign_id", "event_names", "fields")
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAMES_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    event_names: _containers.RepeatedScalarFieldContainer[str]
    fields: _containers.RepeatedCompositeFieldContainer[CustomField]
    def __init__(self, campaign_id: _Optional[str] = ..., event_names: _Optional[_Iterable[str]] = ..., fields: _Optional[_Iterable[_Union[CustomField, _Mapping]]] = ...) -> None: ...

class EventRule(_message.Message):
    __slots__ = ("source", "event_name")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    source: str
    event_name: str
    def __init__(self, source: _Optional[str] = ..., event_name: _Optional[str] = ...) -> None: ...

class FieldRule(_message.Message):
    __slots__ = ("target", "source_path")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PATH_FIELD_NUMBER: _ClassVar[int]
    target: str
    source_path: str
    def __init__(self, target: _Optional[str] = ..., source_path: _Optional[str] = ...) -> None: ...

class Integration(_message.Message):
    __slots__ = ("id", "name", "kind", "campaign_id", "event_name_path", "event_rules", "field_rules", "enabled", "strict", "token_sha256", "has_signing_secret", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_PATH_FIELD_NUMBER: _ClassVar[int]
    EVENT_RULES_FIELD_NUMBER: _ClassVar[int]
    FIELD_RULES_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_SHA256_FIELD_NUMBER: _ClassVar[int]
    HAS_SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    kind: IntegrationKind
    campaign_id: str
    event_name_path: str
    event_rules: _containers.RepeatedCompositeFieldContainer[EventRule]
    field_rules: _containers.RepeatedCompositeFieldContainer[FieldRule]
    enabled: bool
    strict: bool
    token_sha256: str
    has_signing_secret: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[IntegrationKind, str]] = ..., campaign_id: _Optional[str] = ..., event_name_path: _Optional[str] = ..., event_rules: _Optional[_Iterable[_Union[EventRule, _Mapping]]] = ..., field_rules: _Optional[_Iterable[_Union[FieldRule, _Mapping]]] = ..., enabled: _Optional[bool] = ..., strict: _Optional[bool] = ..., token_sha256: _Optional[str] = ..., has_signing_secret: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Destination(_message.Message):
    __slots__ = ("id", "name", "type", "settings", "enabled", "test_mode", "campaign_ids", "credential_keys", "credentials_version", "created_at")
    class SettingsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TEST_MODE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_IDS_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_KEYS_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    type: _common_pb2.DestinationType
    settings: _containers.ScalarMap[str, str]
    enabled: bool
    test_mode: bool
    campaign_ids: _containers.RepeatedScalarFieldContainer[str]
    credential_keys: _containers.RepeatedScalarFieldContainer[str]
    credentials_version: int
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[_common_pb2.DestinationType, str]] = ..., settings: _Optional[_Mapping[str, str]] = ..., enabled: _Optional[bool] = ..., test_mode: _Optional[bool] = ..., campaign_ids: _Optional[_Iterable[str]] = ..., credential_keys: _Optional[_Iterable[str]] = ..., credentials_version: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EventMapping(_message.Message):
    __slots__ = ("destination_id", "event_name", "action", "target", "params")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    destination_id: str
    event_name: str
    action: MappingAction
    target: str
    params: _containers.ScalarMap[str, str]
    def __init__(self, destination_id: _Optional[str] = ..., event_name: _Optional[str] = ..., action: _Optional[_Union[MappingAction, str]] = ..., target: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Postback(_message.Message):
    __slots__ = ("id", "name", "event_name", "campaign_id", "url_template", "method", "body_template", "content_type", "headers", "enabled")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    URL_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    BODY_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    event_name: str
    campaign_id: str
    url_template: str
    method: str
    body_template: str
    content_type: str
    headers: _containers.RepeatedCompositeFieldContainer[_common_pb2.Header]
    enabled: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., event_name: _Optional[str] = ..., campaign_id: _Optional[str] = ..., url_template: _Optional[str] = ..., method: _Optional[str] = ..., body_template: _Optional[str] = ..., content_type: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[_common_pb2.Header, _Mapping]]] = ..., enabled: _Optional[bool] = ...) -> None: ...

class Snapshot(_message.Message):
    __slots__ = ("organization", "version", "campaigns", "event_definitions", "custom_fields", "event_lists", "resolved_campaigns", "integrations", "destinations", "event_mappings", "postbacks")
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    EVENT_DEFINITIONS_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    EVENT_LISTS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    INTEGRATIONS_FIELD_NUMBER: _ClassVar[int]
    DESTINATIONS_FIELD_NUMBER: _ClassVar[int]
    EVENT_MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    POSTBACKS_FIELD_NUMBER: _ClassVar[int]
    organization: Organization
    version: int
    campaigns: _containers.RepeatedCompositeFieldContainer[Campaign]
    event_definitions: _containers.RepeatedCompositeFieldContainer[EventDefinition]
    custom_fields: _containers.RepeatedCompositeFieldContainer[CustomField]
    event_lists: _containers.RepeatedCompositeFieldContainer[EventList]
    resolved_campaigns: _containers.RepeatedCompositeFieldContainer[ResolvedCampaign]
    integrations: _containers.RepeatedCompositeFieldContainer[Integration]
    destinations: _containers.RepeatedCompositeFieldContainer[Destination]
    event_mappings: _containers.RepeatedCompositeFieldContainer[EventMapping]
    postbacks: _containers.RepeatedCompositeFieldContainer[Postback]
    def __init__(self, organization: _Optional[_Union[Organization, _Mapping]] = ..., version: _Optional[int] = ..., campaigns: _Optional[_Iterable[_Union[Campaign, _Mapping]]] = ..., event_definitions: _Optional[_Iterable[_Union[EventDefinition, _Mapping]]] = ..., custom_fields: _Optional[_Iterable[_Union[CustomField, _Mapping]]] = ..., event_lists: _Optional[_Iterable[_Union[EventList, _Mapping]]] = ..., resolved_campaigns: _Optional[_Iterable[_Union[ResolvedCampaign, _Mapping]]] = ..., integrations: _Optional[_Iterable[_Union[Integration, _Mapping]]] = ..., destinations: _Optional[_Iterable[_Union[Destination, _Mapping]]] = ..., event_mappings: _Optional[_Iterable[_Union[EventMapping, _Mapping]]] = ..., postbacks: _Optional[_Iterable[_Union[Postback, _Mapping]]] = ...) -> None: ...
