-- Export of alerts and report notices (services/exporter/notice-stream.ts), and the sinks' status.
--
-- Alerts and ready reports are streamed by time and id: alerts by (created_at, alert_id), which
-- every version of an incident shares, reports by (ready_at, report_id). A sink's position per
-- record kind is the last (time, id) it received; positions only move forward, so reads take the
-- highest tuple without FINAL.
CREATE TABLE IF NOT EXISTS {database}.export_record_checkpoints
(
    sink         LowCardinality(String),
    kind         LowCardinality(String),
    position_at  DateTime64(3, 'UTC'),
    position_id  String,
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (sink, kind);

-- Each sink's state as the exporter last saw it, for the console when the exporter runs in a
-- process of its own (`mcp-audit exporter`). Rewritten every few seconds; the newest row wins.
CREATE TABLE IF NOT EXISTS {database}.export_sink_status
(
    sink               LowCardinality(String),
    type               LowCardinality(String),
    records            Array(LowCardinality(String)),
    lag                Nullable(UInt64),
    paused             Bool,
    last_error         String,
    last_success_at    Nullable(DateTime64(3, 'UTC')),
    failing_since      Nullable(DateTime64(3, 'UTC')),
    sent_total         Map(LowCardinality(String), UInt64),
    records_per_second Float64,
    updated_at         DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY sink;

-- What a report record carries beyond the notice: the frameworks the report covered and the
-- manifest's signature, and when the report was ready (its row is written when rendering ends,
-- long after created_at). Rows written before this migration read as: no frameworks, no
-- signature, ready when created.
ALTER TABLE {database}.reports ADD COLUMN IF NOT EXISTS frameworks Array(LowCardinality(String)) DEFAULT [];
ALTER TABLE {database}.reports ADD COLUMN IF NOT EXISTS signature_key_id String DEFAULT '';
ALTER TABLE {database}.reports ADD COLUMN IF NOT EXISTS signature String DEFAULT '';
ALTER TABLE {database}.reports ADD COLUMN IF NOT EXISTS ready_at DateTime64(3, 'UTC') DEFAULT created_at;
