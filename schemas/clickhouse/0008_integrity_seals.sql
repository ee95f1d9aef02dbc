-- Sealed batches (services/integrity/): one row per tenant, Kafka partition and range of offsets the
-- normalizer stored and committed. Each seal lists the leaf hash of every row it covers (computed by
-- ClickHouse from the row's columns, services/integrity/leaf.ts), a digest over those leaves, the
-- hash of the previous seal of its chain (tenant, partition, epoch) and an Ed25519 signature.
-- Plain MergeTree: two seals of one chain position (a fork) must both stay to be reported; identical
-- retried inserts are dropped by their deduplication token (the seal hash). No TTL: seals outlive the
-- rows the retention TTL removes, so verification can tell expired rows from deleted ones.
CREATE TABLE IF NOT EXISTS {database}.integrity_seals
(
    tenant_id        LowCardinality(String),
    source_partition UInt16,
    epoch            UInt32,
    seq              UInt64,
    from_offset      UInt64,
    to_offset        UInt64,
    sealed_at        DateTime64(3, 'UTC'),
    row_count        UInt32,
    min_occurred_at  DateTime64(3, 'UTC'),
    max_occurred_at  DateTime64(3, 'UTC'),
    event_ids        Array(String) CODEC(ZSTD(1)),
    leaf_hashes      Array(String) CODEC(ZSTD(1)),
    retention_until  Array(Date),
    digest           String,
    prev_hash        String,
    seal_hash        String,
    signature        String,
    key_id           LowCardinality(String),
    hash_version     UInt8
)
ENGINE = MergeTree
ORDER BY (tenant_id, source_partition, epoch, seq)
SETTINGS non_replicated_deduplication_window = 1000;

-- The sealer reads back one partition's range of offsets per interval: a minmax index on the offset
-- lets it skip every granule outside the range. Materialized for the parts written before it.
ALTER TABLE {database}.audit_events ADD INDEX IF NOT EXISTS idx_source_offset source_offset TYPE minmax GRANULARITY 1;
ALTER TABLE {database}.audit_events MATERIALIZE INDEX idx_source_offset;
