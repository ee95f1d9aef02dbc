import { describe, expect, it } from 'vitest'
import { GenericEvent } from '../../../schemas/event.js'
import { FIXTURE_FILES, loadFixture, TEST_CONTEXT } from './fixtures.js'
import { adapterFor, detectFormat, GatewayFormat } from './index.js'
import type { AdapterName } from './types.js'

const FORMATS = Object.keys(FIXTURE_FILES) as AdapterName[]

describe('gateway fixtures', () => {
  describe.each(FORMATS)('%s', (format) => {
    const records = loadFixture(format)

    it('holds several records (OTLP: several log records in one body)', () => {
      const events = records.flatMap((record) => {
        const outcome = adapterFor(format).adapt(record, TEST_CONTEXT)
        return outcome.kind === 'ok' ? outcome.events : []
      })
      expect(events.length).toBeGreaterThanOrEqual(4)
    })

    it.each(records.map((record, index) => [index, record] as const))(
      'record %i adapts to events that all pass GenericEvent',
      (_index, record) => {
        const outcome = adapterFor(format).adapt(record, TEST_CONTEXT)
        expect(outcome.kind).toBe('ok')
        if (outcome.kind !== 'ok') return
        expect(outcome.events.length).toBeGreaterThan(0)
        for (const event of outcome.events) {
          const parsed = GenericEvent.safeParse(event)
          expect(parsed.error?.issues ?? []).toEqual([])
        }
      },
    )

    it.each(records.map((record, index) => [index, record] as const))(
      'record %i is detected as ' + format,
      (_i, record) => {
        expect(detectFormat(record)).toBe(format)
      },
    )
  })
})

describe('registry', () => {
  it('has an adapter for every ?format= name and for otlp', () => {
    for (const format of [...GatewayFormat.options, 'otlp'] as const) {
      expect(adapterFor(format).format).toBe(format)
    }
  })

  it('falls back to generic for a record no format recognises, so validation names what is missing', () => {
    expect(detectFormat({ hello: 'world' })).toBe('generic')
    expect(detectFormat('not an object')).toBe('generic')
  })

  it.each(FORMATS)('%s reports a non-object record as invalid instead of throwing', (format) => {
    for (const record of [null, 42, 'text', []]) {
      const outcome = adapterFor(format).adapt(record, TEST_CONTEXT)
      expect(outcome.kind).toBe('invalid')
    }
  })

  it.each(FORMATS.filter((format) => format !== 'generic'))(
    '%s says why a record of another shape is not of its format',
    (format) => {
      const outcome = adapterFor(format).adapt({ something: 'else' }, TEST_CONTEXT)
      expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/not an? |expected/) })
    },
  )
})
