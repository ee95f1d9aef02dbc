import { describe, expect, it } from 'vitest'
import { formatMessage } from './format.js'

describe('formatMessage', () => {
  it('fills placeholders, grouping numbers per locale and leaving strings as given', () => {
    expect(formatMessage('{count} events in {hours} hours', { count: 12345, hours: '1000' }, 'en')).toBe(
      '12,345 events in 1000 hours',
    )
    expect(formatMessage('{count} 个事件', { count: 12345 }, 'zh-CN')).toBe('12,345 个事件')
  })

  it('chooses plural forms by the locale rules, with exact matches first', () => {
    const message = '{n, plural, =0 {no seal} one {# seal} other {# seals}} checked'
    expect(formatMessage(message, { n: 0 }, 'en')).toBe('no seal checked')
    expect(formatMessage(message, { n: 1 }, 'en')).toBe('1 seal checked')
    expect(formatMessage(message, { n: 2500 }, 'en')).toBe('2,500 seals checked')
    expect(formatMessage('{n, plural, other {# 个封印}}', { n: 1 }, 'zh-CN')).toBe('1 个封印')
  })

  it('selects a sub-message by value, falling back to other', () => {
    const message = '{kind}{sealed, select, yes { seal {seal}} other {}}: {detail}'
    expect(
      formatMessage(message, { kind: 'CHANGED', sealed: 'yes', seal: 'a/p1#2', detail: 'x' }, 'en'),
    ).toBe('CHANGED seal a/p1#2: x')
    expect(formatMessage(message, { kind: 'ADDED', sealed: 'no', detail: 'y' }, 'en')).toBe('ADDED: y')
  })

  it('names the placeholder a message is missing', () => {
    expect(() => formatMessage('{a} and {b}', { a: 1 }, 'en')).toThrow('needs a value for {b}')
  })
})
