-- The dispatcher's record: events, their deliveries (the queue) and every attempt.
--
-- events, deliveries and attempts are partitioned by day on the time the dispatcher stored
-- them, so retention drops whole partitions and never deletes rows one by one. Partitions are
-- created ahead by the maintenance task (and at start-up). The queue scan stays fast because
-- each partition has partial indexes holding only waiting and leased rows: a claim reads the
-- small partial indexes of the few partitions that have any, whatever the history's size.

-- Law 3 backstop: an organization's event id is taken once within the dedup window, even when
-- a Redis restart wiped ingest's dedup keys. Small and not partitioned; old rows are deleted by
-- time range.
CREATE TABLE dispatcher.event_ids (
    organization_id text NOT NULL,
    event_id text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, event_id)
);
CREATE INDEX event_ids_received_at ON dispatcher.event_ids (received_at);

CREATE TABLE dispatcher.events (
    organization_id text NOT NULL,
    event_id text NOT NULL,
    received_at timestamptz NOT NULL,
    event_name text NOT NULL,
    campaign_id text NOT NULL,
    lead_id text NOT NULL,
    transaction_id text NOT NULL,
    event_time timestamptz,
    value double precision,
    currency text NOT NULL,
    config_version bigint NOT NULL,
    test boolean NOT NULL,
    canonical bytea NOT NULL,   -- serialized switchyard.v1.CanonicalEvent
    inbound bytea NOT NULL,     -- serialized switchyard.v1.InboundRequest
    PRIMARY KEY (organization_id, event_id, received_at)
) PARTITION BY RANGE (received_at);
CREATE INDEX events_history ON dispatcher.events (organization_id, received_at DESC, event_id DESC);

CREATE TABLE dispatcher.deliveries (
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    organization_id text NOT NULL,
    event_id text NOT NULL,
    event_name text NOT NULL,
    campaign_id text NOT NULL,
    lead_id text NOT NULL,
    transaction_id text NOT NULL,
    destination_id text NOT NULL,
    destination_name text NOT NULL,
    destination_type int NOT NULL,
    postback_id text NOT NULL,
    platform_event_name text NOT NULL,
    status text NOT NULL CHECK (status IN (
        'pending', 'in_flight', 'delivered', 'retrying', 'failed', 'dead', 'expired', 'skipped')),
    reason text NOT NULL DEFAULT '',
    attempt_count int NOT NULL DEFAULT 0,
    last_status_code int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_owner text,
    lease_until timestamptz,
    budget_until timestamptz NOT NULL,
    accept_until timestamptz,
    match_quality int NOT NULL,
    response_kind text NOT NULL,
    test boolean NOT NULL,
    request bytea NOT NULL,     -- serialized switchyard.v1.HttpRequest, never with credentials
    batch_key text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX deliveries_due ON dispatcher.deliveries (next_attempt_at)
    WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_leased ON dispatcher.deliveries (lease_until)
    WHERE status = 'in_flight';
CREATE INDEX deliveries_history ON dispatcher.deliveries (organization_id, created_at DESC, id DESC);
CREATE INDEX deliveries_event ON dispatcher.deliveries (organization_id, event_id);

CREATE TABLE dispatcher.attempts (
    delivery_id text NOT NULL,
    organization_id text NOT NULL,
    number int NOT NULL,
    started_at timestamptz NOT NULL,
    latency_ms bigint NOT NULL,
    status_code int NOT NULL,
    response_headers jsonb NOT NULL,
    response_body bytea NOT NULL,
    response_truncated boolean NOT NULL,
    outcome text NOT NULL,
    error_class text NOT NULL,
    error_message text NOT NULL,
    batch_size int NOT NULL,
    lease_owner text NOT NULL
) PARTITION BY RANGE (started_at);
CREATE INDEX attempts_delivery ON dispatcher.attempts (delivery_id, started_at);

-- A destination whose credentials were refused waits here until the registry reports newer
-- ones; the claimer skips its deliveries so they do not burn attempts.
CREATE TABLE dispatcher.destination_state (
    destination_id text PRIMARY KEY,
    organization_id text NOT NULL,
    failed_credentials_version bigint NOT NULL,
    reason text NOT NULL,
    since timestamptz NOT NULL DEFAULT now()
);

-- Daily partitions are named <table>_pYYYYMMDD and cover one UTC day. Creating is idempotent
-- and serialized by an advisory lock, so replicas starting together do not collide.
CREATE FUNCTION dispatcher.ensure_partitions(day date) RETURNS int AS $$
DECLARE
    parent text;
    made int := 0;
    name text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('switchyard.dispatcher.partitions'));
    FOREACH parent IN ARRAY ARRAY['events', 'deliveries', 'attempts'] LOOP
        name := parent || '_p' || to_char(day, 'YYYYMMDD');
        IF to_regclass('dispatcher.' || name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE dispatcher.%I PARTITION OF dispatcher.%I FOR VALUES FROM (%L) TO (%L)',
                name, parent,
                (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END
$$ LANGUAGE plpgsql;

-- Retention: drop whole partitions whose day ends before the cutoff day.
CREATE FUNCTION dispatcher.drop_partitions_before(cutoff date) RETURNS SETOF text AS $$
DECLARE
    r record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('switchyard.dispatcher.partitions'));
    FOR r IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'dispatcher'
          AND p.relname IN ('events', 'deliveries', 'attempts')
          AND c.relname ~ '_p[0-9]{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') < cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE dispatcher.%I', r.relname);
        RETURN NEXT r.relname;
    END LOOP;
END
$$ LANGUAGE plpgsql;
