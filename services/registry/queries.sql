-- Every SQL statement of the registry, by name. repository.py loads this file; the name line
-- `-- name: <name>` starts a statement. All statements are scoped by organization id.

-- name: bump_version
-- First statement of every mutation: takes the organization's row lock (serializing its
-- changes) and gives the version the mutation commits as.
UPDATE registry.organizations SET config_version = config_version + 1 WHERE id = $1
RETURNING config_version;

-- name: lock_organization
SELECT config_version FROM registry.organizations WHERE id = $1 FOR UPDATE;

-- name: notify_version
SELECT pg_notify('switchyard_registry', $1::text || ':' || $2::bigint::text);

-- name: organization_versions
SELECT id::text AS id, config_version FROM registry.organizations;

-- name: organization_version
SELECT config_version FROM registry.organizations WHERE id = $1;

-- name: insert_organization
INSERT INTO registry.organizations (name, default_country, dedup_window_seconds)
VALUES ($1, $2, $3)
RETURNING id::text AS id, name, default_country, dedup_window_seconds, config_version, created_at;

-- name: get_organization
SELECT id::text AS id, name, default_country, dedup_window_seconds, config_version, created_at
FROM registry.organizations WHERE id = $1;

-- name: update_organization
UPDATE registry.organizations SET name = $2, default_country = $3, dedup_window_seconds = $4
WHERE id = $1;

-- name: insert_events
INSERT INTO registry.event_definitions (organization_id, name, kind, description, conversion, multi_trigger)
SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[]);

-- name: insert_api_key
INSERT INTO registry.api_keys (organization_id, name, role, prefix, key_sha256)
VALUES ($1, $2, $3, $4, $5)
RETURNING id::text AS id, name, role, prefix, created_at, revoked_at;

-- name: list_api_keys
SELECT id::text AS id, name, role, prefix, created_at, revoked_at
FROM registry.api_keys WHERE organization_id = $1 ORDER BY created_at, id;

-- name: revoke_api_key
UPDATE registry.api_keys SET revoked_at = coalesce(revoked_at, now())
WHERE organization_id = $1 AND id = $2
RETURNING id::text AS id, name, role, prefix, created_at, revoked_at;

-- name: authenticate_key
SELECT id::text AS id, organization_id::text AS organization_id, role
FROM registry.api_keys WHERE key_sha256 = $1 AND revoked_at IS NULL;

-- name: load_campaigns
SELECT c.id::text AS id, c.name, c.default_country, c.paused, c.created_at,
       coalesce(array_agg(l.event_list_id::text ORDER BY el.name)
                FILTER (WHERE l.event_list_id IS NOT NULL), '{}') AS event_list_ids
FROM registry.campaigns c
LEFT JOIN registry.campaign_event_lists l ON l.campaign_id = c.id
LEFT JOIN registry.event_lists el ON el.id = l.event_list_id
WHERE c.organization_id = $1
GROUP BY c.id ORDER BY c.created_at, c.id;

-- name: load_events
SELECT id::text AS id, name, kind, coalesce(campaign_id::text, '') AS campaign_id, description,
       conversion, affiliate_conversion, multi_trigger, payout, revenue
FROM registry.event_definitions WHERE organization_id = $1
ORDER BY kind <> 'standard', kind <> 'system', created_at, name;

-- name: load_custom_fields
SELECT id::text AS id, campaign_id::text AS campaign_id, event_name, name, type, required,
       description
FROM registry.custom_fields WHERE organization_id = $1
ORDER BY campaign_id, event_name COLLATE "C", name COLLATE "C";

-- name: load_event_lists
SELECT el.id::text AS id, el.name, el.description,
       coalesce(array_agg(e.event_name ORDER BY e.position)
                FILTER (WHERE e.event_name IS NOT NULL), '{}') AS event_names
FROM registry.event_lists el LEFT JOIN registry.event_list_events e ON e.event_list_id = el.id
WHERE el.organization_id = $1 GROUP BY el.id ORDER BY el.name COLLATE "C";

-- name: load_integrations
SELECT id::text AS id, name, kind, coalesce(campaign_id::text, '') AS campaign_id,
       event_name_path, event_rules, field_rules, enabled, strict, token_sha256,
       signing_secret, created_at
FROM registry.integrations WHERE organization_id = $1 ORDER BY name COLLATE "C";

-- name: load_destinations
SELECT id::text AS id, name, type, settings, enabled, test_mode,
       campaign_ids::text[] AS campaign_ids, credentials, credential_keys, credentials_version,
       created_at
FROM registry.destinations WHERE organization_id = $1 ORDER BY name COLLATE "C";

-- name: load_event_mappings
SELECT m.destination_id::text AS destination_id, m.event_name, m.action, m.target, m.params
FROM registry.event_mappings m JOIN registry.destinations d ON d.id = m.destination_id
WHERE m.organization_id = $1 ORDER BY d.name COLLATE "C", m.event_name COLLATE "C";

-- name: load_postbacks
SELECT id::text AS id, name, event_name, coalesce(campaign_id::text, '') AS campaign_id,
       url_template, method, body_template, content_type, headers, enabled
