import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActionSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTION_SOURCE_UNSPECIFIED: _ClassVar[ActionSource]
    ACTION_SOURCE_WEBSITE: _ClassVar[ActionSource]
    ACTION_SOURCE_APP: _ClassVar[ActionSource]
    ACTION_SOURCE_OFFLINE: _ClassVar[ActionSource]
    ACTION_SOURCE_PHONE_CALL: _ClassVar[ActionSource]
    ACTION_SOURCE_EMAIL: _ClassVar[ActionSource]
    ACTION_SOURCE_CHAT: _ClassVar[ActionSource]
    ACTION_SOURCE_SYSTEM: _ClassVar[ActionSource]

class EventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_KIND_UNSPECIFIED: _ClassVar[EventKind]
    EVENT_KIND_STANDARD: _ClassVar[EventKind]
    EVENT_KIND_SYSTEM: _ClassVar[EventKind]
    EVENT_KIND_CUSTOM: _ClassVar[EventKind]

class DestinationType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DESTINATION_TYPE_UNSPECIFIED: _ClassVar[DestinationType]
    DESTINATION_TYPE_META: _ClassVar[DestinationType]
    DESTINATION_TYPE_GOOGLE_ADS: _ClassVar[DestinationType]
    DESTINATION_TYPE_GA4: _ClassVar[DestinationType]
    DESTINATION_TYPE_TIKTOK: _ClassVar[DestinationType]
    DESTINATION_TYPE_MICROSOFT: _ClassVar[DestinationType]
    DESTINATION_TYPE_SNAPCHAT: _ClassVar[DestinationType]
    DESTINATION_TYPE_PINTEREST: _ClassVar[DestinationType]
    DESTINATION_TYPE_REDDIT: _ClassVar[DestinationType]
    DESTINATION_TYPE_LINKEDIN: _ClassVar[DestinationType]
    DESTINATION_TYPE_OUTBRAIN: _ClassVar[DestinationType]
    DESTINATION_TYPE_TABOOLA: _ClassVar[DestinationType]
    DESTINATION_TYPE_POSTBACK: _ClassVar[DestinationType]
    DESTINATION_TYPE_WEBHOOK: _ClassVar[DestinationType]

class ConsentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSENT_STATE_UNSPECIFIED: _ClassVar[ConsentState]
    CONSENT_STATE_GRANTED: _ClassVar[ConsentState]
    CONSENT_STATE_DENIED: _ClassVar[ConsentState]

class CredentialLocation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDENTIAL_LOCATION_UNSPECIFIED: _ClassVar[CredentialLocation]
    CREDENTIAL_LOCATION_QUERY: _ClassVar[CredentialLocation]
    CREDENTIAL_LOCATION_HEADER: _ClassVar[CredentialLocation]
    CREDENTIAL_LOCATION_WEBHOOK_SIGNATURE: _ClassVar[CredentialLocation]

class DeliveryDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_DECISION_UNSPECIFIED: _ClassVar[DeliveryDecision]
    DELIVERY_DECISION_SEND: _ClassVar[DeliveryDecision]
    DELIVERY_DECISION_SKIP: _ClassVar[DeliveryDecision]
