import type { Ceilings, StageCost } from './e2e-ceilings.js'

/**
 * The pipeline's parts as the issue names them, each with its rate alone and the CPU it spent
 * alone (e2e-ceilings.ts): the ceilings the burst is compared with, and the rows of the cost table.
 */

export type PartKey = 'collector' | 'produce' | 'consume' | 'normalize' | 'insert' | 'detector'

export interface Part {
  key: PartKey
  name: string
  eventsPerSec: number
  cost: StageCost
}

export function partRates(c: Ceilings): Part[] {
  return [
    {
      key: 'collector',
      name: 'HTTP + parse + validate (collector)',
      eventsPerSec: c.collectorHttp.eventsPerSec,
      cost: c.collectorHttp.cost,
    },
    {
      key: 'produce',
      name: 'Kafka produce',
      eventsPerSec: (c.produce.eventMessages / c.produce.windowMs) * 1000,
      cost: c.produceCost,
    },
    {
      key: 'consume',
      name: 'Kafka consume',
      eventsPerSec: c.consume.messages / c.consume.committedSeconds,
      cost: c.consumeCost,
    },
    {
      key: 'normalize',
      name: 'parse + normalize + redact (normalizer, one thread)',
      eventsPerSec: c.normalizeCost.events / c.normalizeCost.cpu.wallSeconds,
      cost: c.normalizeCost,
    },
    {
      key: 'insert',
      name: 'insert (embedded ClickHouse)',
      eventsPerSec: c.insert.rows / c.insert.seconds,
      cost: c.insertCost,
    },
    {
      key: 'detector',
      name: 'detector (stream rules + alert store)',
      eventsPerSec: c.detectorEventsPerSec,
      cost: c.detectorCost,
    },
  ]
}

/** The part with the lowest rate alone: the ceiling the pipeline's throughput is measured against. */
export function slowestPart(c: Ceilings): Part {
  return partRates(c).reduce((slowest, part) => (part.eventsPerSec < slowest.eventsPerSec ? part : slowest))
}
