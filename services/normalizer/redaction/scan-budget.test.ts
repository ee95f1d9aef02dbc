import { describe, expect, it } from 'vitest'
import { createRedactor } from './index.js'
import { SCAN_BUDGET_CHARS, SCAN_BUDGET_MARKER, TRUNCATION_MARKER } from './text.js'

const KEY = 'scan-budget-test-key-0123456789abcdef'
const TOKEN = 'ghp_' + 'A1b2C3d4E5'.repeat(4)
/** A size cap far above the budget, so that only the budget cuts. */
const unlimited = createRedactor({ hmacKey: KEY, maxStringBytes: 16 * SCAN_BUDGET_CHARS })

const filler = (length: number) => 'lorem ipsum '.repeat(Math.ceil(length / 12)).slice(0, length)

describe('scan budget', () => {
  it('cuts a string longer than the budget and marks the cut', () => {
    const text = filler(SCAN_BUDGET_CHARS + 50_000)
    const out = unlimited.redactText(text)
    expect(out.truncated).toBe(true)
    expect(out.text.endsWith(SCAN_BUDGET_MARKER)).toBe(true)
    expect(out.text.length - SCAN_BUDGET_MARKER.length).toBeLessThan(SCAN_BUDGET_CHARS)
    expect(text.startsWith(out.text.slice(0, -SCAN_BUDGET_MARKER.length))).toBe(true)
  })

  it('stores nothing it has not scanned: a token past the budget is dropped, not kept in clear', () => {
    const text = filler(SCAN_BUDGET_CHARS + 10) + TOKEN
    const out = unlimited.redactText(text)
    expect(out.text).not.toContain('ghp_')
    expect(out.text.endsWith(SCAN_BUDGET_MARKER)).toBe(true)
  })

  it('redacts a token that straddles the point where the kept part ends, never half of it', () => {
    for (let at = SCAN_BUDGET_CHARS - 4200; at < SCAN_BUDGET_CHARS; at += 397) {
      const text = filler(at) + ' ' + TOKEN + ' ' + filler(20_000)
      const out = unlimited.redactText(text)
      expect(out.text).not.toContain('A1b2C3d4E5')
      expect(out.text.endsWith(SCAN_BUDGET_MARKER)).toBe(true)
    }
  })

  it('redacts findings inside the kept part as usual', () => {
    const text = `token ${TOKEN} ` + filler(SCAN_BUDGET_CHARS)
    const out = unlimited.redactText(text)
    expect(out.text.startsWith('token [REDACTED:GITHUB_TOKEN] lorem')).toBe(true)
    expect(out.findings).toEqual({ GITHUB_TOKEN: 1 })
  })

  it('leaves strings within the budget whole', () => {
    const text = filler(SCAN_BUDGET_CHARS)
    expect(unlimited.redactText(text)).toEqual({ text, findings: {}, truncated: false })
  })

  it('applies to every string of a JSON value', () => {
    const out = unlimited.redactJson({ a: filler(SCAN_BUDGET_CHARS + 1), b: 'short' }, { maxBytes: 1e7 })
    const value = out.value as { a: string; b: string }
    expect(value.a.endsWith(SCAN_BUDGET_MARKER)).toBe(true)
    expect(value.b).toBe('short')
    expect(out.truncated).toBe(true)
  })

  it('does not change the default size cap, which cuts long before the budget', () => {
    const out = createRedactor({ hmacKey: KEY }).redactText(filler(SCAN_BUDGET_CHARS + 1))
    expect(out.text.endsWith(TRUNCATION_MARKER)).toBe(true)
    expect(out.text.endsWith(SCAN_BUDGET_MARKER)).toBe(false)
  })

  it('detect() looks at the budget only', () => {
    const text = filler(SCAN_BUDGET_CHARS) + ' ' + TOKEN
    expect(unlimited.detect(text)).toEqual([])
    expect(unlimited.detect(TOKEN)).toHaveLength(1)
  })
})
