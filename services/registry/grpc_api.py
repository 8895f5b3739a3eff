"""The gRPC edge of `Registry`: calls with an admin API key, scoped to the key's organization.

Methods authenticate, call the domain modules and shape answers; nothing else.

Objects of another organization are simply absent from the caller's state, so every id of
theirs answers NOT_FOUND (law 7: a caller cannot even learn that it exists).
"""

from __future__ import annotations

from typing import Any

from services.common.auth import KeyResolver, authorize_context
from services.common.errors import (
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.registry import apply as declarative
from services.registry import (
    campaigns,
    destinations,
    integrations,
    organizations,
    postbacks,
    rules,
)
from services.registry.state import OrgState
from services.registry.store import Store, require
from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc

Context = Any


class RegistryApi(registry_pb2_grpc.RegistryServicer):  # type: ignore[misc]
    """Configuration calls of one organization, authenticated by an admin API key."""

    def __init__(self, store: Store, resolver: KeyResolver, internal_token: str) -> None:
        self._store = store
        self._resolver = resolver
        self._internal_token = internal_token

    async def _org(self, context: Context) -> str:
        caller = await authorize_context(context, "admin", self._resolver, self._internal_token)
        if not caller.organization_id:
            raise PermissionDenied("this method needs an organization's admin API key")
        return caller.organization_id

    async def _state(self, context: Context) -> OrgState:
        return await self._store.state(await self._org(context))

    # organization and keys

    async def GetOrganization(
        self, request: registry_pb2.GetOrganizationRequest, context: Context
    ) -> registry_pb2.GetOrganizationResponse:
        state = await self._state(context)
        return registry_pb2.GetOrganizationResponse(organization=state.snapshot.organization)

    async def UpdateOrganization(
        self, request: registry_pb2.UpdateOrganizationRequest, context: Context
    ) -> registry_pb2.UpdateOrganizationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await organizations.update_organization(tx, request.organization)
            state = await tx.reload()
        return registry_pb2.UpdateOrganizationResponse(organization=state.snapshot.organization)

    async def CreateApiKey(
        self, request: registry_pb2.CreateApiKeyRequest, context: Context
    ) -> registry_pb2.CreateApiKeyResponse:
        org = await self._org(context)
        api_key, key = await organizations.create_api_key(
            self._store.pool, org, request.name, request.role
        )
        return registry_pb2.CreateApiKeyResponse(api_key=api_key, key=key)

    async def ListApiKeys(
        self, request: registry_pb2.ListApiKeysRequest, context: Context
    ) -> registry_pb2.ListApiKeysResponse:
        keys = await organizations.list_api_keys(self._store.pool, await self._org(context))
        return registry_pb2.ListApiKeysResponse(api_keys=keys)

    async def RevokeApiKey(
        self, request: registry_pb2.RevokeApiKeyRequest, context: Context
    ) -> registry_pb2.RevokeApiKeyResponse:
        org = await self._org(context)
        api_key = await organizations.revoke_api_key(self._store.pool, org, request.id)
        return registry_pb2.RevokeApiKeyResponse(api_key=api_key)

    # campaigns

    async def CreateCampaign(
        self, request: registry_pb2.CreateCampaignRequest, context: Context
    ) -> registry_pb2.CreateCampaignResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            campaign_id = await campaigns.create_campaign(tx, request.campaign)
            state = await tx.reload()
        return registry_pb2.CreateCampaignResponse(campaign=state.campaign(campaign_id))

    async def GetCampaign(
        self, request: registry_pb2.GetCampaignRequest, context: Context
    ) -> registry_pb2.GetCampaignResponse:
        state = await self._state(context)
        return registry_pb2.GetCampaignResponse(
            campaign=require(state.campaign(request.id), "campaign")
        )

    async def ListCampaigns(
        self, request: registry_pb2.ListCampaignsRequest, context: Context
    ) -> registry_pb2.ListCampaignsResponse:
        state = await self._state(context)
        return registry_pb2.ListCampaignsResponse(campaigns=state.snapshot.campaigns)

    async def UpdateCampaign(
        self, request: registry_pb2.UpdateCampaignRequest, context: Context
    ) -> registry_pb2.UpdateCampaignResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.update_campaign(tx, request.campaign)
            state = await tx.reload()
        return registry_pb2.UpdateCampaignResponse(campaign=state.campaign(request.campaign.id))

    async def DeleteCampaign(
        self, request: registry_pb2.DeleteCampaignRequest, context: Context
    ) -> registry_pb2.DeleteCampaignResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.delete_campaign(tx, request.id)
        return registry_pb2.DeleteCampaignResponse()

    async def ResolveCampaign(
        self, request: registry_pb2.ResolveCampaignRequest, context: Context
    ) -> registry_pb2.ResolveCampaignResponse:
        state = await self._state(context)
        require(state.campaign(request.campaign_id), "campaign")
        resolved = state.resolve(request.campaign_id)
        return registry_pb2.ResolveCampaignResponse(
            resolved=resolved, event_definitions=_effective_events(state, request.campaign_id)
        )

    # event definitions

    async def CreateEventDefinition(
        self, request: registry_pb2.CreateEventDefinitionRequest, context: Context
    ) -> registry_pb2.CreateEventDefinitionResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            event_id = await campaigns.create_event(tx, request.event_definition)
            state = await tx.reload()
        return registry_pb2.CreateEventDefinitionResponse(event_definition=state.event(event_id))

    async def ListEventDefinitions(
        self, request: registry_pb2.ListEventDefinitionsRequest, context: Context
    ) -> registry_pb2.ListEventDefinitionsResponse:
        state = await self._state(context)
        if request.campaign_id:
            require(state.campaign(request.campaign_id), "campaign")
            events = _effective_events(state, request.campaign_id)
        else:
            events = list(state.snapshot.event_definitions)
        return registry_pb2.ListEventDefinitionsResponse(event_definitions=events)

    async def UpdateEventDefinition(
        self, request: registry_pb2.UpdateEventDefinitionRequest, context: Context
    ) -> registry_pb2.UpdateEventDefinitionResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.update_event(tx, request.event_definition)
            state = await tx.reload()
        updated = state.event(request.event_definition.id)
        return registry_pb2.UpdateEventDefinitionResponse(event_definition=updated)

    async def DeleteEventDefinition(
        self, request: registry_pb2.DeleteEventDefinitionRequest, context: Context
    ) -> registry_pb2.DeleteEventDefinitionResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.delete_event(tx, request.id)
        return registry_pb2.DeleteEventDefinitionResponse()

    # custom fields

    async def CreateCustomField(
        self, request: registry_pb2.CreateCustomFieldRequest, context: Context
    ) -> registry_pb2.CreateCustomFieldResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            field_id = await campaigns.create_field(tx, request.custom_field)
            state = await tx.reload()
        return registry_pb2.CreateCustomFieldResponse(custom_field=state.custom_field(field_id))

    async def ListCustomFields(
        self, request: registry_pb2.ListCustomFieldsRequest, context: Context
    ) -> registry_pb2.ListCustomFieldsResponse:
        state = await self._state(context)
        if request.campaign_id:
            require(state.campaign(request.campaign_id), "campaign")
        fields = [
            f
            for f in state.snapshot.custom_fields
            if not request.campaign_id or f.campaign_id == request.campaign_id
        ]
        return registry_pb2.ListCustomFieldsResponse(custom_fields=fields)

    async def UpdateCustomField(
        self, request: registry_pb2.UpdateCustomFieldRequest, context: Context
    ) -> registry_pb2.UpdateCustomFieldResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.update_field(tx, request.custom_field)
            state = await tx.reload()
        updated = state.custom_field(request.custom_field.id)
        return registry_pb2.UpdateCustomFieldResponse(custom_field=updated)

    async def DeleteCustomField(
        self, request: registry_pb2.DeleteCustomFieldRequest, context: Context
    ) -> registry_pb2.DeleteCustomFieldResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.delete_field(tx, request.id)
        return registry_pb2.DeleteCustomFieldResponse()

    # event lists

    async def CreateEventList(
        self, request: registry_pb2.CreateEventListRequest, context: Context
    ) -> registry_pb2.CreateEventListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            list_id = await campaigns.create_list(tx, request.event_list)
            state = await tx.reload()
        return registry_pb2.CreateEventListResponse(event_list=state.event_list(list_id))

    async def ListEventLists(
        self, request: registry_pb2.ListEventListsRequest, context: Context
    ) -> registry_pb2.ListEventListsResponse:
        state = await self._state(context)
        return registry_pb2.ListEventListsResponse(event_lists=state.snapshot.event_lists)

    async def UpdateEventList(
        self, request: registry_pb2.UpdateEventListRequest, context: Context
    ) -> registry_pb2.UpdateEventListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.update_list(tx, request.event_list)
            state = await tx.reload()
        return registry_pb2.UpdateEventListResponse(
            event_list=state.event_list(request.event_list.id)
        )

    async def DeleteEventList(
        self, request: registry_pb2.DeleteEventListRequest, context: Context
    ) -> registry_pb2.DeleteEventListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.delete_list(tx, request.id)
        return registry_pb2.DeleteEventListResponse()

    async def AddEventsToList(
        self, request: registry_pb2.AddEventsToListRequest, context: Context
    ) -> registry_pb2.AddEventsToListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            current = require(tx.state.event_list(request.event_list_id), "event list")
            wrong = rules.list_events(request.event_names, tx.state, "event_names")
            if wrong:
                raise InvalidArgument(wrong)
            added = [n for n in request.event_names if n not in current.event_names]
            names = [*current.event_names, *added]
            await campaigns.set_list_events(tx, request.event_list_id, names)
            state = await tx.reload()
        return registry_pb2.AddEventsToListResponse(
            event_list=state.event_list(request.event_list_id)
        )

    async def RemoveEventsFromList(
        self, request: registry_pb2.RemoveEventsFromListRequest, context: Context
    ) -> registry_pb2.RemoveEventsFromListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            current = require(tx.state.event_list(request.event_list_id), "event list")
            missing = set(request.event_names) - set(current.event_names)
            if missing:
                raise NotFound(f"not in the list: {', '.join(sorted(missing))}")
            names = [n for n in current.event_names if n not in set(request.event_names)]
            await campaigns.set_list_events(tx, request.event_list_id, names)
            state = await tx.reload()
        return registry_pb2.RemoveEventsFromListResponse(
            event_list=state.event_list(request.event_list_id)
        )

    async def AssignEventList(
        self, request: registry_pb2.AssignEventListRequest, context: Context
    ) -> registry_pb2.AssignEventListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.assign_list(tx, request.event_list_id, request.campaign_id)
            state = await tx.reload()
        return registry_pb2.AssignEventListResponse(campaign=state.campaign(request.campaign_id))

    async def UnassignEventList(
        self, request: registry_pb2.UnassignEventListRequest, context: Context
    ) -> registry_pb2.UnassignEventListResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await campaigns.unassign_list(tx, request.event_list_id, request.campaign_id)
            state = await tx.reload()
        return registry_pb2.UnassignEventListResponse(campaign=state.campaign(request.campaign_id))

    # integrations

    async def CreateIntegration(
        self, request: registry_pb2.CreateIntegrationRequest, context: Context
    ) -> registry_pb2.CreateIntegrationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            integration_id, token = await integrations.create_integration(
                tx, request.integration, request.signing_secret
            )
            state = await tx.reload()
        return registry_pb2.CreateIntegrationResponse(
            integration=state.integration(integration_id), token=token
        )

    async def ListIntegrations(
        self, request: registry_pb2.ListIntegrationsRequest, context: Context
    ) -> registry_pb2.ListIntegrationsResponse:
        state = await self._state(context)
        return registry_pb2.ListIntegrationsResponse(integrations=state.snapshot.integrations)

    async def UpdateIntegration(
        self, request: registry_pb2.UpdateIntegrationRequest, context: Context
    ) -> registry_pb2.UpdateIntegrationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await integrations.update_integration(tx, request.integration, request.signing_secret)
            state = await tx.reload()
        return registry_pb2.UpdateIntegrationResponse(
            integration=state.integration(request.integration.id)
        )

    async def DeleteIntegration(
        self, request: registry_pb2.DeleteIntegrationRequest, context: Context
    ) -> registry_pb2.DeleteIntegrationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await integrations.delete_integration(tx, request.id)
        return registry_pb2.DeleteIntegrationResponse()

    async def RotateIntegrationToken(
        self, request: registry_pb2.RotateIntegrationTokenRequest, context: Context
    ) -> registry_pb2.RotateIntegrationTokenResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            token = await integrations.rotate_token(tx, request.id)
            state = await tx.reload()
        return registry_pb2.RotateIntegrationTokenResponse(
            integration=state.integration(request.id), token=token
        )

    # destinations and mappings

    async def CreateDestination(
        self, request: registry_pb2.CreateDestinationRequest, context: Context
    ) -> registry_pb2.CreateDestinationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            destination_id = await destinations.create_destination(
                tx, request.destination, request.credentials
            )
            state = await tx.reload()
        return registry_pb2.CreateDestinationResponse(destination=state.destination(destination_id))

    async def GetDestination(
        self, request: registry_pb2.GetDestinationRequest, context: Context
    ) -> registry_pb2.GetDestinationResponse:
        state = await self._state(context)
        found = require(state.destination(request.id), "destination")
        return registry_pb2.GetDestinationResponse(destination=found)

    async def ListDestinations(
        self, request: registry_pb2.ListDestinationsRequest, context: Context
    ) -> registry_pb2.ListDestinationsResponse:
        state = await self._state(context)
        return registry_pb2.ListDestinationsResponse(destinations=state.snapshot.destinations)

    async def UpdateDestination(
        self, request: registry_pb2.UpdateDestinationRequest, context: Context
    ) -> registry_pb2.UpdateDestinationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await destinations.update_destination(tx, request.destination)
            state = await tx.reload()
        return registry_pb2.UpdateDestinationResponse(
            destination=state.destination(request.destination.id)
        )

    async def SetDestinationCredentials(
        self, request: registry_pb2.SetDestinationCredentialsRequest, context: Context
    ) -> registry_pb2.SetDestinationCredentialsResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await destinations.set_credentials(tx, request.destination_id, request.credentials)
            state = await tx.reload()
        return registry_pb2.SetDestinationCredentialsResponse(
            destination=state.destination(request.destination_id)
        )

    async def DeleteDestination(
        self, request: registry_pb2.DeleteDestinationRequest, context: Context
    ) -> registry_pb2.DeleteDestinationResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await destinations.delete_destination(tx, request.id)
        return registry_pb2.DeleteDestinationResponse()

    async def SetEventMapping(
        self, request: registry_pb2.SetEventMappingRequest, context: Context
    ) -> registry_pb2.SetEventMappingResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await destinations.set_mapping(tx, request.event_mapping)
        return registry_pb2.SetEventMappingResponse(event_mapping=request.event_mapping)

    async def DeleteEventMapping(
        self, request: registry_pb2.DeleteEventMappingRequest, context: Context
    ) -> registry_pb2.DeleteEventMappingResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await destinations.delete_mapping(tx, request.destination_id, request.event_name)
        return registry_pb2.DeleteEventMappingResponse()

    async def ListEventMappings(
        self, request: registry_pb2.ListEventMappingsRequest, context: Context
    ) -> registry_pb2.ListEventMappingsResponse:
        state = await self._state(context)
        require(state.destination(request.destination_id), "destination")
        return registry_pb2.ListEventMappingsResponse(
            event_mappings=state.mappings_of(request.destination_id)
        )

    # postbacks

    async def CreatePostback(
        self, request: registry_pb2.CreatePostbackRequest, context: Context
    ) -> registry_pb2.CreatePostbackResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            postback_id = await postbacks.create_postback(tx, request.postback)
            state = await tx.reload()
        return registry_pb2.CreatePostbackResponse(postback=state.postback(postback_id))

    async def ListPostbacks(
        self, request: registry_pb2.ListPostbacksRequest, context: Context
    ) -> registry_pb2.ListPostbacksResponse:
        state = await self._state(context)
        if request.campaign_id:
            require(state.campaign(request.campaign_id), "campaign")
        found = [
            p
            for p in state.snapshot.postbacks
            if not request.campaign_id or p.campaign_id == request.campaign_id
        ]
        return registry_pb2.ListPostbacksResponse(postbacks=found)

    async def UpdatePostback(
        self, request: registry_pb2.UpdatePostbackRequest, context: Context
    ) -> registry_pb2.UpdatePostbackResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await postbacks.update_postback(tx, request.postback)
            state = await tx.reload()
        return registry_pb2.UpdatePostbackResponse(postback=state.postback(request.postback.id))

    async def DeletePostback(
        self, request: registry_pb2.DeletePostbackRequest, context: Context
    ) -> registry_pb2.DeletePostbackResponse:
        async with self._store.mutation(await self._org(context)) as tx:
            await postbacks.delete_postback(tx, request.id)
        return registry_pb2.DeletePostbackResponse()

    # snapshots and documents

    async def GetSnapshot(
        self, request: registry_pb2.GetSnapshotRequest, context: Context
    ) -> registry_pb2.GetSnapshotResponse:
        snapshot = await self._store.snapshot(await self._org(context))
        return registry_pb2.GetSnapshotResponse(snapshot=snapshot)

    async def ApplyConfig(
        self, request: registry_pb2.ApplyConfigRequest, context: Context
    ) -> registry_pb2.ApplyConfigResponse:
        org = await self._org(context)
        result = await declarative.apply_document(
            self._store, org, request.document, prune=request.prune, dry_run=request.dry_run
        )
        return registry_pb2.ApplyConfigResponse(changes=result.changes, version=result.version)

    async def ExportConfig(
        self, request: registry_pb2.ExportConfigRequest, context: Context
    ) -> registry_pb2.ExportConfigResponse:
        state = await self._state(context)
        return registry_pb2.ExportConfigResponse(document=declarative.export_document(state))


def _effective_events(state: OrgState, campaign_id: str) -> list[config_pb2.EventDefinition]:
    found = (state.event_named(n, campaign_id) for n in state.effective_event_names(campaign_id))
    return [event for event in found if event is not None]
