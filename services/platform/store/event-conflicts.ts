import type { EventConflictRow } from '../../../schemas/audit-row.js'
import { defineTable } from './table.js'

/**
 * `event_conflicts` (schemas/clickhouse/0007_first_write_wins.sql): versions of an event id the
 * normalizer refused because the id was already stored with other content. Written only by the
 * normalizer; hashes and provenance, no values. ReplacingMergeTree: a conflict detected again
 * after a redelivery is one row.
 */
export const EVENT_CONFLICTS = 'event_conflicts'

export const eventConflictsTable = defineTable<EventConflictRow>(EVENT_CONFLICTS)
