import { describe, expect, it } from 'vitest'
import { createRedactor } from './index.js'

const redactor = createRedactor({ hmacKey: 'test-key-0123456789abcdef' })

/** `[type, matched text]` for every detection in `text`. */
function found(text: string): Array<[string, string]> {
  return redactor.detect(text).map((hit) => [hit.type, text.slice(hit.start, hit.end)])
}

function typesIn(text: string): string[] {
  return found(text).map(([type]) => type)
}

describe('EMAIL', () => {
  it('finds addresses in prose, JSON and mailto links', () => {
    expect(found('write to Jane.Doe+audit@mail.example.co.uk today')).toEqual([
      ['EMAIL', 'Jane.Doe+audit@mail.example.co.uk'],
    ])
    expect(found('{"to":"ops@example.com"}')).toEqual([['EMAIL', 'ops@example.com']])
    expect(found('<a href="mailto:bob@example.org">')).toEqual([['EMAIL', 'bob@example.org']])
  })

  it('ignores package versions, scoped packages, retina images and git remotes', () => {
    for (const text of ['lodash@4.17.21', '@types/node@20', 'icon@2x.png', 'git@github.com:acme/api.git']) {
      expect(found(text), text).toEqual([])
    }
  })
})

describe('PHONE', () => {
  it('finds international, E.164 and North-American numbers without context', () => {
    expect(found('reach +49 30 901820 or +14155552671')).toEqual([
      ['PHONE', '+49 30 901820'],
      ['PHONE', '+14155552671'],
    ])
    expect(found('office (415) 555-2671 ext. 12')).toEqual([['PHONE', '(415) 555-2671 ext. 12']])
    expect(found('+46 (0)8 928 571 38')).toEqual([['PHONE', '+46 (0)8 928 571 38']])
  })

  it('finds Chinese mobile numbers with +86 or 3-4-4 grouping', () => {
    expect(found('手机 +86 138 0013 8000')).toEqual([['PHONE', '+86 138 0013 8000']])
    expect(found('call 139-1234-5678')).toEqual([['PHONE', '139-1234-5678']])
    expect(found('电话：13800138000')).toEqual([['PHONE', '13800138000']])
  })

  it('finds national formats only next to a phone word', () => {
    expect(found('Phone:\n0490 75 40 81')).toEqual([['PHONE', '0490 75 40 81']])
    expect(found('Mobile: 03.93.92.16.85')).toEqual([['PHONE', '03.93.92.16.85']])
    expect(found('416 60 039 office')).toEqual([['PHONE', '416 60 039']])
    expect(found('order 0490 75 40 81 shipped')).toEqual([])
  })

  it('needs seven digits beside a phone word, not counting an extension, and eight after + or 00', () => {
    expect(found('Phone: 490 754')).toEqual([])
    expect(found('Phone: 490 7540')).toEqual([['PHONE', '490 7540']])
    expect(found('Phone: 490 754 x12')).toEqual([])
    expect(found('Phone: 490 7540 x12')).toEqual([['PHONE', '490 7540 x12']])
    expect(found('+49 30 90')).toEqual([])
    expect(found('+49 30 9018')).toEqual([['PHONE', '+49 30 9018']])
    expect(found('0049 30 9018')).toEqual([['PHONE', '0049 30 9018']])
  })

  it('leaves timestamps, durations, dates, ids and decimals alone', () => {
    for (const text of [
      'at 2026-11-24 10:00:00.123 took 1532 ms',
      'ts=1732442400123 epoch 1732442400',
      'phone updated on 12/25/2024',
      '"id": 13008462525',
      'arXiv 2103.08220, call 3.14159265',
      'request 3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8091a2',
    ]) {
      expect(typesIn(text), text).not.toContain('PHONE')
    }
  })
})

describe('CREDIT_CARD', () => {
  it('finds Luhn-valid numbers, bare or grouped', () => {
    expect(found('card 4111 1111 1111 1111 exp 12/29')).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']])
    expect(found('amex 3400-000000-00009')).toEqual([['CREDIT_CARD', '3400-000000-00009']])
    expect(found('4111111111111111')).toEqual([['CREDIT_CARD', '4111111111111111']])
  })

  it('ignores Luhn-invalid numbers, decimals and timestamps', () => {
    expect(typesIn('card 4111 1111 1111 1112')).toEqual([])
    expect(typesIn('score 0.4111111111111111')).toEqual([])
    expect(typesIn('ts 1732442400120')).toEqual([])
  })
})

describe('IBAN', () => {
  it('finds compact, spaced and lower-case IBANs', () => {
    expect(found('IBAN GB82 WEST 1234 5698 7654 32 please')).toEqual([
      ['IBAN', 'GB82 WEST 1234 5698 7654 32'],
    ])
    expect(found('pay DE89370400440532013000.')).toEqual([['IBAN', 'DE89370400440532013000']])
    expect(found('gb82west12345698765432')).toEqual([['IBAN', 'gb82west12345698765432']])
  })

  it('ignores a bad checksum', () => {
    expect(typesIn('GB83WEST12345698765432')).toEqual([])
  })
})

