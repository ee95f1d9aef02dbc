import { describe, expect, it } from 'vitest'
import { PII_CORPUS_TYPES, loadPiiCorpus, scoreSpans, type TypeScore } from './fixtures.js'
import { createRedactor } from './index.js'

/**
 * Recall and precision per type on our generated corpus (test/fixtures/pii-corpus: Chinese,
 * European and mixed MCP tool calls, with look-alikes planted beside the values), span overlap.
 * The corpus is written next to the rules it tests, so this is a regression check, not an
 * independent evaluation; floors sit a little under what was measured (printed by the first test).
 */
const FLOORS: Record<string, { recall: number; precision: number }> = {
  PHONE: { recall: 0.95, precision: 0.98 },
  PERSON: { recall: 0.85, precision: 0.98 },
  EMAIL: { recall: 0.98, precision: 0.98 },
  IP_ADDRESS: { recall: 0.98, precision: 0.98 },
  CREDIT_CARD: { recall: 0.98, precision: 0.98 },
  CN_BANK_CARD: { recall: 0.98, precision: 0.98 },
  CN_RESIDENT_ID: { recall: 0.98, precision: 0.98 },
  CN_PASSPORT: { recall: 0.98, precision: 0.98 },
  CN_TRAVEL_PERMIT: { recall: 0.98, precision: 0.98 },
  CN_USCC: { recall: 0.98, precision: 0.98 },
  CN_ADDRESS: { recall: 0.95, precision: 0.98 },
  STREET_ADDRESS: { recall: 0.3, precision: 0.98 },
}

describe('quality on the generated PII corpus', () => {
  const redactor = createRedactor({ hmacKey: 'quality-key-0123456789' })
  const corpus = loadPiiCorpus()
  const scores: Record<string, TypeScore> = scoreSpans(
    corpus.map((record) => ({ gold: record.spans, predicted: redactor.detect(record.text) })),
    PII_CORPUS_TYPES,
  )

  it('prints the per-type table', () => {
    const rows = Object.entries(scores).map(
      ([type, s]) =>
        `${type.padEnd(17)} recall ${s.recall?.toFixed(3) ?? '  -  '} (${s.truePositives}/${s.truePositives + s.falseNegatives})` +
        `  precision ${s.precision?.toFixed(3) ?? '  -  '} (${s.correctPredictions}/${s.correctPredictions + s.falsePositives})`,
    )
    console.info(`pii-corpus (${corpus.length} records), span overlap\n${rows.join('\n')}`)
    expect(rows).toHaveLength(PII_CORPUS_TYPES.length)
  })

  it.each(Object.entries(FLOORS))('%s meets its recall and precision floors', (type, floor) => {
    const score = scores[type]!
    expect(score.recall ?? 0).toBeGreaterThanOrEqual(floor.recall)
    expect(score.precision ?? 0).toBeGreaterThanOrEqual(floor.precision)
  })

  it('leaves the look-alikes (order numbers, ids, amounts, versions, UUIDs, SHAs, timestamps) intact', () => {
    const lost: string[] = []
    let total = 0
    for (const record of corpus) {
      const { text } = redactor.redactText(record.text)
      for (const value of record.keep) {
        total++
        if (!text.includes(value)) lost.push(`${value} in ${record.text}`)
      }
    }
    expect(total).toBeGreaterThan(500)
    expect(lost.length / total, lost.slice(0, 10).join('\n')).toBeLessThanOrEqual(0.02)
  })

  it('leaks no planted value', () => {
    const leaked = corpus.flatMap((record) => {
      const { text } = redactor.redactText(record.text)
      return record.spans
        .filter((span) => text.includes(span.value))
        .map((span) => `${span.type} ${span.value}`)
    })
    expect(leaked.length / corpus.reduce((sum, r) => sum + r.spans.length, 0)).toBeLessThan(0.05)
  })
})