ACTION_SOURCE_UNSPECIFIED: ActionSource
ACTION_SOURCE_WEBSITE: ActionSource
ACTION_SOURCE_APP: ActionSource
ACTION_SOURCE_OFFLINE: ActionSource
ACTION_SOURCE_PHONE_CALL: ActionSource
ACTION_SOURCE_EMAIL: ActionSource
ACTION_SOURCE_CHAT: ActionSource
ACTION_SOURCE_SYSTEM: ActionSource
EVENT_KIND_UNSPECIFIED: EventKind
EVENT_KIND_STANDARD: EventKind
EVENT_KIND_SYSTEM: EventKind
EVENT_KIND_CUSTOM: EventKind
DESTINATION_TYPE_UNSPECIFIED: DestinationType
DESTINATION_TYPE_META: DestinationType
DESTINATION_TYPE_GOOGLE_ADS: DestinationType
DESTINATION_TYPE_GA4: DestinationType
DESTINATION_TYPE_TIKTOK: DestinationType
DESTINATION_TYPE_MICROSOFT: DestinationType
DESTINATION_TYPE_SNAPCHAT: DestinationType
DESTINATION_TYPE_PINTEREST: DestinationType
DESTINATION_TYPE_REDDIT: DestinationType
DESTINATION_TYPE_LINKEDIN: DestinationType
DESTINATION_TYPE_OUTBRAIN: DestinationType
DESTINATION_TYPE_TABOOLA: DestinationType
DESTINATION_TYPE_POSTBACK: DestinationType
DESTINATION_TYPE_WEBHOOK: DestinationType
CONSENT_STATE_UNSPECIFIED: ConsentState
CONSENT_STATE_GRANTED: ConsentState
CONSENT_STATE_DENIED: ConsentState
CREDENTIAL_LOCATION_UNSPECIFIED: CredentialLocation
CREDENTIAL_LOCATION_QUERY: CredentialLocation
CREDENTIAL_LOCATION_HEADER: CredentialLocation
CREDENTIAL_LOCATION_WEBHOOK_SIGNATURE: CredentialLocation
DELIVERY_DECISION_UNSPECIFIED: DeliveryDecision
DELIVERY_DECISION_SEND: DeliveryDecision
DELIVERY_DECISION_SKIP: DeliveryDecision

class HashedIdentity(_message.Message):
    __slots__ = ("email", "email_google", "email_reddit", "phone", "phone_e164", "first_name", "last_name", "date_of_birth", "gender", "city", "state", "zip", "country", "external_id", "first_name_google", "last_name_google", "street")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    EMAIL_GOOGLE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_REDDIT_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    PHONE_E164_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_BIRTH_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ZIP_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_GOOGLE_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_GOOGLE_FIELD_NUMBER: _ClassVar[int]
    STREET_FIELD_NUMBER: _ClassVar[int]
    email: str
    email_google: str
    email_reddit: str
    phone: str
    phone_e164: str
    first_name: str
    last_name: str
    date_of_birth: str
    gender: str
    city: str
    state: str
    zip: str
    country: str
    external_id: str
    first_name_google: str
    last_name_google: str
    street: str
    def __init__(self, email: _Optional[str] = ..., email_google: _Optional[str] = ..., email_reddit: _Optional[str] = ..., phone: _Optional[str] = ..., phone_e164: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., date_of_birth: _Optional[str] = ..., gender: _Optional[str] = ..., city: _Optional[str] = ..., state: _Optional[str] = ..., zip: _Optional[str] = ..., country: _Optional[str] = ..., external_id: _Optional[str] = ..., first_name_google: _Optional[str] = ..., last_name_google: _Optional[str] = ..., street: _Optional[str] = ...) -> None: ...

class ClickIds(_message.Message):
    __slots__ = ("fbclid", "gclid", "gbraid", "wbraid", "ttclid", "msclkid", "sccid", "epik", "rdt_cid", "li_fat_id", "ob_click_id", "tblci")
    FBCLID_FIELD_NUMBER: _ClassVar[int]
    GCLID_FIELD_NUMBER: _ClassVar[int]
    GBRAID_FIELD_NUMBER: _ClassVar[int]
    WBRAID_FIELD_NUMBER: _ClassVar[int]
    TTCLID_FIELD_NUMBER: _ClassVar[int]
    MSCLKID_FIELD_NUMBER: _ClassVar[int]
    SCCID_FIELD_NUMBER: _ClassVar[int]
    EPIK_FIELD_NUMBER: _ClassVar[int]
    RDT_CID_FIELD_NUMBER: _ClassVar[int]
    LI_FAT_ID_FIELD_NUMBER: _ClassVar[int]
    OB_CLICK_ID_FIELD_NUMBER: _ClassVar[int]
    TBLCI_FIELD_NUMBER: _ClassVar[int]
    fbclid: str
    gclid: str
    gbraid: str
    wbraid: str
    ttclid: str
    msclkid: str
    sccid: str
    epik: str
    rdt_cid: str
    li_fat_id: str
    ob_click_id: str
    tblci: str
    def __init__(self, fbclid: _Optional[str] = ..., gclid: _Optional[str] = ..., gbraid: _Optional[str] = ..., wbraid: _Optional[str] = ..., ttclid: _Optional[str] = ..., msclkid: _Optional[str] = ..., sccid: _Optional[str] = ..., epik: _Optional[str] = ..., rdt_cid: _Optional[str] = ..., li_fat_id: _Optional[str] = ..., ob_click_id: _Optional[str] = ..., tblci: _Optional[str] = ...) -> None: ...

