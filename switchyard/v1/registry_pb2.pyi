from switchyard.v1 import config_pb2 as _config_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetOrganizationRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetOrganizationResponse(_message.Message):
    __slots__ = ("organization",)
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    organization: _config_pb2.Organization
    def __init__(self, organization: _Optional[_Union[_config_pb2.Organization, _Mapping]] = ...) -> None: ...

class UpdateOrganizationRequest(_message.Message):
    __slots__ = ("organization",)
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    organization: _config_pb2.Organization
    def __init__(self, organization: _Optional[_Union[_config_pb2.Organization, _Mapping]] = ...) -> None: ...

class UpdateOrganizationResponse(_message.Message):
    __slots__ = ("organization",)
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    organization: _config_pb2.Organization
    def __init__(self, organization: _Optional[_Union[_config_pb2.Organization, _Mapping]] = ...) -> None: ...

class CreateApiKeyRequest(_message.Message):
    __slots__ = ("name", "role")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: _config_pb2.ApiKeyRole
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[_config_pb2.ApiKeyRole, str]] = ...) -> None: ...

class CreateApiKeyResponse(_message.Message):
    __slots__ = ("api_key", "key")
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    api_key: _config_pb2.ApiKey
    key: str
    def __init__(self, api_key: _Optional[_Union[_config_pb2.ApiKey, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class ListApiKeysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListApiKeysResponse(_message.Message):
    __slots__ = ("api_keys",)
    API_KEYS_FIELD_NUMBER: _ClassVar[int]
    api_keys: _containers.RepeatedCompositeFieldContainer[_config_pb2.ApiKey]
    def __init__(self, api_keys: _Optional[_Iterable[_Union[_config_pb2.ApiKey, _Mapping]]] = ...) -> None: ...

class RevokeApiKeyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RevokeApiKeyResponse(_message.Message):
    __slots__ = ("api_key",)
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    api_key: _config_pb2.ApiKey
    def __init__(self, api_key: _Optional[_Union[_config_pb2.ApiKey, _Mapping]] = ...) -> None: ...

class CreateCampaignRequest(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class CreateCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class GetCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class ListCampaignsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCampaignsResponse(_message.Message):
    __slots__ = ("campaigns",)
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    campaigns: _containers.RepeatedCompositeFieldContainer[_config_pb2.Campaign]
    def __init__(self, campaigns: _Optional[_Iterable[_Union[_config_pb2.Campaign, _Mapping]]] = ...) -> None: ...

class UpdateCampaignRequest(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class UpdateCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class DeleteCampaignRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteCampaignResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ResolveCampaignRequest(_message.Message):
    __slots__ = ("campaign_id",)
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    def __init__(self, campaign_id: _Optional[str] = ...) -> None: ...

class ResolveCampaignResponse(_message.Message):
    __slots__ = ("resolved", "event_definitions")
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    EVENT_DEFINITIONS_FIELD_NUMBER: _ClassVar[int]
    resolved: _config_pb2.ResolvedCampaign
    event_definitions: _containers.RepeatedCompositeFieldContainer[_config_pb2.EventDefinition]
    def __init__(self, resolved: _Optional[_Union[_config_pb2.ResolvedCampaign, _Mapping]] = ..., event_definitions: _Optional[_Iterable[_Union[_config_pb2.EventDefinition, _Mapping]]] = ...) -> None: ...

class CreateEventDefinitionRequest(_message.Message):
    __slots__ = ("event_definition",)
    EVENT_DEFINITION_FIELD_NUMBER: _ClassVar[int]
    event_definition: _config_pb2.EventDefinition
    def __init__(self, event_definition: _Optional[_Union[_config_pb2.EventDefinition, _Mapping]] = ...) -> None: ...

class CreateEventDefinitionResponse(_message.Message):
    __slots__ = ("event_definition",)
    EVENT_DEFINITION_FIELD_NUMBER: _ClassVar[int]
    event_definition: _config_pb2.EventDefinition
    def __init__(self, event_definition: _Optional[_Union[_config_pb2.EventDefinition, _Mapping]] = ...) -> None: ...

class ListEventDefinitionsRequest(_message.Message):
    __slots__ = ("campaign_id",)
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    def __init__(self, campaign_id: _Optional[str] = ...) -> None: ...

class ListEventDefinitionsResponse(_message.Message):
    __slots__ = ("event_definitions",)
    EVENT_DEFINITIONS_FIELD_NUMBER: _ClassVar[int]
    event_definitions: _containers.RepeatedCompositeFieldContainer[_config_pb2.EventDefinition]
    def __init__(self, event_definitions: _Optional[_Iterable[_Union[_config_pb2.EventDefinition, _Mapping]]] = ...) -> None: ...

class UpdateEventDefinitionRequest(_message.Message):
    __slots__ = ("event_definition",)
    EVENT_DEFINITION_FIELD_NUMBER: _ClassVar[int]
    event_definition: _config_pb2.EventDefinition
    def __init__(self, event_definition: _Optional[_Union[_config_pb2.EventDefinition, _Mapping]] = ...) -> None: ...

class UpdateEventDefinitionResponse(_message.Message):
    __slots__ = ("event_definition",)
    EVENT_DEFINITION_FIELD_NUMBER: _ClassVar[int]
    event_definition: _config_pb2.EventDefinition
    def __init__(self, event_definition: _Optional[_Union[_config_pb2.EventDefinition, _Mapping]] = ...) -> None: ...

class DeleteEventDefinitionRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteEventDefinitionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateCustomFieldRequest(_message.Message):
    __slots__ = ("custom_field",)
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    custom_field: _config_pb2.CustomField
    def __init__(self, custom_field: _Optional[_Union[_config_pb2.CustomField, _Mapping]] = ...) -> None: ...

class CreateCustomFieldResponse(_message.Message):
    __slots__ = ("custom_field",)
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    custom_field: _config_pb2.CustomField
    def __init__(self, custom_field: _Optional[_Union[_config_pb2.CustomField, _Mapping]] = ...) -> None: ...

class ListCustomFieldsRequest(_message.Message):
    __slots__ = ("campaign_id",)
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    def __init__(self, campaign_id: _Optional[str] = ...) -> None: ...

class ListCustomFieldsResponse(_message.Message):
    __slots__ = ("custom_fields",)
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    custom_fields: _containers.RepeatedCompositeFieldContainer[_config_pb2.CustomField]
    def __init__(self, custom_fields: _Optional[_Iterable[_Union[_config_pb2.CustomField, _Mapping]]] = ...) -> None: ...

class UpdateCustomFieldRequest(_message.Message):
    __slots__ = ("custom_field",)
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    custom_field: _config_pb2.CustomField
    def __init__(self, custom_field: _Optional[_Union[_config_pb2.CustomField, _Mapping]] = ...) -> None: ...

class UpdateCustomFieldResponse(_message.Message):
    __slots__ = ("custom_field",)
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    custom_field: _config_pb2.CustomField
    def __init__(self, custom_field: _Optional[_Union[_config_pb2.CustomField, _Mapping]] = ...) -> None: ...

class DeleteCustomFieldRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteCustomFieldResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateEventListRequest(_message.Message):
    __slots__ = ("event_list",)
    EVENT_LIST_FIELD_NUMBER: _ClassVar[int]
    event_list: _config_pb2.EventList
    def __init__(self, event_list: _Optional[_Union[_config_pb2.EventList, _Mapping]] = ...) -> None: ...

class CreateEventListResponse(_message.Message):
    __slots__ = ("event_list",)
    EVENT_LIST_FIELD_NUMBER: _ClassVar[int]
    event_list: _config_pb2.EventList
    def __init__(self, event_list: _Optional[_Union[_config_pb2.EventList, _Mapping]] = ...) -> None: ...

class ListEventListsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListEventListsResponse(_message.Message):
    __slots__ = ("event_lists",)
    EVENT_LISTS_FIELD_NUMBER: _ClassVar[int]
    event_lists: _containers.RepeatedCompositeFieldContainer[_config_pb2.EventList]
    def __init__(self, event_lists: _Optional[_Iterable[_Union[_config_pb2.EventList, _Mapping]]] = ...) -> None: ...

class UpdateEventListRequest(_message.Message):
    __slots__ = ("event_list",)
    EVENT_LIST_FIELD_NUMBER: _ClassVar[int]
    event_list: _config_pb2.EventList
    def __init__(self, event_list: _Optional[_Union[_config_pb2.EventList, _Mapping]] = ...) -> None: ...

class UpdateEventListResponse(_message.Message):
    __slots__ = ("event_list",)
    EVENT_LIST_FIELD_NUMBER: _ClassVar[int]
    event_list: _config_pb2.EventList
    def __init__(self, event_list: _Optional[_Union[_config_pb2.EventList, _Mapping]] = ...) -> None: ...

class DeleteEventListRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteEventListResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddEventsToListRequest(_message.Message):
    __slots__ = ("event_list_id", "event_names")
    EVENT_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAMES_FIELD_NUMBER: _ClassVar[int]
    event_list_id: str
    event_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, event_list_id: _Optional[str] = ..., event_names: _Optional[_Iterable[str]] = ...) -> None: ...

class AddEventsToListResponse(_message.Message):
    __slots__ = ("event_list",)
    EVENT_LIST_FIELD_NUMBER: _ClassVar[int]
    event_list: _config_pb2.EventList
    def __init__(self, event_list: _Optional[_Union[_config_pb2.EventList, _Mapping]] = ...) -> None: ...

class RemoveEventsFromListRequest(_message.Message):
    __slots__ = ("event_list_id", "event_names")
    EVENT_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAMES_FIELD_NUMBER: _ClassVar[int]
    event_list_id: str
    event_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, event_list_id: _Optional[str] = ..., event_names: _Optional[_Iterable[str]] = ...) -> None: ...

class RemoveEventsFromListResponse(_message.Message):
    __slots__ = ("event_list",)
    EVENT_LIST_FIELD_NUMBER: _ClassVar[int]
    event_list: _config_pb2.EventList
    def __init__(self, event_list: _Optional[_Union[_config_pb2.EventList, _Mapping]] = ...) -> None: ...

class AssignEventListRequest(_message.Message):
    __slots__ = ("event_list_id", "campaign_id")
    EVENT_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    event_list_id: str
    campaign_id: str
    def __init__(self, event_list_id: _Optional[str] = ..., campaign_id: _Optional[str] = ...) -> None: ...

class AssignEventListResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class UnassignEventListRequest(_message.Message):
    __slots__ = ("event_list_id", "campaign_id")
    EVENT_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    event_list_id: str
    campaign_id: str
    def __init__(self, event_list_id: _Optional[str] = ..., campaign_id: _Optional[str] = ...) -> None: ...

class UnassignEventListResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _config_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_config_pb2.Campaign, _Mapping]] = ...) -> None: ...

