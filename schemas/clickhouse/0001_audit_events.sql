-- One row per MCP audit event, after normalization, redaction and pseudonymization.
-- ReplacingMergeTree on the sorting key (which ends in event_id) collapses redelivered copies of an
-- event; inserts also carry a deduplication token, kept for non_replicated_deduplication_window
-- blocks, so retried batches are dropped on insert and FINAL is rarely needed.
CREATE TABLE IF NOT EXISTS {database}.audit_events
(
    tenant_id            LowCardinality(String),
    event_id             String,
    schema_version       UInt8 DEFAULT 1,
    occurred_at          DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    received_at          DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    ingested_at          DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta(8), ZSTD(1)),
    gateway              LowCardinality(String),
    gateway_format       LowCardinality(String),
    method               LowCardinality(String),
    server_name          LowCardinality(String),
    server_version       LowCardinality(String),
    server_transport     LowCardinality(String),
    tool                 LowCardinality(String),
    resource_uri         String CODEC(ZSTD(1)),
    prompt               LowCardinality(String),
    session_id           String,
    request_id           String,
    trace_id             String,
    client_name          LowCardinality(String),
    client_version       LowCardinality(String),
    user_id              String,
    user_id_kind         Enum8('none' = 0, 'pseudonym' = 1, 'service_account' = 2),
    user_roles           Array(LowCardinality(String)),
    auth_method          LowCardinality(String),
    source_ip            String,
    user_agent           String CODEC(ZSTD(1)),
    arguments            String CODEC(ZSTD(3)),
    arguments_bytes      UInt32,
    arguments_truncated  Bool,
    result               String CODEC(ZSTD(3)),
    result_bytes         UInt32,
    result_truncated     Bool,
    status               Enum8('success' = 1, 'error' = 2, 'denied' = 3, 'timeout' = 4),
    error_class          LowCardinality(String),
    error_code           Nullable(Int32),
    error_message        String CODEC(ZSTD(1)),
    duration_ms          Nullable(Float64),
    decision             LowCardinality(String),
    data_region          LowCardinality(String),
    tls                  Nullable(Bool),
    attributes           Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    redaction_findings   Map(LowCardinality(String), UInt32),
    redaction_count      UInt32 MATERIALIZED arraySum(mapValues(redaction_findings)),
    retention_until      Date,
    source_partition     UInt16,
    source_offset        UInt64,
    INDEX idx_session session_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_user user_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_event event_id TYPE bloom_filter(0.001) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant_id, toStartOfHour(occurred_at), server_name, tool, event_id)
TTL retention_until DELETE
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 1000;