class ClientContext(_message.Message):
    __slots__ = ("ip", "user_agent", "page_url", "referrer_url", "fbp", "fbc", "ttp", "scid", "ga_client_id", "browser_ids", "mobile_ad_id", "consent")
    class BrowserIdsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_URL_FIELD_NUMBER: _ClassVar[int]
    REFERRER_URL_FIELD_NUMBER: _ClassVar[int]
    FBP_FIELD_NUMBER: _ClassVar[int]
    FBC_FIELD_NUMBER: _ClassVar[int]
    TTP_FIELD_NUMBER: _ClassVar[int]
    SCID_FIELD_NUMBER: _ClassVar[int]
    GA_CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    BROWSER_IDS_FIELD_NUMBER: _ClassVar[int]
    MOBILE_AD_ID_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    ip: str
    user_agent: str
    page_url: str
    referrer_url: str
    fbp: str
    fbc: str
    ttp: str
    scid: str
    ga_client_id: str
    browser_ids: _containers.ScalarMap[str, str]
    mobile_ad_id: str
    consent: Consent
    def __init__(self, ip: _Optional[str] = ..., user_agent: _Optional[str] = ..., page_url: _Optional[str] = ..., referrer_url: _Optional[str] = ..., fbp: _Optional[str] = ..., fbc: _Optional[str] = ..., ttp: _Optional[str] = ..., scid: _Optional[str] = ..., ga_client_id: _Optional[str] = ..., browser_ids: _Optional[_Mapping[str, str]] = ..., mobile_ad_id: _Optional[str] = ..., consent: _Optional[_Union[Consent, _Mapping]] = ...) -> None: ...

class Consent(_message.Message):
    __slots__ = ("ad_user_data", "ad_personalization")
    AD_USER_DATA_FIELD_NUMBER: _ClassVar[int]
    AD_PERSONALIZATION_FIELD_NUMBER: _ClassVar[int]
    ad_user_data: ConsentState
    ad_personalization: ConsentState
    def __init__(self, ad_user_data: _Optional[_Union[ConsentState, str]] = ..., ad_personalization: _Optional[_Union[ConsentState, str]] = ...) -> None: ...

class Click(_message.Message):
    __slots__ = ("click_id", "organization_id", "campaign_id", "ids", "params", "landing_url", "client", "clicked_at")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CLICK_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    LANDING_URL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    CLICKED_AT_FIELD_NUMBER: _ClassVar[int]
    click_id: str
    organization_id: str
    campaign_id: str
    ids: ClickIds
    params: _containers.ScalarMap[str, str]
    landing_url: str
    client: ClientContext
    clicked_at: _timestamp_pb2.Timestamp
    def __init__(self, click_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., ids: _Optional[_Union[ClickIds, _Mapping]] = ..., params: _Optional[_Mapping[str, str]] = ..., landing_url: _Optional[str] = ..., client: _Optional[_Union[ClientContext, _Mapping]] = ..., clicked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Item(_message.Message):
    __slots__ = ("id", "name", "quantity", "price", "category")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    quantity: int
    price: float
    category: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., quantity: _Optional[int] = ..., price: _Optional[float] = ..., category: _Optional[str] = ...) -> None: ...

