import { describe, expect, it } from 'vitest'
import { ExportConfig, sinkRecords } from './export.js'

const hec = { name: 'soc', type: 'splunk-hec', url: 'https://splunk.example:8088', token: 't' }

describe('export.sinks[].records and export.lagAlertMessages', () => {
  it('sends every kind of record by default and alerts at 100,000 messages behind', () => {
    const config = ExportConfig.parse({ sinks: [hec] })
    expect(sinkRecords(config.sinks[0]!)).toEqual(['event', 'alert', 'report'])
    expect(config.lagAlertMessages).toBe(100_000)
  })

  it('takes a subset of the kinds, and refuses an unknown kind, a kind listed twice or none', () => {
    expect(sinkRecords(ExportConfig.parse({ sinks: [{ ...hec, records: ['alert'] }] }).sinks[0]!)).toEqual([
      'alert',
    ])
    for (const records of [['events'], ['alert', 'alert'], []]) {
      const result = ExportConfig.safeParse({ sinks: [{ ...hec, records }] })
      expect(result.success, JSON.stringify(records)).toBe(false)
    }
  })
})
