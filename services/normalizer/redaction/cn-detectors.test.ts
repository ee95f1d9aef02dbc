import { describe, expect, it } from 'vitest'
import { createRedactor } from './index.js'

const redactor = createRedactor({ hmacKey: 'test-key-0123456789abcdef' })
const redact = (text: string): string => redactor.redactText(text).text

describe('mainland-China PII', () => {
  it('finds mobiles bare, with +86/0086, spaced or hyphenated, and landlines with an area code', () => {
    expect(redact('find records for 13812345678')).toBe('find records for [REDACTED:PHONE]')
    expect(redact('回电 +86 159 1234 5678 或 0086-13612345678')).toBe(
      '回电 [REDACTED:PHONE] 或 [REDACTED:PHONE]',
    )
    expect(redact('电话：010-62345678，(021) 62345678，0755-86001234')).toBe(
      '电话：[REDACTED:PHONE]，[REDACTED:PHONE]，[REDACTED:PHONE]',
    )
  })

  it('leaves order numbers, timestamps, ids and amounts alone', () => {
    for (const text of [
      '订单号13812345678',
      'order #15912345678',
      '金额 13800000000 元',
      'ts 1712345678901 id 1712345678',
      'trace 202612031734580845',
      'v1.13.5 550e8400-e29b-41d4-a716-446655440000 3f786850e387550fdab836ed7e6dc881de23001b 2026-12-03T13:45:00Z',
    ]) {
      expect(redact(text), text).toBe(text)
    }
  })

  it('tells UnionPay cards (Luhn) from other bank card numbers under a card word', () => {
    expect(redact('卡号 6217 0028 7003 2584 321')).toBe('卡号 [REDACTED:CN_BANK_CARD]')
    expect(redact('{"银行卡号":"6222021234567890128"}')).toBe('{"银行卡号":"[REDACTED:CREDIT_CARD]"}')
    expect(redact('card 6222 0212 3456 7890 128')).toBe('card [REDACTED:CREDIT_CARD]')
  })

  it('checks the USCC check character, and wants context for an all-digit one', () => {
    expect(redact('统一社会信用代码 91350100M000100Y43')).toBe('统一社会信用代码 [REDACTED:CN_USCC]')
    expect(redact('code 91350100M000100Y44')).toBe('code 91350100M000100Y44')
  })

  it('finds passports and travel permits after their names only', () => {
    expect(redact('护照号码：E12345678，港澳通行证 C12345678，台胞证 12345678')).toBe(
      '护照号码：[REDACTED:CN_PASSPORT]，港澳通行证 [REDACTED:CN_TRAVEL_PERMIT]，台胞证 [REDACTED:CN_TRAVEL_PERMIT]',
    )
    expect(redact('SKU E12345678 batch 12345678')).toBe('SKU E12345678 batch 12345678')
  })

  it('finds Chinese names after a person word or before an honorific, and stops at the next word', () => {
    expect(redact('联系人李娜电话13912345678')).toBe('联系人[REDACTED:PERSON]电话[REDACTED:PHONE]')
    expect(redact('收件人：欧阳娜娜')).toBe('收件人：[REDACTED:PERSON]')
    expect(redact('请王先生尽快回复')).toBe('请[REDACTED:PERSON]先生尽快回复')
    expect(redact('联系人不详，联系电话待补')).toBe('联系人不详，联系电话待补')
  })

  it('redacts a Chinese address from the district on, keeping province and city', () => {
    expect(redact('地址：广东省深圳市南山区科技园路88号腾讯大厦3栋1205室')).toBe(
      '地址：广东省深圳市[REDACTED:CN_ADDRESS]',
    )
    expect(redact('上海市浦东新区世纪大道100号')).toBe('上海市[REDACTED:CN_ADDRESS]')
  })

  it('keeps finding e-mails and IPs inside Chinese text with full-width punctuation', () => {
    const { findings } = redactor.redactText('邮箱：zhang.wei@example.cn，IP：203.0.113.9。')
    expect(findings).toEqual({ EMAIL: 1, IP_ADDRESS: 1 })
  })

  it('reads Chinese names and bank cards from their JSON keys', () => {
    const { value } = redactor.redactJson({
      姓名: '张伟',
      name: '李娜',
      银行卡号: '6217002870032584321',
      tool: '天气查询',
    })
    expect(value).toEqual({
      姓名: '[REDACTED:PERSON]',
      name: '[REDACTED:PERSON]',
      银行卡号: '[REDACTED:CN_BANK_CARD]',
      tool: '天气查询',
    })
  })
})