class CreateIntegrationRequest(_message.Message):
    __slots__ = ("integration", "signing_secret")
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    integration: _config_pb2.Integration
    signing_secret: str
    def __init__(self, integration: _Optional[_Union[_config_pb2.Integration, _Mapping]] = ..., signing_secret: _Optional[str] = ...) -> None: ...

class CreateIntegrationResponse(_message.Message):
    __slots__ = ("integration", "token")
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    integration: _config_pb2.Integration
    token: str
    def __init__(self, integration: _Optional[_Union[_config_pb2.Integration, _Mapping]] = ..., token: _Optional[str] = ...) -> None: ...

class ListIntegrationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListIntegrationsResponse(_message.Message):
    __slots__ = ("integrations",)
    INTEGRATIONS_FIELD_NUMBER: _ClassVar[int]
    integrations: _containers.RepeatedCompositeFieldContainer[_config_pb2.Integration]
    def __init__(self, integrations: _Optional[_Iterable[_Union[_config_pb2.Integration, _Mapping]]] = ...) -> None: ...

class UpdateIntegrationRequest(_message.Message):
    __slots__ = ("integration", "signing_secret")
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    integration: _config_pb2.Integration
    signing_secret: str
    def __init__(self, integration: _Optional[_Union[_config_pb2.Integration, _Mapping]] = ..., signing_secret: _Optional[str] = ...) -> None: ...

