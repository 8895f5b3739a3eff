-- Every SQL statement of ingest, by name; repository.py loads this file. Each batch statement
-- takes parallel arrays (unnest) so one round trip serves a whole batch.

-- name: insert_click
WITH click AS (
    INSERT INTO ingest.clicks (organization_id, click_id, campaign_id, ids, params, landing_url,
                               ip, user_agent, clicked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
)
INSERT INTO ingest.click_platform_ids (organization_id, platform, value, click_id)
SELECT $1, platform, value, $2 FROM unnest($10::text[], $11::text[]) AS t(platform, value)
ON CONFLICT (organization_id, platform, value) DO UPDATE SET click_id = EXCLUDED.click_id;

-- name: clicks_by_id
SELECT c.organization_id, c.click_id, c.campaign_id, c.ids, c.params, c.landing_url, c.ip,
       c.user_agent, c.clicked_at
FROM unnest($1::text[], $2::text[]) AS q(organization_id, click_id)
JOIN ingest.clicks c USING (organization_id, click_id);

-- name: clicks_by_platform_id
-- Lookups driven by the asked keys, one primary-key probe each (see leads_by_key).
SELECT q.platform, q.value, c.organization_id, c.click_id, c.campaign_id, c.ids, c.params,
       c.landing_url, c.ip, c.user_agent, c.clicked_at
FROM unnest($1::text[], $2::text[], $3::text[]) AS q(organization_id, platform, value)
CROSS JOIN LATERAL (
    SELECT p.click_id FROM ingest.click_platform_ids p
    WHERE p.organization_id = q.organization_id AND p.platform = q.platform
      AND p.value = q.value
    LIMIT 1
) p
JOIN ingest.clicks c ON c.organization_id = q.organization_id AND c.click_id = p.click_id;

-- name: leads_by_id
-- One primary-key probe per asked lead (see leads_by_key).
SELECT l.organization_id, l.lead_id, l.campaign_id, l.click_id, l.identity
FROM unnest($1::text[], $2::text[]) AS q(organization_id, lead_id)
CROSS JOIN LATERAL (
    SELECT * FROM ingest.leads l
    WHERE l.organization_id = q.organization_id AND l.lead_id = q.lead_id
    LIMIT 1
) l;

-- name: leads_by_key
-- The LIMIT keeps the probe a subquery run per asked key (an index lookup), whatever the
-- statistics say: a plain join, planned on stale statistics of a growing table, hashed the
-- organization's every lead per batch (30-500 ms under load, growing with the leads).
SELECT q.kind, q.value, l.organization_id, l.lead_id, l.campaign_id, l.click_id, l.identity
FROM unnest($1::text[], $2::text[], $3::text[]) AS q(organization_id, kind, value)
CROSS JOIN LATERAL (
    SELECT k.lead_id FROM ingest.lead_keys k
    WHERE k.organization_id = q.organization_id AND k.kind = q.kind AND k.value = q.value
    LIMIT 1
) k
JOIN ingest.leads l ON l.organization_id = q.organization_id AND l.lead_id = k.lead_id;

-- name: insert_leads
INSERT INTO ingest.leads (organization_id, lead_id, campaign_id, click_id, identity,
                          created_by_event_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[])
ON CONFLICT DO NOTHING
RETURNING organization_id, lead_id;

-- name: insert_lead_keys
INSERT INTO ingest.lead_keys (organization_id, kind, value, lead_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT DO NOTHING
RETURNING organization_id, kind, value;

-- name: claim_lead_events
-- A row this statement did not insert is held by another event (holder), or by a concurrent
-- batch that committed meanwhile (holder NULL): both mean the event already fired for the lead.
WITH q AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
        AS q(organization_id, lead_id, event_name, event_id)
), inserted AS (
    INSERT INTO ingest.lead_event_claims (organization_id, lead_id, event_name, event_id)
    SELECT organization_id, lead_id, event_name, event_id FROM q
    ON CONFLICT DO NOTHING
    RETURNING organization_id, lead_id, event_name, event_id
)
SELECT q.organization_id, q.lead_id, q.event_name, q.event_id,
       i.event_id IS NOT NULL AND i.event_id = q.event_id AS inserted,
       COALESCE(i.event_id, c.event_id) AS holder
FROM q
LEFT JOIN inserted i USING (organization_id, lead_id, event_name)
-- A probe per asked claim (see leads_by_key): a join here scanned every claim ever made.
LEFT JOIN LATERAL (
    SELECT c.event_id FROM ingest.lead_event_claims c
    WHERE c.organization_id = q.organization_id AND c.lead_id = q.lead_id
      AND c.event_name = q.event_name
    LIMIT 1
) c ON true;

-- name: release_lead_events
DELETE FROM ingest.lead_event_claims c
USING unnest($1::text[], $2::text[], $3::text[], $4::text[])
    AS q(organization_id, lead_id, event_name, event_id)
WHERE c.organization_id = q.organization_id AND c.lead_id = q.lead_id
  AND c.event_name = q.event_name AND c.event_id = q.event_id;

-- name: release_lead_keys
DELETE FROM ingest.lead_keys k
USING unnest($1::text[], $2::text[], $3::text[]) AS q(organization_id, kind, value)
WHERE k.organization_id = q.organization_id AND k.kind = q.kind AND k.value = q.value;

-- name: release_leads
DELETE FROM ingest.leads l
USING unnest($1::text[], $2::text[]) AS q(organization_id, lead_id)
WHERE l.organization_id = q.organization_id AND l.lead_id = q.lead_id;

-- name: ping
SELECT 1;
