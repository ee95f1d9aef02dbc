import { describe, expect, it } from 'vitest'
import {
  ibanChecksumValid,
  ibanLength,
  isCardNumber,
  isCnResidentId,
  isSsn,
  luhnValid,
  parseIpv4,
} from './validators.js'

describe('luhn and card numbers', () => {
  it('accepts Luhn-valid numbers of known issuers', () => {
    for (const card of [
      '4111111111111111',
      '5500005555555559',
      '340000000000009',
      '6011000990139424',
      '2223000048400011',
    ]) {
      expect(isCardNumber(card), card).toBe(true)
    }
  })

  it('rejects a Luhn-invalid number that is otherwise a card', () => {
    expect(luhnValid('4111111111111112')).toBe(false)
    expect(isCardNumber('4111111111111112')).toBe(false)
  })

  it('rejects Luhn-valid numbers without an issuer prefix (timestamps, snowflake ids)', () => {
    const millis = '1732442400120' // 13 digits, Luhn-valid, starts with 1
    expect(luhnValid(millis)).toBe(true)
    expect(isCardNumber(millis)).toBe(false)
    expect(isCardNumber('4111111111')).toBe(false) // too short
  })
})

describe('IBAN', () => {
  it('validates mod-97 and the country length', () => {
    expect(ibanLength('gb')).toBe(22)
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true)
    expect(ibanChecksumValid('gb82west12345698765432')).toBe(true)
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true)
  })

  it('rejects a wrong check digit', () => {
    expect(ibanChecksumValid('GB83WEST12345698765432')).toBe(false)
    expect(ibanLength('ZZ')).toBeUndefined()
  })
})

describe('Chinese resident id', () => {
  it('accepts a valid checksum and birth date', () => {
    expect(isCnResidentId('11010519491231002X')).toBe(true)
    expect(isCnResidentId('11010519491231002x')).toBe(true)
  })

  it('rejects a bad checksum or an impossible date', () => {
    expect(isCnResidentId('110105194912310021')).toBe(false)
    expect(isCnResidentId('110105194902300027')).toBe(false) // 30 February
  })
})

describe('US SSN rules', () => {
  it('rejects areas 000, 666 and 9xx, group 00 and serial 0000', () => {
    expect(isSsn('460', '89', '9847')).toBe(true)
    expect(isSsn('000', '12', '3456')).toBe(false)
    expect(isSsn('666', '12', '3456')).toBe(false)
    expect(isSsn('912', '12', '3456')).toBe(false)
    expect(isSsn('123', '00', '3456')).toBe(false)
    expect(isSsn('123', '45', '0000')).toBe(false)
  })
})

describe('IPv4 parsing', () => {
  it('accepts dotted quads within range only', () => {
    expect(parseIpv4('10.1.2.3')).toEqual([10, 1, 2, 3])
    expect(parseIpv4('256.1.2.3')).toBeNull()
    expect(parseIpv4('01.2.3.4')).toBeNull()
    expect(parseIpv4('1.2.3')).toBeNull()
  })
})