class UpdateIntegrationResponse(_message.Message):
    __slots__ = ("integration",)
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    integration: _config_pb2.Integration
    def __init__(self, integration: _Optional[_Union[_config_pb2.Integration, _Mapping]] = ...) -> None: ...

class DeleteIntegrationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteIntegrationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RotateIntegrationTokenRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RotateIntegrationTokenResponse(_message.Message):
    __slots__ = ("integration", "token")
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    integration: _config_pb2.Integration
    token: str
    def __init__(self, integration: _Optional[_Union[_config_pb2.Integration, _Mapping]] = ..., token: _Optional[str] = ...) -> None: ...

class CreateDestinationRequest(_message.Message):
    __slots__ = ("destination", "credentials")
    class CredentialsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    destination: _config_pb2.Destination
    credentials: _containers.ScalarMap[str, str]
    def __init__(self, destination: _Optional[_Union[_config_pb2.Destination, _Mapping]] = ..., credentials: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CreateDestinationResponse(_message.Message):
    __slots__ = ("destination",)
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: _config_pb2.Destination
    def __init__(self, destination: _Optional[_Union[_config_pb2.Destination, _Mapping]] = ...) -> None: ...

class GetDestinationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetDestinationResponse(_message.Message):
    __slots__ = ("destination",)
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: _config_pb2.Destination
    def __init__(self, destination: _Optional[_Union[_config_pb2.Destination, _Mapping]] = ...) -> None: ...

class ListDestinationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDestinationsResponse(_message.Message):
    __slots__ = ("destinations",)
    DESTINATIONS_FIELD_NUMBER: _ClassVar[int]
    destinations: _containers.RepeatedCompositeFieldContainer[_config_pb2.Destination]
    def __init__(self, destinations: _Optional[_Iterable[_Union[_config_pb2.Destination, _Mapping]]] = ...) -> None: ...

class UpdateDestinationRequest(_message.Message):
    __slots__ = ("destination",)
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: _config_pb2.Destination
    def __init__(self, destination: _Optional[_Union[_config_pb2.Destination, _Mapping]] = ...) -> None: ...

class UpdateDestinationResponse(_message.Message):
    __slots__ = ("destination",)
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: _config_pb2.Destination
    def __init__(self, destination: _Optional[_Union[_config_pb2.Destination, _Mapping]] = ...) -> None: ...

class SetDestinationCredentialsRequest(_message.Message):
    __slots__ = ("destination_id", "credentials")
    class CredentialsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    destination_id: str
    credentials: _containers.ScalarMap[str, str]
    def __init__(self, destination_id: _Optional[str] = ..., credentials: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SetDestinationCredentialsResponse(_message.Message):
    __slots__ = ("destination",)
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    destination: _config_pb2.Destination
    def __init__(self, destination: _Optional[_Union[_config_pb2.Destination, _Mapping]] = ...) -> None: ...

class DeleteDestinationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteDestinationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetEventMappingRequest(_message.Message):
    __slots__ = ("event_mapping",)
    EVENT_MAPPING_FIELD_NUMBER: _ClassVar[int]
    event_mapping: _config_pb2.EventMapping
    def __init__(self, event_mapping: _Optional[_Union[_config_pb2.EventMapping, _Mapping]] = ...) -> None: ...

class SetEventMappingResponse(_message.Message):
    __slots__ = ("event_mapping",)
    EVENT_MAPPING_FIELD_NUMBER: _ClassVar[int]
    event_mapping: _config_pb2.EventMapping
    def __init__(self, event_mapping: _Optional[_Union[_config_pb2.EventMapping, _Mapping]] = ...) -> None: ...

class DeleteEventMappingRequest(_message.Message):
    __slots__ = ("destination_id", "event_name")
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    destination_id: str
    event_name: str
    def __init__(self, destination_id: _Optional[str] = ..., event_name: _Optional[str] = ...) -> None: ...

class DeleteEventMappingResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListEventMappingsRequest(_message.Message):
    __slots__ = ("destination_id",)
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    destination_id: str
    def __init__(self, destination_id: _Optional[str] = ...) -> None: ...

class ListEventMappingsResponse(_message.Message):
    __slots__ = ("event_mappings",)
    EVENT_MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    event_mappings: _containers.RepeatedCompositeFieldContainer[_config_pb2.EventMapping]
    def __init__(self, event_mappings: _Optional[_Iterable[_Union[_config_pb2.EventMapping, _Mapping]]] = ...) -> None: ...

class CreatePostbackRequest(_message.Message):
    __slots__ = ("postback",)
    POSTBACK_FIELD_NUMBER: _ClassVar[int]
    postback: _config_pb2.Postback
    def __init__(self, postback: _Optional[_Union[_config_pb2.Postback, _Mapping]] = ...) -> None: ...

class CreatePostbackResponse(_message.Message):
    __slots__ = ("postback",)
    POSTBACK_FIELD_NUMBER: _ClassVar[int]
    postback: _config_pb2.Postback
    def __init__(self, postback: _Optional[_Union[_config_pb2.Postback, _Mapping]] = ...) -> None: ...

class ListPostbacksRequest(_message.Message):
    __slots__ = ("campaign_id",)
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    campaign_id: str
    def __init__(self, campaign_id: _Optional[str] = ...) -> None: ...

class ListPostbacksResponse(_message.Message):
    __slots__ = ("postbacks",)
    POSTBACKS_FIELD_NUMBER: _ClassVar[int]
    postbacks: _containers.RepeatedCompositeFieldContainer[_config_pb2.Postback]
    def __init__(self, postbacks: _Optional[_Iterable[_Union[_config_pb2.Postback, _Mapping]]] = ...) -> None: ...

class UpdatePostbackRequest(_message.Message):
    __slots__ = ("postback",)
    POSTBACK_FIELD_NUMBER: _ClassVar[int]
    postback: _config_pb2.Postback
    def __init__(self, postback: _Optional[_Union[_config_pb2.Postback, _Mapping]] = ...) -> None: ...

class UpdatePostbackResponse(_message.Message):
    __slots__ = ("postback",)
    POSTBACK_FIELD_NUMBER: _ClassVar[int]
    postback: _config_pb2.Postback
    def __init__(self, postback: _Optional[_Union[_config_pb2.Postback, _Mapping]] = ...) -> None: ...

class DeletePostbackRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeletePostbackResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSnapshotRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSnapshotResponse(_message.Message):
    __slots__ = ("snapshot",)
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: _config_pb2.Snapshot
    def __init__(self, snapshot: _Optional[_Union[_config_pb2.Snapshot, _Mapping]] = ...) -> None: ...

class ApplyConfigRequest(_message.Message):
    __slots__ = ("document", "dry_run", "prune")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    PRUNE_FIELD_NUMBER: _ClassVar[int]
    document: str
    dry_run: bool
    prune: bool
    def __init__(self, document: _Optional[str] = ..., dry_run: _Optional[bool] = ..., prune: _Optional[bool] = ...) -> None: ...

class ApplyConfigResponse(_message.Message):
    __slots__ = ("changes", "version")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedScalarFieldContainer[str]
    version: int
    def __init__(self, changes: _Optional[_Iterable[str]] = ..., version: _Optional[int] = ...) -> None: ...

class ExportConfigRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportConfigResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: str
    def __init__(self, document: _Optional[str] = ...) -> None: ...

class CreateOrganizationRequest(_message.Message):
    __slots__ = ("organization", "admin_key_name")
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    ADMIN_KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    organization: _config_pb2.Organization
    admin_key_name: str
    def __init__(self, organization: _Optional[_Union[_config_pb2.Organization, _Mapping]] = ..., admin_key_name: _Optional[str] = ...) -> None: ...

class CreateOrganizationResponse(_message.Message):
    __slots__ = ("organization", "api_key", "key")
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    organization: _config_pb2.Organization
    api_key: _config_pb2.ApiKey
    key: str
    def __init__(self, organization: _Optional[_Union[_config_pb2.Organization, _Mapping]] = ..., api_key: _Optional[_Union[_config_pb2.ApiKey, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class AuthenticateKeyRequest(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class AuthenticateKeyResponse(_message.Message):
    __slots__ = ("organization_id", "role", "key_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    role: _config_pb2.ApiKeyRole
    key_id: str
    def __init__(self, organization_id: _Optional[str] = ..., role: _Optional[_Union[_config_pb2.ApiKeyRole, str]] = ..., key_id: _Optional[str] = ...) -> None: ...

class GetOrganizationSnapshotRequest(_message.Message):
    __slots__ = ("organization_id", "min_version")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    min_version: int
    def __init__(self, organization_id: _Optional[str] = ..., min_version: _Optional[int] = ...) -> None: ...

class GetOrganizationSnapshotResponse(_message.Message):
    __slots__ = ("snapshot",)
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: _config_pb2.Snapshot
    def __init__(self, snapshot: _Optional[_Union[_config_pb2.Snapshot, _Mapping]] = ...) -> None: ...

class WatchSnapshotsRequest(_message.Message):
    __slots__ = ("known_versions",)
    class KnownVersionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    KNOWN_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    known_versions: _containers.ScalarMap[str, int]
    def __init__(self, known_versions: _Optional[_Mapping[str, int]] = ...) -> None: ...

class WatchSnapshotsResponse(_message.Message):
    __slots__ = ("snapshot", "removed_organization_id", "synced")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    REMOVED_ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    SYNCED_FIELD_NUMBER: _ClassVar[int]
    snapshot: _config_pb2.Snapshot
    removed_organization_id: str
    synced: bool
    def __init__(self, snapshot: _Optional[_Union[_config_pb2.Snapshot, _Mapping]] = ..., removed_organization_id: _Optional[str] = ..., synced: _Optional[bool] = ...) -> None: ...

class GetDestinationCredentialsRequest(_message.Message):
    __slots__ = ("organization_id", "destination_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    destination_id: str
    def __init__(self, organization_id: _Optional[str] = ..., destination_id: _Optional[str] = ...) -> None: ...

class GetDestinationCredentialsResponse(_message.Message):
    __slots__ = ("credentials", "credentials_version", "token_uri")
    class CredentialsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_VERSION_FIELD_NUMBER: _ClassVar[int]
    TOKEN_URI_FIELD_NUMBER: _ClassVar[int]
    credentials: _containers.ScalarMap[str, str]
    credentials_version: int
    token_uri: str
    def __init__(self, credentials: _Optional[_Mapping[str, str]] = ..., credentials_version: _Optional[int] = ..., token_uri: _Optional[str] = ...) -> None: ...

class GetIntegrationSecretRequest(_message.Message):
    __slots__ = ("organization_id", "integration_id")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    integration_id: str
    def __init__(self, organization_id: _Optional[str] = ..., integration_id: _Optional[str] = ...) -> None: ...

class GetIntegrationSecretResponse(_message.Message):
    __slots__ = ("signing_secret",)
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    signing_secret: str
    def __init__(self, signing_secret: _Optional[str] = ...) -> None: ...