FROM registry.postbacks WHERE organization_id = $1 ORDER BY name COLLATE "C";

-- name: insert_campaign
INSERT INTO registry.campaigns (organization_id, name, default_country, paused)
VALUES ($1, $2, $3, $4) RETURNING id::text;

-- name: update_campaign
UPDATE registry.campaigns SET name = $3, default_country = $4, paused = $5
WHERE organization_id = $1 AND id = $2;

-- name: delete_campaign
DELETE FROM registry.campaigns WHERE organization_id = $1 AND id = $2;

-- name: insert_event
INSERT INTO registry.event_definitions (organization_id, campaign_id, name, kind, description, conversion,
                               affiliate_conversion, multi_trigger, payout, revenue)
VALUES ($1, $2, $3, 'custom', $4, $5, $6, $7, $8, $9) RETURNING id::text;

-- name: update_event
UPDATE registry.event_definitions SET name = $3, description = $4, conversion = $5,
       affiliate_conversion = $6, multi_trigger = $7, payout = $8, revenue = $9
WHERE organization_id = $1 AND id = $2;

-- name: delete_event
DELETE FROM registry.event_definitions WHERE organization_id = $1 AND id = $2;

-- name: insert_custom_field
INSERT INTO registry.custom_fields (organization_id, campaign_id, event_name, name, type, required,
                           description)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text;

-- name: update_custom_field
UPDATE registry.custom_fields SET type = $3, required = $4, description = $5
WHERE organization_id = $1 AND id = $2;

-- name: delete_custom_field
DELETE FROM registry.custom_fields WHERE organization_id = $1 AND id = $2;

-- name: insert_event_list
INSERT INTO registry.event_lists (organization_id, name, description) VALUES ($1, $2, $3)
RETURNING id::text;

-- name: update_event_list
UPDATE registry.event_lists SET name = $3, description = $4 WHERE organization_id = $1 AND id = $2;

-- name: delete_event_list
DELETE FROM registry.event_lists WHERE organization_id = $1 AND id = $2;

-- name: clear_list_events
DELETE FROM registry.event_list_events WHERE event_list_id = $1;

-- name: insert_list_events
-- A list's events in order ($1 is already checked to be the caller's list).
INSERT INTO registry.event_list_events (event_list_id, event_name, position)
SELECT $1, name, position FROM unnest($2::text[]) WITH ORDINALITY AS t(name, position);

-- name: assign_list
INSERT INTO registry.campaign_event_lists (campaign_id, event_list_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING;

-- name: unassign_list
DELETE FROM registry.campaign_event_lists WHERE campaign_id = $1 AND event_list_id = $2;

-- name: insert_integration
INSERT INTO registry.integrations (organization_id, name, kind, campaign_id, event_name_path, event_rules,
                          field_rules, enabled, strict, token_sha256)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text;

-- name: update_integration
UPDATE registry.integrations SET name = $3, campaign_id = $4, event_name_path = $5, event_rules = $6,
       field_rules = $7, enabled = $8, strict = $9
WHERE organization_id = $1 AND id = $2;

-- name: set_integration_secret
UPDATE registry.integrations SET signing_secret = $3 WHERE organization_id = $1 AND id = $2;

-- name: set_integration_token
UPDATE registry.integrations SET token_sha256 = $3 WHERE organization_id = $1 AND id = $2;

-- name: delete_integration
DELETE FROM registry.integrations WHERE organization_id = $1 AND id = $2;

-- name: insert_destination
INSERT INTO registry.destinations (id, organization_id, name, type, settings, enabled, test_mode,
                          campaign_ids)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[]);

-- name: update_destination
UPDATE registry.destinations SET name = $3, settings = $4, enabled = $5, test_mode = $6,
       campaign_ids = $7::uuid[]
WHERE organization_id = $1 AND id = $2;

-- name: set_destination_credentials
UPDATE registry.destinations SET credentials = $3, credential_keys = $4,
       credentials_version = credentials_version + 1
WHERE organization_id = $1 AND id = $2;

-- name: delete_destination
DELETE FROM registry.destinations WHERE organization_id = $1 AND id = $2;

-- name: upsert_event_mapping
INSERT INTO registry.event_mappings (destination_id, organization_id, event_name, action, target, params)
VALUES ($2, $1, $3, $4, $5, $6)
ON CONFLICT (destination_id, event_name)
DO UPDATE SET action = excluded.action, target = excluded.target, params = excluded.params;

-- name: delete_event_mapping
DELETE FROM registry.event_mappings WHERE organization_id = $1 AND destination_id = $2 AND event_name = $3;

-- name: insert_postback
INSERT INTO registry.postbacks (organization_id, campaign_id, name, event_name, url_template, method,
                       body_template, content_type, headers, enabled)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text;

-- name: update_postback
UPDATE registry.postbacks SET campaign_id = $3, name = $4, event_name = $5, url_template = $6,
       method = $7, body_template = $8, content_type = $9, headers = $10, enabled = $11
WHERE organization_id = $1 AND id = $2;

-- name: delete_postback
DELETE FROM registry.postbacks WHERE organization_id = $1 AND id = $2;
