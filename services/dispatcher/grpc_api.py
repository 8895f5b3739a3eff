"""The Dispatcher gRPC service: a thin edge that checks the caller and calls the domain.

Enqueue takes the internal token; every other method an organization's admin API key, and
answers only about that organization (another tenant's id is simply not found).
"""

from __future__ import annotations

import uuid
from typing import Any

import grpc

from services.common.auth import Caller, KeyResolver, Policy, authorize_context
from services.common.errors import InvalidArgument, NotFound, domain_error_from_rpc, grpc_errors
from services.dispatcher import enqueue, history
from services.dispatcher.errors import DeliveryNotFound, EventNotFound, OrganizationRequired
from services.dispatcher.repository import Repository
from services.dispatcher.sample import sample_event
from services.dispatcher.worker import Worker
from switchyard.v1 import (
    common_pb2,
    dispatcher_pb2,
    dispatcher_pb2_grpc,
    mapper_pb2,
    mapper_pb2_grpc,
)

ACCEPTED = dispatcher_pb2.ENQUEUE_OUTCOME_ACCEPTED
DUPLICATE = dispatcher_pb2.ENQUEUE_OUTCOME_DUPLICATE


class DispatcherService(dispatcher_pb2_grpc.DispatcherServicer):  # type: ignore[misc]
    """Enqueue, history, redelivery and test sends."""

    def __init__(
        self,
        repository: Repository,
        worker: Worker,
        *,
        internal_token: str,
        resolver: KeyResolver | None,
        mapper_channel: Any | None,
        instance_id: str,
        retry_budget_seconds: float,
        lease_seconds: float,
    ) -> None:
        self._repo = repository
        self._worker = worker
        self._token = internal_token
        self._resolver = resolver
        self._mapper = mapper_pb2_grpc.MapperStub(mapper_channel) if mapper_channel else None
        self._instance_id = instance_id
        self._budget = retry_budget_seconds
        self._lease = lease_seconds

    async def _caller(self, context: grpc.aio.ServicerContext, policy: Policy) -> Caller:
        caller = await authorize_context(context, policy, self._resolver, self._token)
        if policy == "admin" and not caller.organization_id:
            raise OrganizationRequired()
        return caller

    @grpc_errors
    async def Enqueue(
        self, request: dispatcher_pb2.EnqueueRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.EnqueueResponse:
        """Commit the batch, answer, and hand the new deliveries to the local worker."""
        await self._caller(context, "internal")
        response, _ = await self.commit(request.events)
        return response

    async def commit(
        self, envelopes: Any, offer: bool = True
    ) -> tuple[dispatcher_pb2.EnqueueResponse, list[Any]]:
        """Validate and store envelopes in one transaction; offer the pending deliveries."""
        enqueue.validate(dispatcher_pb2.EnqueueRequest(events=envelopes))
        pairs = [(e.event.organization_id, e.event.event_id) for e in envelopes]
        # Offered deliveries are stored already leased to this process when they fit: the
        # worker sends them without a second write of every row to claim them.
        lease = self._worker.lease(sum(len(e.deliveries) for e in envelopes)) if offer else None
        taken, stored = await self._repo.enqueue(
            pairs,
            lambda t: enqueue.rows_for(envelopes, t),
            self._budget,
            self._instance_id,
            lease,
        )
        if offer:
            self._worker.take([r for r in stored if r["status"] == "in_flight"])
            self._worker.offer(
                [(r["id"], r["created_at"]) for r in stored if r["status"] == "pending"]
            )
        results = []
        for pair in pairs:
            outcome = ACCEPTED if pair in taken else DUPLICATE
            taken.discard(pair)  # a repeat inside the batch is a duplicate of the first
            results.append(dispatcher_pb2.EnqueueResult(event_id=pair[1], outcome=outcome))
        return dispatcher_pb2.EnqueueResponse(results=results), stored

    @grpc_errors
    async def ListEvents(
        self, request: dispatcher_pb2.ListEventsRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.ListEventsResponse:
        """A page of events, newest first."""
        caller = await self._caller(context, "admin")
        params = history.filter_params(request.filter)
        limit = history.page_size(request.page)
        cursor = history.decode_cursor(request.page.page_token)
        rows = await self._repo.list_events(caller.organization_id, params, cursor, limit)
        return dispatcher_pb2.ListEventsResponse(
            events=[history.event_summary(r) for r in rows],
            next_page_token=history.next_token(rows, limit, "received_at", "event_id"),
        )

    @grpc_errors
    async def GetEvent(
        self, request: dispatcher_pb2.GetEventRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.GetEventResponse:
        """The whole journey of one event."""
        caller = await self._caller(context, "admin")
        if not request.event_id:
            raise InvalidArgument.one("event_id", "is required")
        row = await self._repo.get_event(caller.organization_id, request.event_id)
        if row is None:
            raise EventNotFound(request.event_id)
        deliveries = await self._repo.deliveries_of_event(caller.organization_id, request.event_id)
        attempts = await self._repo.attempts_of(
            caller.organization_id, [d["id"] for d in deliveries]
        )
        event = common_pb2.CanonicalEvent()
        event.ParseFromString(row["canonical"])
        inbound = dispatcher_pb2.InboundRequest()
        inbound.ParseFromString(row["inbound"])
        return dispatcher_pb2.GetEventResponse(
            summary=history.event_summary(row),
            event=event,
            inbound=inbound,
            deliveries=[history.delivery_detail(d, attempts.get(d["id"], [])) for d in deliveries],
        )

    @grpc_errors
    async def ListDeliveries(
        self, request: dispatcher_pb2.ListDeliveriesRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.ListDeliveriesResponse:
        """A page of deliveries, newest first."""
        caller = await self._caller(context, "admin")
        params = history.filter_params(request.filter)
        limit = history.page_size(request.page)
        cursor = history.decode_cursor(request.page.page_token)
        rows = await self._repo.list_deliveries(caller.organization_id, params, cursor, limit)
        return dispatcher_pb2.ListDeliveriesResponse(
            deliveries=[history.delivery_summary(r) for r in rows],
            next_page_token=history.next_token(rows, limit, "created_at", "id"),
        )

    @grpc_errors
    async def GetDelivery(
        self, request: dispatcher_pb2.GetDeliveryRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.GetDeliveryResponse:
        """One delivery with its request and attempts."""
        caller = await self._caller(context, "admin")
        if not request.delivery_id:
            raise InvalidArgument.one("delivery_id", "is required")
        return dispatcher_pb2.GetDeliveryResponse(
            delivery=await self.delivery_detail(caller.organization_id, request.delivery_id)
        )

    async def delivery_detail(
        self, organization_id: str, delivery_id: str
    ) -> dispatcher_pb2.DeliveryDetail:
        """A delivery of the organization with its attempts, or DeliveryNotFound."""
        row = await self._repo.get_delivery(organization_id, delivery_id)
        if row is None:
            raise DeliveryNotFound(delivery_id)
        attempts = await self._repo.attempts_of(organization_id, [delivery_id])
        return history.delivery_detail(row, attempts.get(delivery_id, []))

    @grpc_errors
    async def Redeliver(
        self, request: dispatcher_pb2.RedeliverRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.RedeliverResponse:
        """Queue terminal deliveries again, by ids or by filter (never skipped ones)."""
        caller = await self._caller(context, "admin")
        params = history.filter_params(request.filter)
        if not request.delivery_ids and history.is_empty(params):
            raise InvalidArgument.one("filter", "give delivery_ids or a filter that narrows")
        rows = await self._repo.redeliver(
            caller.organization_id,
            params,
            list(request.delivery_ids),
            self._budget,
            request.dry_run,
            self._instance_id,
        )
        if not request.dry_run:
            self._worker.offer([(r["id"], r["created_at"]) for r in rows])
        return dispatcher_pb2.RedeliverResponse(count=len(rows))

    @grpc_errors
    async def SendTest(
        self, request: dispatcher_pb2.SendTestRequest, context: grpc.aio.ServicerContext
    ) -> dispatcher_pb2.SendTestResponse:
        """Map a sample (or given) event for one destination, send it now, return the answer."""
        caller = await self._caller(context, "admin")
        if bool(request.destination_id) == bool(request.postback_id):
            raise InvalidArgument.one(
                "destination_id", "give exactly one of destination_id, postback_id"
            )
        if self._mapper is None:
            raise NotFound("no mapper is configured for test sends")
        event = common_pb2.CanonicalEvent()
        event.CopyFrom(
            request.event if request.HasField("event") else sample_event(caller.organization_id)
        )
        event.organization_id = caller.organization_id
        event.event_id = f"test_{uuid.uuid4().hex}"  # never collides with a real event's id
        event.test = True
        envelope = await self._map_for_test(event, request.destination_id, request.postback_id)
        _, stored = await self.commit([envelope], offer=False)
        delivery = envelope.deliveries[0]
        keys = [(r["id"], r["created_at"]) for r in stored if r["status"] == "pending"]
        if keys:
            rows = await self._repo.claim_ids(self._instance_id, keys, [], self._lease)
            await self._worker.deliver_now(rows)
        return dispatcher_pb2.SendTestResponse(
            delivery=await self.delivery_detail(caller.organization_id, delivery.delivery_id)
        )

    async def _map_for_test(
        self, event: common_pb2.CanonicalEvent, destination_id: str, postback_id: str
    ) -> dispatcher_pb2.EventEnvelope:
        assert self._mapper is not None
        try:
            answer = await self._mapper.Map(
                mapper_pb2.MapRequest(
                    organization_id=event.organization_id,
                    events=[event],
                    destination_id=destination_id,
                    postback_id=postback_id,
                ),
                metadata=(("authorization", f"Bearer {self._token}"),),
                timeout=10,
            )
        except grpc.aio.AioRpcError as err:
            raise domain_error_from_rpc(
                err.code(), err.details() or "", err.trailing_metadata()
            ) from None
        found = [
            d
            for result in answer.results
            for d in result.deliveries
            if (destination_id and d.destination_id == destination_id and not d.postback_id)
            or (postback_id and d.postback_id == postback_id)
        ]
        if not found:
            what = (
                f"destination {destination_id!r}" if destination_id else f"postback {postback_id!r}"
            )
            raise NotFound(f"{what} not found")
        delivery = common_pb2.Delivery()
        delivery.CopyFrom(found[0])
        delivery.delivery_id = f"test_{uuid.uuid4().hex}"
        delivery.event_id = event.event_id
        delivery.test = True
        inbound = dispatcher_pb2.InboundRequest(
            request_id=uuid.uuid4().hex,
            channel="grpc",
            method="SendTest",
            received_at=event.received_at,
        )
        return dispatcher_pb2.EventEnvelope(
            event=event,
            config_version=answer.config_version,
            inbound=inbound,
            deliveries=[delivery],
        )
