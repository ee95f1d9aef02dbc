import { describe, expect, it } from 'vitest'
import { resolveLocale } from './index.js'

describe('resolveLocale', () => {
  it('takes the CLI flag, then the schedule, then the tenant, else English', () => {
    expect(resolveLocale('en', 'zh-CN', 'zh-CN')).toBe('en')
    expect(resolveLocale(undefined, 'zh-CN', 'en')).toBe('zh-CN')
    expect(resolveLocale(undefined, undefined, 'zh-CN')).toBe('zh-CN')
    expect(resolveLocale(undefined, undefined, undefined)).toBe('en')
  })
})
