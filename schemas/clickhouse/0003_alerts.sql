-- Alerts fired by the detector. One incident is one alert_id; later updates (more events in the
-- suppression window, acknowledge, resolve) insert a newer version that replaces the old one.
CREATE TABLE IF NOT EXISTS {database}.alerts
(
    alert_id          String,
    tenant_id         LowCardinality(String),
    rule_id           LowCardinality(String),
    rule_title        String,
    rule_kind         LowCardinality(String),
    severity          Enum8('info' = 0, 'low' = 1, 'medium' = 2, 'high' = 3, 'critical' = 4),
    tags              Array(LowCardinality(String)),
    group_key         String,
    group_values      Map(LowCardinality(String), String),
    count             UInt64,
    value             Nullable(Float64),
    first_seen        DateTime64(3, 'UTC'),
    last_seen         DateTime64(3, 'UTC'),
    sample_event_ids  Array(String),
    summary           String,
    status            Enum8('open' = 1, 'acknowledged' = 2, 'resolved' = 3),
    created_at        DateTime64(3, 'UTC'),
    updated_at        DateTime64(3, 'UTC'),
    updated_by        String
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (tenant_id, alert_id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Where each windowed rule's evaluation has reached, so restarts neither skip nor repeat windows.
CREATE TABLE IF NOT EXISTS {database}.detector_watermarks
(
    rule_id       String,
    evaluated_to  DateTime64(3, 'UTC'),
    updated_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY rule_id;

-- Webhook deliveries: one row per (alert, webhook), replaced by newer versions as attempts go.
CREATE TABLE IF NOT EXISTS {database}.alert_deliveries
(
    delivery_id      String,
    alert_id         String,
    tenant_id        LowCardinality(String),
    webhook          LowCardinality(String),
    format           LowCardinality(String),
    status           Enum8('pending' = 1, 'delivered' = 2, 'dead' = 3, 'disabled' = 4),
    attempts         UInt16,
    next_attempt_at  DateTime64(3, 'UTC'),
    last_status_code Nullable(UInt16),
    last_error       String,
    payload          String CODEC(ZSTD(3)),
    created_at       DateTime64(3, 'UTC'),
    updated_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (delivery_id);
