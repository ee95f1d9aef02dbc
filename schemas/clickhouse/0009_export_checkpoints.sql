-- Export checkpoints (services/exporter/): per sink and partition of the raw topic, the next Kafka
-- offset whose stored row the sink has not yet received. A sink reads rows by (source_partition,
-- source_offset) only below the normalizer's committed offsets, where every row is already stored,
-- so a position here never passes a row that is still to come. Positions only move forward, so the
-- version column is the position itself: the highest row wins whatever the merge state, and reads
-- take max() without FINAL. Replays (`export replay`) never write here.
CREATE TABLE IF NOT EXISTS {database}.export_checkpoints
(
    sink              LowCardinality(String),
    source_partition  UInt16,
    next_offset       UInt64,
    updated_at        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(next_offset)
ORDER BY (sink, source_partition);
