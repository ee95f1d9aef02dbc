-- First write wins (issue 14): the normalizer stores the first version of an event id and records
-- any later, different version as a conflict. Existing rows are kept as they are.

-- SHA-256 of the event's content (services/normalizer/steps/content-hash.ts). Rows stored before
-- this migration read '' and count as the same content as any later delivery of their id.
ALTER TABLE {database}.audit_events ADD COLUMN IF NOT EXISTS content_hash String DEFAULT '' CODEC(ZSTD(1));

-- Who wrote the event: a gateway, or mcp-audit's self-audit. The normalizer sets it on every new
-- row from a Kafka header only the self-audit producer sets; for rows stored before, the default
-- derives it from the convention of that time (server and gateway both mcp-audit's own names), so
-- old review evidence still counts.
ALTER TABLE {database}.audit_events ADD COLUMN IF NOT EXISTS origin Enum8('gateway' = 1, 'self' = 2)
    DEFAULT if(server_name = 'mcp-audit' AND gateway = 'mcp-audit-self', 'self', 'gateway');

-- The ids already stored, sorted by tenant and id, so the normalizer's check of a batch reads a
-- small sorted column instead of audit_events. Filled by the view below on every insert into
-- audit_events, and once from the rows already there; repeats (a re-run of this migration, a row
-- inserted while it ran) collapse on the sorting key. Expires with the events.
CREATE TABLE IF NOT EXISTS {database}.audit_event_ids
(
    tenant_id         LowCardinality(String),
    event_id          String,
    content_hash      String,
    source_partition  UInt16,
    source_offset     UInt64,
    retention_until   Date
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant_id, event_id, source_partition, source_offset)
TTL retention_until DELETE
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.audit_event_ids_mv TO {database}.audit_event_ids AS
SELECT tenant_id, event_id, content_hash, source_partition, source_offset, retention_until
FROM {database}.audit_events;

INSERT INTO {database}.audit_event_ids
SELECT tenant_id, event_id, content_hash, source_partition, source_offset, retention_until
FROM {database}.audit_events;

-- Versions of an event id refused because the id was stored with other content: hashes and
-- provenance only, never a value of either version. A conflict seen again (a redelivery) collapses.
CREATE TABLE IF NOT EXISTS {database}.event_conflicts
(
    tenant_id         LowCardinality(String),
    event_id          String,
    stored_hash       String,
    received_hash     String,
    gateway           LowCardinality(String),
    gateway_format    LowCardinality(String),
    source_partition  UInt16,
    source_offset     UInt64,
    detected_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant_id, event_id, received_hash, source_partition, source_offset);
