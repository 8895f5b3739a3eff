-- Clicks, leads and the durable once-per-lead record of ingest. Ids are text: organization and
-- campaign ids belong to the registry and are never joined across schemas.

CREATE TABLE clicks (
    organization_id text NOT NULL,
    click_id text NOT NULL,
    campaign_id text NOT NULL,
    ids jsonb NOT NULL DEFAULT '{}',
    params jsonb NOT NULL DEFAULT '{}',
    landing_url text NOT NULL DEFAULT '',
    ip text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT '',
    clicked_at timestamptz NOT NULL,
    PRIMARY KEY (organization_id, click_id)
);

-- A click found by a platform click id (gclid, fbclid, ...) an event carries instead of ours.
CREATE TABLE click_platform_ids (
    organization_id text NOT NULL,
    platform text NOT NULL,
    value text NOT NULL,
    click_id text NOT NULL,
    PRIMARY KEY (organization_id, platform, value)
);

CREATE TABLE leads (
    organization_id text NOT NULL,
    lead_id text NOT NULL,
    campaign_id text NOT NULL DEFAULT '',
    click_id text NOT NULL DEFAULT '',
    -- HashedIdentity message bytes: hashes only (law 5).
    identity bytea NOT NULL DEFAULT '',
    created_by_event_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, lead_id)
);

-- What a later event may carry to find its lead: transaction id, external id or e-mail hash.
CREATE TABLE lead_keys (
    organization_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('transaction_id', 'external_id', 'email')),
    value text NOT NULL,
    lead_id text NOT NULL,
    PRIMARY KEY (organization_id, kind, value)
);
CREATE INDEX lead_keys_by_lead ON lead_keys (organization_id, lead_id);

-- Law 4: an event that is not multi-trigger fires once per lead; the row names the event id
-- that fired it, so that same event's retry is not taken for a second firing.
CREATE TABLE lead_event_claims (
    organization_id text NOT NULL,
    lead_id text NOT NULL,
    event_name text NOT NULL,
    event_id text NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, lead_id, event_name)
);
