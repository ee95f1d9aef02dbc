-- Report notices (report.ready) go through the same webhook outbox as alerts (alert.fired). Each
-- delivery names its message type; alert_id holds the message's subject: the alert, or the report.
ALTER TABLE {database}.alert_deliveries
    ADD COLUMN IF NOT EXISTS message_type LowCardinality(String) DEFAULT 'alert.fired' AFTER alert_id;
