import { describe, expect, it } from 'vitest'
import { loadSecretsCorpus, scoreSpans } from './fixtures.js'
import { createRedactor } from './index.js'
import { SECRET_TYPES } from '../../../schemas/redaction.js'

/**
 * Recall and precision per secret type on the secrets corpus (test/fixtures/secrets), span overlap:
 * every planted secret is a gold span; the look-alikes carry none, so anything found in them is a
 * false positive, as is a hit of the wrong type. Issue 16 asks for precision ≥ 98% per type.
 */
describe('quality on the secrets corpus', () => {
  const redactor = createRedactor({ hmacKey: 'quality-key-0123456789' })
  const corpus = loadSecretsCorpus()
  const records = [
    ...corpus.positives.map(({ type, secret, text }) => {
      const start = text.indexOf(secret)
      return {
        gold: [{ type, start, end: start + secret.length }],
        predicted: redactor.detect(text),
      }
    }),
    ...corpus.negatives.map(({ text }) => ({ gold: [], predicted: redactor.detect(text) })),
  ]
  const scores = scoreSpans(records, SECRET_TYPES)

  it.each(SECRET_TYPES.map((type) => [type]))('%s: recall 100%, precision ≥ 98%', (type) => {
    const score = scores[type]!
    expect(score.recall).toBe(1)
    expect(score.precision ?? 0).toBeGreaterThanOrEqual(0.98)
  })
})
