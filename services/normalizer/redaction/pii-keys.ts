import type { PiiType } from '../../../schemas/redaction.js'
import { surnameLength } from './cn-names.js'
import { isCardNumber } from './validators.js'

/**
 * Key names that say what a JSON value is, for PII that has no shape of its own: a name under
 * `first_name`, a national phone number under `phone` (no `Tel:` in the value itself), a street under
 * `address_line1`. A bare `name` is a person only beside a contact key (`email`, `phone`): alone it is
 * far more often a tool, file or server name.
 */
const PERSON_KEYS = new Set([
  'firstname',
  'lastname',
  'fullname',
  'givenname',
  'familyname',
  'surname',
  'middlename',
  'displayname',
  'customername',
  'contactname',
  'patientname',
  'employeename',
  'holdername',
  'cardholdername',
  'holder',
  'contact',
  'contactperson',
  'recipient',
  'consignee',
  '姓名',
  '联系人',
  '收件人',
  '收货人',
  '持卡人',
])
/** Keys of a bank card number, which a Chinese debit card may carry without a valid Luhn digit. */
const BANK_CARD_KEYS = new Set([
  '银行卡号',
  '银行卡',
  '卡号',
  '银行账号',
  'bankcard',
  'bankcardno',
  'bankcardnumber',
  'cardno',
])
/** A Chinese name under a bare `name` key: a surname and one or two given-name characters. */
function isChineseName(value: string): boolean {
  const surname = surnameLength(value)
  return surname > 0 && /^[\u4e00-\u9fff]{2,4}$/.test(value) && value.length - surname <= 2
}
const STREET_KEYS = new Set([
  'street',
  'streetaddress',
  'address1',
  'address2',
  'addressline',
  'addressline1',
  'addressline2',
])
const PHONE_KEY_SUFFIXES = ['phone', 'phonenumber', 'mobile', 'telephone', 'fax']
const PHONE_EXACT = new Set(['tel', 'cell', 'msisdn'])
const CONTACT_KEYS = new Set(['email', 'emailaddress', 'mail', 'phone', 'phonenumber', 'mobile', 'telephone'])

const PERSON_VALUE = /^[\p{L}][\p{L}\p{M} .'’-]{0,99}$/u
const PHONE_VALUE = /^[+(]?[\d ().\-/]{6,24}(?:\s?(?:x|ext\.?)\s?\d{1,6})?$/

/** What a key announces about its value, before looking at the value. */
export type KeyHint = 'person' | 'name' | 'street' | 'phone' | 'bank-card' | null

/** `normalized` is the key after {@link normalizeKey}. */
export function keyHint(normalized: string): KeyHint {
  if (PERSON_KEYS.has(normalized)) return 'person'
  if (normalized === 'name') return 'name'
  if (STREET_KEYS.has(normalized)) return 'street'
  if (BANK_CARD_KEYS.has(normalized)) return 'bank-card'
  if (PHONE_EXACT.has(normalized) || PHONE_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix)))
    return 'phone'
  return null
}

export function isContactKey(normalized: string): boolean {
  return CONTACT_KEYS.has(normalized)
}

/** The PII type a hinted key gives this string value, or null when the value must be scanned as usual. */
export function piiTypeForValue(hint: KeyHint, value: string, besideContact: boolean): PiiType | null {
  switch (hint) {
    case 'person':
    case 'name': {
      const trimmed = value.trim()
      if (hint === 'name' && !besideContact) return isChineseName(trimmed) ? 'PERSON' : null
      return PERSON_VALUE.test(trimmed) && trimmed.split(/\s+/).length <= 6 ? 'PERSON' : null
    }
    case 'street':
      return /\p{L}/u.test(value) && value.length <= 200 ? 'STREET_ADDRESS' : null
    case 'phone': {
      const digits = value.replace(/\D/g, '').length
      return PHONE_VALUE.test(value.trim()) && digits >= 7 && digits <= 15 ? 'PHONE' : null
    }
    case 'bank-card': {
      const digits = value.replace(/[ -]/g, '')
      if (!/^\d{12,19}$/.test(digits)) return null
      return isCardNumber(digits) ? 'CREDIT_CARD' : 'CN_BANK_CARD'
    }
    default:
      return null
  }
}
