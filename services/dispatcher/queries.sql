-- Every SQL statement of the dispatcher, by name. repository.py loads this file; the line
-- `-- name: <name>` starts a statement. History statements are scoped by organization id.

-- name: take_event_ids
-- Law 3 backstop: only ids not yet taken come back; the rest are duplicates.
INSERT INTO dispatcher.event_ids (organization_id, event_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT DO NOTHING
RETURNING organization_id, event_id;

-- name: insert_events
INSERT INTO dispatcher.events (
    organization_id, event_id, received_at, event_name, campaign_id, lead_id, transaction_id,
    event_time, value, currency, config_version, test, canonical, inbound)
SELECT o, e, now(), n, c, l, t, et, v, cur, cv, tst, can, inb
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::timestamptz[], $8::float8[], $9::text[], $10::bigint[], $11::bool[],
            $12::bytea[], $13::bytea[])
    AS x(o, e, n, c, l, t, et, v, cur, cv, tst, can, inb);

-- name: insert_deliveries
-- Skipped deliveries are stored too (with their reason), so nothing is dropped silently.
-- Given a lease owner ($23), deliveries this process will send at once are stored already
-- leased to it (what claim_ids would do next, without a second write of every row), unless
-- their destination is paused here ($25) or waits for credentials; the rest stay pending.
-- The same statement wakes other replicas' pollers (sent when the transaction commits).
WITH x AS (
    SELECT x.*, NOT x.skip AND $23::text IS NOT NULL AND x.dst <> ALL($25::text[])
                AND NOT EXISTS (SELECT 1 FROM dispatcher.destination_state s
                                WHERE s.destination_id = x.dst) AS leased
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[],
                $13::bool[], $14::text[], $15::timestamptz[], $16::int[], $17::text[],
                $18::bool[], $19::bytea[], $20::text[], $26::text[])
        AS x(id, o, e, n, c, l, t, dst, dn, dt, pb, pen, skip, reason, au, mq, rk, tst, req, bk,
             tp)
), inserted AS (
    INSERT INTO dispatcher.deliveries (
        id, created_at, organization_id, event_id, event_name, campaign_id, lead_id,
        transaction_id, destination_id, destination_name, destination_type, postback_id,
        platform_event_name, status, reason, next_attempt_at, budget_until, accept_until,
        match_quality, response_kind, test, request, batch_key, updated_at,
        lease_owner, lease_until, attempt_count, traceparent)
    SELECT id, now(), o, e, n, c, l, t, dst, dn, dt, pb, pen,
           CASE WHEN skip THEN 'skipped' WHEN leased THEN 'in_flight' ELSE 'pending' END,
           reason, now(), now() + make_interval(secs => $21), au, mq, rk, tst, req, bk, now(),
           CASE WHEN leased THEN $23 END,
           CASE WHEN leased THEN now() + make_interval(secs => $24) END,
           CASE WHEN leased THEN 1 ELSE 0 END, tp
    FROM x
    RETURNING id, created_at, status, organization_id, event_id, destination_id,
              destination_name, destination_type, attempt_count, budget_until, accept_until,
              response_kind, request, batch_key, test, traceparent
), wake AS (
    SELECT pg_notify('switchyard_dispatcher', $22::text)
)
SELECT inserted.*, now() AS claimed_at FROM inserted CROSS JOIN wake;

-- name: notify
-- Wakes other replicas' pollers when the transaction commits.
SELECT pg_notify('switchyard_dispatcher', $1::text);

