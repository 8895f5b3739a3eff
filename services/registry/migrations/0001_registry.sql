-- The registry's configuration tables. Every row carries its organization so each query is
-- scoped by tenant; events are referenced by name (names of stored events never change while
-- something uses them), so lists, mappings and postbacks read naturally in snapshots.

CREATE TABLE organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    default_country text NOT NULL DEFAULT '',
    dedup_window_seconds bigint NOT NULL DEFAULT 172800,
    config_version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'ingest')),
    prefix text NOT NULL,
    key_sha256 text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_keys_organization ON api_keys (organization_id);

CREATE TABLE campaigns (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    name text NOT NULL,
    default_country text NOT NULL DEFAULT '',
    paused boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

CREATE TABLE event_definitions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    campaign_id uuid REFERENCES campaigns ON DELETE CASCADE,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('standard', 'system', 'custom')),
    description text NOT NULL DEFAULT '',
    conversion boolean NOT NULL DEFAULT false,
    affiliate_conversion boolean NOT NULL DEFAULT false,
    multi_trigger boolean NOT NULL DEFAULT false,
    payout double precision,
    revenue double precision,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX event_definitions_org_name
    ON event_definitions (organization_id, name) WHERE campaign_id IS NULL;
CREATE UNIQUE INDEX event_definitions_campaign_name
    ON event_definitions (campaign_id, name) WHERE campaign_id IS NOT NULL;

CREATE TABLE custom_fields (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    campaign_id uuid NOT NULL REFERENCES campaigns ON DELETE CASCADE,
    event_name text NOT NULL,
    name text NOT NULL,
    type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean')),
    required boolean NOT NULL DEFAULT false,
    description text NOT NULL DEFAULT '',
    UNIQUE (campaign_id, event_name, name)
);

CREATE TABLE event_lists (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    UNIQUE (organization_id, name)
);

CREATE TABLE event_list_events (
    event_list_id uuid NOT NULL REFERENCES event_lists ON DELETE CASCADE,
    event_name text NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (event_list_id, event_name)
);

CREATE TABLE campaign_event_lists (
    campaign_id uuid NOT NULL REFERENCES campaigns ON DELETE CASCADE,
    event_list_id uuid NOT NULL REFERENCES event_lists ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, event_list_id)
);

CREATE TABLE integrations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    name text NOT NULL,
    kind text NOT NULL,
    campaign_id uuid REFERENCES campaigns,
    event_name_path text NOT NULL DEFAULT '',
    event_rules jsonb NOT NULL DEFAULT '[]',
    field_rules jsonb NOT NULL DEFAULT '[]',
    enabled boolean NOT NULL DEFAULT true,
    strict boolean NOT NULL DEFAULT false,
    token_sha256 text NOT NULL UNIQUE,
    signing_secret bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

CREATE TABLE destinations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    name text NOT NULL,
    type text NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}',
    enabled boolean NOT NULL DEFAULT true,
    test_mode boolean NOT NULL DEFAULT false,
    campaign_ids uuid[] NOT NULL DEFAULT '{}',
    credentials bytea,
    credential_keys text[] NOT NULL DEFAULT '{}',
    credentials_version bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

CREATE TABLE event_mappings (
    destination_id uuid NOT NULL REFERENCES destinations ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    event_name text NOT NULL,
    action text NOT NULL CHECK (action IN ('disabled', 'standard', 'custom')),
    target text NOT NULL DEFAULT '',
    params jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (destination_id, event_name)
);

CREATE TABLE postbacks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    campaign_id uuid REFERENCES campaigns ON DELETE CASCADE,
    name text NOT NULL,
    event_name text NOT NULL,
    url_template text NOT NULL,
    method text NOT NULL CHECK (method IN ('GET', 'POST')),
    body_template text NOT NULL DEFAULT '',
    content_type text NOT NULL DEFAULT '',
    headers jsonb NOT NULL DEFAULT '[]',
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX postbacks_organization_name ON postbacks (organization_id, name);
