import { describe, expect, it } from 'vitest'
import { PRESIDIO_TYPES, loadPresidioSynth, scoreSpans, type TypeScore } from './fixtures.js'
import { createRedactor } from './index.js'

/**
 * Recall and precision per entity type on presidio-research's synthetic sentences (1,500 records),
 * span-overlap matching. Thresholds sit a little under what was measured (see the table this test
 * prints) so that a regression fails while a one-sentence wobble does not:
 * - EMAIL, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS measured 1.00/1.00: assert ≥ 0.95 both ways.
 * - PHONE measured recall 0.97 (misses: national numbers with no phone word nearby), precision 1.00:
 *   assert recall ≥ 0.90, precision ≥ 0.95.
 * - PERSON: context words plus the faker name gazetteer (gazetteer-person.ts), not NER: measured
 *   recall 0.58 at precision 0.97 (its rules were written looking at this set's errors, so expect less
 *   on other text). Assert recall ≥ 0.55, precision ≥ 0.95.
 * - STREET_ADDRESS is a context-anchored heuristic: measured recall 0.29 at precision 1.00. Assert
 *   the precision (≥ 0.90) and a recall floor that catches a broken anchor.
 */
const THRESHOLDS: Record<string, { recall: number; precision: number }> = {
  EMAIL: { recall: 0.95, precision: 0.95 },
  CREDIT_CARD: { recall: 0.95, precision: 0.95 },
  IBAN: { recall: 0.95, precision: 0.95 },
  US_SSN: { recall: 0.95, precision: 0.95 },
  IP_ADDRESS: { recall: 0.95, precision: 0.95 },
  PHONE: { recall: 0.9, precision: 0.95 },
  PERSON: { recall: 0.55, precision: 0.95 },
  STREET_ADDRESS: { recall: 0.2, precision: 0.9 },
}

describe('quality on presidio-synth-v2', () => {
  const redactor = createRedactor({ hmacKey: 'quality-key-0123456789' })
  const records = loadPresidioSynth().map((record) => ({
    gold: record.spans.flatMap((span) => {
      const type = PRESIDIO_TYPES[span.entity_type]
      return type === undefined ? [] : [{ type, start: span.start_position, end: span.end_position }]
    }),
    predicted: redactor.detect(record.full_text),
  }))
  const scores: Record<string, TypeScore> = scoreSpans(records, Object.keys(THRESHOLDS))

  it('prints the per-type table', () => {
    const rows = Object.entries(scores).map(
      ([type, s]) =>
        `${type.padEnd(15)} recall ${s.recall?.toFixed(3) ?? '  -  '} (${s.truePositives}/${s.truePositives + s.falseNegatives})` +
        `  precision ${s.precision?.toFixed(3) ?? '  -  '} (${s.correctPredictions}/${s.correctPredictions + s.falsePositives})`,
    )
    console.info(`presidio-synth-v2, span overlap\n${rows.join('\n')}`)
    expect(rows).toHaveLength(Object.keys(THRESHOLDS).length)
  })

  it.each(Object.entries(THRESHOLDS))('%s meets its recall and precision floors', (type, floor) => {
    const score = scores[type]!
    expect(score.recall ?? 0).toBeGreaterThanOrEqual(floor.recall)
    expect(score.precision ?? 0).toBeGreaterThanOrEqual(floor.precision)
  })
})