-- name: claim_due
-- One statement: lock due deliveries (and ones whose lease expired) without waiting for rows
-- another replica holds, then lease them to this process and count the attempt.
WITH due AS (
    SELECT d.id, d.created_at
    FROM dispatcher.deliveries d
    WHERE ((d.status IN ('pending', 'retrying') AND d.next_attempt_at <= now())
           OR (d.status = 'in_flight' AND d.lease_until < now()))
      AND d.destination_id <> ALL($3::text[])
      AND NOT EXISTS (
          SELECT 1 FROM dispatcher.destination_state s WHERE s.destination_id = d.destination_id)
    ORDER BY d.next_attempt_at
    LIMIT $2
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE dispatcher.deliveries d
SET status = 'in_flight', lease_owner = $1, lease_until = now() + make_interval(secs => $4),
    attempt_count = d.attempt_count + 1, updated_at = now()
FROM due
WHERE d.id = due.id AND d.created_at = due.created_at
RETURNING d.id, d.created_at, d.organization_id, d.event_id, d.destination_id,
          d.destination_name, d.destination_type, d.attempt_count, d.budget_until,
          d.accept_until, d.response_kind, d.request, d.batch_key, d.test, d.traceparent,
          now() AS claimed_at;

-- name: claim_ids
-- The happy path: claim deliveries this process just committed, still through the lease so
-- another replica cannot send them too.
WITH due AS (
    SELECT d.id, d.created_at
    FROM dispatcher.deliveries d
    JOIN unnest($2::text[], $3::timestamptz[]) AS w(id, created_at)
      ON d.id = w.id AND d.created_at = w.created_at
    WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= now()
      AND d.destination_id <> ALL($4::text[])
      AND NOT EXISTS (
          SELECT 1 FROM dispatcher.destination_state s WHERE s.destination_id = d.destination_id)
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE dispatcher.deliveries d
SET status = 'in_flight', lease_owner = $1, lease_until = now() + make_interval(secs => $5),
    attempt_count = d.attempt_count + 1, updated_at = now()
FROM due
WHERE d.id = due.id AND d.created_at = due.created_at
RETURNING d.id, d.created_at, d.organization_id, d.event_id, d.destination_id,
          d.destination_name, d.destination_type, d.attempt_count, d.budget_until,
          d.accept_until, d.response_kind, d.request, d.batch_key, d.test, d.traceparent,
          now() AS claimed_at;

-- name: record_results
-- Fenced: only the lease holder of that very attempt may write the result. `uncount` gives
-- back an attempt that must not burn the budget (auth, open circuit, shutdown).
UPDATE dispatcher.deliveries d
SET status = r.status, reason = r.reason, last_status_code = r.status_code,
    next_attempt_at = r.next_attempt_at, attempt_count = d.attempt_count - r.uncount,
    lease_owner = NULL, lease_until = NULL, updated_at = now()
FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::text[], $5::text[], $6::int[],
            $7::timestamptz[], $8::int[])
    AS r(id, created_at, attempt_count, status, reason, status_code, next_attempt_at, uncount)
WHERE d.id = r.id AND d.created_at = r.created_at AND d.status = 'in_flight'
  AND d.lease_owner = $9 AND d.attempt_count = r.attempt_count
RETURNING d.id;

-- name: insert_attempts
INSERT INTO dispatcher.attempts (
    delivery_id, organization_id, number, started_at, latency_ms, status_code,
    response_headers, response_body, response_truncated, outcome, error_class, error_message,
    batch_size, lease_owner)
SELECT id, o, n, s, l, sc, h::jsonb, b, tr, oc, ec, em, bs, $14
FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::bigint[], $6::int[],
            $7::text[], $8::bytea[], $9::bool[], $10::text[], $11::text[], $12::text[],
            $13::int[])
    AS x(id, o, n, s, l, sc, h, b, tr, oc, ec, em, bs);

-- name: extend_leases
-- Heartbeat: a long batch keeps its deliveries.
UPDATE dispatcher.deliveries
SET lease_until = now() + make_interval(secs => $3)
WHERE id = ANY($1::text[]) AND lease_owner = $2 AND status = 'in_flight';

-- name: mark_needs_credentials
INSERT INTO dispatcher.destination_state (
    destination_id, organization_id, failed_credentials_version, reason)
VALUES ($1, $2, $3, $4)
ON CONFLICT (destination_id) DO UPDATE
SET failed_credentials_version = GREATEST(
        dispatcher.destination_state.failed_credentials_version,
        excluded.failed_credentials_version),
    reason = excluded.reason;

-- name: clear_needs_credentials
-- Newer credentials arrived: the destination's backlog may flow again.
DELETE FROM dispatcher.destination_state s
USING unnest($1::text[], $2::bigint[]) AS c(destination_id, version)
WHERE s.destination_id = c.destination_id AND s.failed_credentials_version < c.version
RETURNING s.destination_id;

-- name: destinations_needing_credentials
SELECT destination_id, organization_id, failed_credentials_version, reason
FROM dispatcher.destination_state;

-- name: queue_depth
-- Fed to the autoscaler: deliveries due now and how long the oldest has waited.
SELECT count(*) AS depth,
       COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0)::float8 AS oldest_seconds
FROM dispatcher.deliveries
WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now();

-- name: ensure_partitions
SELECT dispatcher.ensure_partitions($1::date);

-- name: drop_partitions_before
SELECT dispatcher.drop_partitions_before($1::date) AS name;

-- name: purge_event_ids
-- Batched by time range on an indexed column; the caller repeats until nothing is left.
DELETE FROM dispatcher.event_ids
WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM dispatcher.event_ids
    WHERE received_at < now() - make_interval(secs => $1)
    LIMIT $2));