describe('US_SSN', () => {
  it('finds dashed SSNs, and spaced ones after an SSN keyword', () => {
    expect(found('ssn 460-89-9847')).toEqual([['US_SSN', '460-89-9847']])
    expect(found('SSN: 460 89 9847')).toEqual([['US_SSN', '460 89 9847']])
  })

  it('ignores invalid areas and unlabelled nine-digit numbers', () => {
    expect(typesIn('000-12-3456 666-12-3456 912-12-3456')).toEqual([])
    expect(typesIn('invoice 460899847')).toEqual([])
  })
})

describe('CN_RESIDENT_ID', () => {
  it('finds ids with a valid checksum', () => {
    expect(found('身份证号 11010519491231002X')).toEqual([['CN_RESIDENT_ID', '11010519491231002X']])
  })

  it('ignores a bad checksum', () => {
    expect(typesIn('身份证号 110105194912310021')).not.toContain('CN_RESIDENT_ID')
  })
})

describe('IP_ADDRESS', () => {
  it('finds IPv4 and IPv6 addresses', () => {
    expect(found('from 203.0.113.7 and 2001:db8::8a2e:370:7334, [fe80::1]:80')).toEqual([
      ['IP_ADDRESS', '203.0.113.7'],
      ['IP_ADDRESS', '2001:db8::8a2e:370:7334'],
      ['IP_ADDRESS', 'fe80::1'],
    ])
  })

  it('ignores loopback, unspecified, masks, versions, times and MACs', () => {
    for (const text of [
      '127.0.0.1 ::1 0.0.0.0 255.255.255.0',
      'version 1.2.3.4',
      'v1.2.3.4',
      'chrome/120.0.6099.109',
      '10:30:45',
      '00:1a:2b:3c:4d:5e',
      'std::vector',
      '999.1.1.1',
    ]) {
      expect(typesIn(text), text).toEqual([])
    }
  })
})

describe('UUIDs', () => {
  it('are never flagged as anything', () => {
    for (const uuid of [
      '123e4567-e89b-12d3-a456-426614174000',
      '00000000-0000-0000-0000-000000000000',
      '550e8400-e29b-41d4-a716-446655440000',
      '12345678-1234-5678-1234-567812345678',
    ]) {
      expect(typesIn(`id ${uuid}, "request_id": "${uuid}"`), uuid).toEqual([])
    }
  })
})

describe('PERSON and STREET_ADDRESS (context-anchored heuristics)', () => {
  it('finds names after honorifics, Name: labels and salutations', () => {
    expect(found('Ms. Rennie flew to Nice')).toEqual([['PERSON', 'Rennie']])
    expect(found('Name: Toshimi Arata')).toEqual([['PERSON', 'Toshimi Arata']])
    expect(found('Dear Jean-Luc Picard,')).toEqual([['PERSON', 'Jean-Luc Picard']])
    expect(found("I met Mr. Lu Yaojie's team")).toEqual([['PERSON', 'Lu Yaojie']])
  })

  it('finds names in running text from the gazetteer, not capitalised words in general', () => {
    expect(found('Laura Carvalho speaks today')).toEqual([['PERSON', 'Laura Carvalho']])
    expect(found('a novel written by Jensen')).toEqual([['PERSON', 'Jensen']])
    expect(found('Will Power Tools and The Royal Bank of Canada')).toEqual([])
    expect(found('ship to 12 Joaquin Suarez Street')).toEqual([
      ['STREET_ADDRESS', '12 Joaquin Suarez Street'],
    ])
  })

  it('does not guess names after YAML keys or on organisations', () => {
    expect(typesIn('name: Build and Test')).toEqual([])
    expect(typesIn('Full Name: National Institute of Health')).toEqual([])
    expect(typesIn('Dear Sir,')).toEqual([])
  })

  it('finds street addresses with a street type or a known street word', () => {
    expect(found('ship to 25 Dili Gianni Street Apt. 5, Springfield')).toEqual([
      ['STREET_ADDRESS', '25 Dili Gianni Street Apt. 5'],
    ])
    expect(found('Villacher Strasse 89')).toEqual([['STREET_ADDRESS', 'Villacher Strasse 89']])
    expect(found('PSC 3294, Box 9168')).toEqual([['STREET_ADDRESS', 'PSC 3294, Box 9168']])
  })

  it('can be switched off', () => {
    const strict = createRedactor({
      hmacKey: 'test-key-0123456789abcdef',
      disabledTypes: ['PERSON', 'STREET_ADDRESS'],
    })
    expect(strict.detect('Name: Toshimi Arata, 25 Dili Gianni Street')).toEqual([])
  })
})