class CanonicalEvent(_message.Message):
    __slots__ = ("event_id", "organization_id", "campaign_id", "event_name", "kind", "event_time", "received_at", "lead_id", "transaction_id", "click_id", "value", "currency", "payout", "revenue", "identity", "client", "click", "custom_fields", "action_source", "items", "test", "params")
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
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    CLICK_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    CLICK_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ACTION_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    organization_id: str
    campaign_id: str
    event_name: str
    kind: EventKind
    event_time: _timestamp_pb2.Timestamp
    received_at: _timestamp_pb2.Timestamp
    lead_id: str
    transaction_id: str
    click_id: str
    value: float
    currency: str
    payout: float
    revenue: float
    identity: HashedIdentity
    client: ClientContext
    click: Click
    custom_fields: _containers.ScalarMap[str, str]
    action_source: ActionSource
    items: _containers.RepeatedCompositeFieldContainer[Item]
    test: bool
    params: _containers.ScalarMap[str, str]
    def __init__(self, event_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., campaign_id: _Optional[str] = ..., event_name: _Optional[str] = ..., kind: _Optional[_Union[EventKind, str]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lead_id: _Optional[str] = ..., transaction_id: _Optional[str] = ..., click_id: _Optional[str] = ..., value: _Optional[float] = ..., currency: _Optional[str] = ..., payout: _Optional[float] = ..., revenue: _Optional[float] = ..., identity: _Optional[_Union[HashedIdentity, _Mapping]] = ..., client: _Optional[_Union[ClientContext, _Mapping]] = ..., click: _Optional[_Union[Click, _Mapping]] = ..., custom_fields: _Optional[_Mapping[str, str]] = ..., action_source: _Optional[_Union[ActionSource, str]] = ..., items: _Optional[_Iterable[_Union[Item, _Mapping]]] = ..., test: _Optional[bool] = ..., params: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Header(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class CredentialSlot(_message.Message):
    __slots__ = ("location", "name", "credential_key", "format")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_KEY_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    location: CredentialLocation
    name: str
    credential_key: str
    format: str
    def __init__(self, location: _Optional[_Union[CredentialLocation, str]] = ..., name: _Optional[str] = ..., credential_key: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...

class BatchSpec(_message.Message):
    __slots__ = ("key", "field", "max_items")
    KEY_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MAX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    key: str
    field: str
    max_items: int
    def __init__(self, key: _Optional[str] = ..., field: _Optional[str] = ..., max_items: _Optional[int] = ...) -> None: ...

class HttpRequest(_message.Message):
    __slots__ = ("method", "url", "headers", "body", "credential_slots", "batch")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_SLOTS_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    method: str
    url: str
    headers: _containers.RepeatedCompositeFieldContainer[Header]
    body: bytes
    credential_slots: _containers.RepeatedCompositeFieldContainer[CredentialSlot]
    batch: BatchSpec
    def __init__(self, method: _Optional[str] = ..., url: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[Header, _Mapping]]] = ..., body: _Optional[bytes] = ..., credential_slots: _Optional[_Iterable[_Union[CredentialSlot, _Mapping]]] = ..., batch: _Optional[_Union[BatchSpec, _Mapping]] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("delivery_id", "event_id", "destination_id", "destination_type", "postback_id", "platform_event_name", "decision", "skip_reason", "request", "match_quality", "response_kind", "accept_until", "destination_name", "test")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_TYPE_FIELD_NUMBER: _ClassVar[int]
    POSTBACK_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    MATCH_QUALITY_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_KIND_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_UNTIL_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_NAME_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    event_id: str
    destination_id: str
    destination_type: DestinationType
    postback_id: str
    platform_event_name: str
    decision: DeliveryDecision
    skip_reason: str
    request: HttpRequest
    match_quality: int
    response_kind: str
    accept_until: _timestamp_pb2.Timestamp
    destination_name: str
    test: bool
    def __init__(self, delivery_id: _Optional[str] = ..., event_id: _Optional[str] = ..., destination_id: _Optional[str] = ..., destination_type: _Optional[_Union[DestinationType, str]] = ..., postback_id: _Optional[str] = ..., platform_event_name: _Optional[str] = ..., decision: _Optional[_Union[DeliveryDecision, str]] = ..., skip_reason: _Optional[str] = ..., request: _Optional[_Union[HttpRequest, _Mapping]] = ..., match_quality: _Optional[int] = ..., response_kind: _Optional[str] = ..., accept_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., destination_name: _Optional[str] = ..., test: _Optional[bool] = ...) -> None: ...

class PageRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...