-- name: list_events
-- Newest first, keyset-paginated on (received_at, event_id).
SELECT page.*, c.*
FROM (
    SELECT e.event_id, e.event_name, e.campaign_id, e.lead_id, e.transaction_id, e.event_time,
           e.received_at, e.config_version, e.test, e.value, e.currency, e.organization_id
    FROM dispatcher.events e
    WHERE e.organization_id = $1
      AND ($2::timestamptz IS NULL OR e.received_at >= $2)
      AND ($3::timestamptz IS NULL OR e.received_at < $3)
      AND (cardinality($4::text[]) = 0 OR e.event_name = ANY($4))
      AND ($5::text = '' OR e.campaign_id = $5)
      AND ($6::text = '' OR e.lead_id = $6)
      AND ($7::text = '' OR e.transaction_id = $7)
      AND ($8::text = '' OR e.event_id = $8)
      AND ($9::bool OR NOT e.test)
      AND (($10::text = '' AND cardinality($11::text[]) = 0) OR EXISTS (
          SELECT 1 FROM dispatcher.deliveries d
          WHERE d.organization_id = e.organization_id AND d.event_id = e.event_id
            AND ($10 = '' OR d.destination_id = $10)
            AND (cardinality($11) = 0 OR d.status = ANY($11))))
      AND ($12::timestamptz IS NULL OR (e.received_at, e.event_id) < ($12, $13::text))
    ORDER BY e.received_at DESC, e.event_id DESC
    LIMIT $14
) page
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.status = 'delivered') AS n_delivered,
           count(*) FILTER (WHERE d.status IN ('pending', 'in_flight', 'retrying')) AS n_in_progress,
           count(*) FILTER (WHERE d.status = 'failed') AS n_failed,
           count(*) FILTER (WHERE d.status = 'dead') AS n_dead,
           count(*) FILTER (WHERE d.status = 'expired') AS n_expired,
           count(*) FILTER (WHERE d.status = 'skipped') AS n_skipped
    FROM dispatcher.deliveries d
    WHERE d.organization_id = page.organization_id AND d.event_id = page.event_id
) c
ORDER BY page.received_at DESC, page.event_id DESC;

-- name: get_event
SELECT e.*, c.*
FROM dispatcher.events e
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE d.status = 'delivered') AS n_delivered,
           count(*) FILTER (WHERE d.status IN ('pending', 'in_flight', 'retrying')) AS n_in_progress,
           count(*) FILTER (WHERE d.status = 'failed') AS n_failed,
           count(*) FILTER (WHERE d.status = 'dead') AS n_dead,
           count(*) FILTER (WHERE d.status = 'expired') AS n_expired,
           count(*) FILTER (WHERE d.status = 'skipped') AS n_skipped
    FROM dispatcher.deliveries d
    WHERE d.organization_id = e.organization_id AND d.event_id = e.event_id
) c
WHERE e.organization_id = $1 AND e.event_id = $2
ORDER BY e.received_at DESC
LIMIT 1;

-- name: list_deliveries
-- Newest first, keyset-paginated on (created_at, id).
SELECT d.*
FROM dispatcher.deliveries d
WHERE d.organization_id = $1
  AND ($2::timestamptz IS NULL OR d.created_at >= $2)
  AND ($3::timestamptz IS NULL OR d.created_at < $3)
  AND (cardinality($4::text[]) = 0 OR d.event_name = ANY($4))
  AND ($5::text = '' OR d.campaign_id = $5)
  AND ($6::text = '' OR d.lead_id = $6)
  AND ($7::text = '' OR d.transaction_id = $7)
  AND ($8::text = '' OR d.event_id = $8)
  AND ($9::bool OR NOT d.test)
  AND ($10::text = '' OR d.destination_id = $10)
  AND (cardinality($11::text[]) = 0 OR d.status = ANY($11))
  AND ($12::timestamptz IS NULL OR (d.created_at, d.id) < ($12, $13::text))
ORDER BY d.created_at DESC, d.id DESC
LIMIT $14;

-- name: deliveries_of_event
SELECT d.* FROM dispatcher.deliveries d
WHERE d.organization_id = $1 AND d.event_id = $2
ORDER BY d.created_at, d.id;

-- name: get_delivery
SELECT d.* FROM dispatcher.deliveries d
WHERE d.organization_id = $1 AND d.id = $2
ORDER BY d.created_at DESC
LIMIT 1;

-- name: attempts_of
SELECT a.* FROM dispatcher.attempts a
WHERE a.organization_id = $1 AND a.delivery_id = ANY($2::text[])
ORDER BY a.started_at, a.number;

-- name: redeliver
-- Terminal deliveries (not skipped ones: the mapping chose not to send them) go back to the
-- queue with a fresh budget; their attempts are kept.
UPDATE dispatcher.deliveries d
SET status = 'pending', reason = '', next_attempt_at = now(),
    budget_until = now() + make_interval(secs => $12), lease_owner = NULL, lease_until = NULL,
    updated_at = now()
WHERE d.organization_id = $1
  AND d.status IN ('delivered', 'failed', 'dead', 'expired')
  AND (cardinality($13::text[]) = 0 OR d.id = ANY($13))
  AND ($2::timestamptz IS NULL OR d.created_at >= $2)
  AND ($3::timestamptz IS NULL OR d.created_at < $3)
  AND (cardinality($4::text[]) = 0 OR d.event_name = ANY($4))
  AND ($5::text = '' OR d.campaign_id = $5)
  AND ($6::text = '' OR d.lead_id = $6)
  AND ($7::text = '' OR d.transaction_id = $7)
  AND ($8::text = '' OR d.event_id = $8)
  AND ($9::bool OR NOT d.test)
  AND ($10::text = '' OR d.destination_id = $10)
  AND (cardinality($11::text[]) = 0 OR d.status = ANY($11))
RETURNING d.id, d.created_at;
