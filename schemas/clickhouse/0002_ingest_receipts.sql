-- What the collector acknowledged (Kafka topic mcp.audit.receipts), one row per request and minute
-- of event time. Reconciled against audit_events per gateway and hour to prove completeness.
-- A retried identical request yields the same receipt_id and collapses to one row.
CREATE TABLE IF NOT EXISTS {database}.ingest_receipts
(
    receipt_id   String,
    tenant_id    LowCardinality(String),
    gateway      LowCardinality(String),
    minute       DateTime('UTC'),
    received_at  DateTime64(3, 'UTC'),
    accepted     UInt32,
    rejected     UInt32,
    ingested_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(minute)
ORDER BY (tenant_id, gateway, minute, receipt_id)
TTL toDate(minute) + INTERVAL 7 YEAR DELETE
SETTINGS non_replicated_deduplication_window = 1000;
