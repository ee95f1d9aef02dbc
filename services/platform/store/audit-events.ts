import type { AuditRow } from '../../../schemas/audit-row.js'
import { defineTable } from './table.js'

/**
 * `audit_events` (schemas/clickhouse/0001_audit_events.sql): one row per event, written only by the
 * normalizer's writer (and the rule tester's sandbox), with a deduplication token per batch.
 * ReplacingMergeTree on `ingested_at`: reads that count events use FINAL.
 */
export const AUDIT_EVENTS = 'audit_events'

export const auditEventsTable = defineTable<AuditRow>(AUDIT_EVENTS)
