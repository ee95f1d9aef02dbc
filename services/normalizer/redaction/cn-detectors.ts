import { CharClass, textBefore, type Detector } from './detector.js'
import { surnameLength } from './cn-names.js'
import { isCardNumber, isCnResidentId, isUscc } from './validators.js'

/**
 * Mainland-China PII without a shape of its own in Western detectors: names and addresses written in
 * Chinese, bank card numbers under a card word, USCCs, passports and travel permits. Every repetition
 * is bounded, so each start position costs a bounded amount of work (linear-time rule, issue 15).
 */

const HAN = '\\u4e00-\\u9fff'

/** Words that introduce a person's name in forms, orders and tickets. */
const PERSON_WORDS =
  '(?:联系人|姓名|收件人|收货人|寄件人|发件人|客户|负责人|经办人|申请人|持卡人|开户人|户名|患者|法定代表人|法人代表|法人|乘客|旅客|住户|业主|联系|(?<![A-Za-z])(?:name|holder|contact|recipient|consignee|receiver)(?![A-Za-z]))'
const PERSON_ANCHOR = `${PERSON_WORDS}(?:姓名)?["']?(?:[ \\t]*[：:=][ \\t]*["']?|[ \\t]{1,2}|是|为)?`
const PERSON_ANCHOR_RE = new RegExp(PERSON_ANCHOR, 'y')
const HONORIFIC = '(?:先生|女士|小姐)'
/** Characters that start the word after a name rather than continue it (`张伟电话…`, `李娜的订单`). */
const AFTER_NAME =
  /^(?:电话|手机|地址|先生|女士|小姐|邮箱|身份|证件|联系|收货|已经|今天|明天|昨天|您好|你好|[的在是和与说于已等您你到从给将把被请])/
/** What follows a person word when no name is given (`联系人不详`, `姓名未知`). */
const NO_NAME = /^(?:不详|未知|暂无|信息|电话|手机|地址|姓名|本人|方式)/

/** Words before a surname that are not part of the name (`请王先生`, `和李女士`). */
const NOT_A_NAME_START = /^[的在是和与说于已等您你到从给将把被请找叫问让向跟对]/

/** `candidate` starts with a surname: the name is the surname and one or two given-name characters. */
function nameLength(candidate: string, allowSurnameOnly: boolean): number {
  const surname = surnameLength(candidate)
  if (surname === 0) return 0
  let given = 0
  while (
    given < 2 &&
    surname + given < candidate.length &&
    !AFTER_NAME.test(candidate.slice(surname + given))
  )
    given++
  if (given === 0 && !allowSurnameOnly) return 0
  return surname + given
}

const cnPerson: Detector = {
  name: 'cn-person',
  types: ['PERSON'],
  requires: CharClass.HAN,
  prefilter: new RegExp(`${PERSON_WORDS}|${HONORIFIC}`),
  pattern: `${PERSON_ANCHOR}[${HAN}]{2,4}|[${HAN}]{1,3}${HONORIFIC}`,
  classify(text, start, end) {
    PERSON_ANCHOR_RE.lastIndex = start
    const anchor = PERSON_ANCHOR_RE.exec(text)
    if (anchor !== null && anchor[0].length < end - start) {
      const from = start + anchor[0].length
      const candidate = text.slice(from, end)
      const length = NO_NAME.test(candidate) ? 0 : nameLength(candidate, false)
      if (length > 0) return { type: 'PERSON', start: from, end: from + length }
    }
    const honorific = end - 2
    if (!/^(?:先生|女士|小姐)$/.test(text.slice(honorific, end))) return null
    for (let from = start; from < honorific; from++) {
      const candidate = text.slice(from, honorific)
      if (NOT_A_NAME_START.test(candidate)) continue
      if (nameLength(candidate, true) === candidate.length)
        return { type: 'PERSON', start: from, end: honorific }
    }
    return null
  },
}

const ROAD = `[${HAN}]{2,14}(?:路|街|道|巷|弄|胡同)[ \\t]?[0-9]{1,5}(?:-[0-9]{1,5})?(?:弄[0-9]{1,5})?号(?:院|楼)?`
const ESTATE = `[${HAN}]{2,14}(?:小区|花园|公寓|大厦|家园|新村|广场|苑|庭|府|城)[0-9A-Za-z]{1,4}(?:栋|幢|座|号楼|期)`
const UNIT_TAIL = `(?:[${HAN}]{0,10}[0-9A-Za-z]{1,5}(?:栋|幢|座|号楼|单元|楼|层|室|房|期)){0,4}(?:[0-9]{1,5}(?:室|房)?)?`
/** Where the kept part of an address ends: after the province and city, or after a lead-in word. */
const KEPT_PREFIX = /^.*(?:省|自治区|特别行政区|市|地址|住址|寄到|寄往|寄至|送到|送至|位于|住在|是|为|在)/

/** A street address in Chinese, from the district on: the province and city stay (`广东省深圳市[REDACTED:CN_ADDRESS]`). */
const cnAddress: Detector = {
  name: 'cn-address',
  types: ['CN_ADDRESS'],
  requires: CharClass.DIGIT | CharClass.HAN,
  keywords: ['号', '栋', '幢', '座'],
  prefilter: /\d(?:-\d{1,5})?号|\d(?:栋|幢|座|号楼)/,
  pattern: `(?:${ROAD}|${ESTATE})${UNIT_TAIL}`,
  classify(text, start, end) {
    const firstDigit = text.slice(start, end).search(/[0-9]/)
    const kept = KEPT_PREFIX.exec(text.slice(start, start + firstDigit))
    const from = start + (kept?.[0].length ?? 0)
    return from < start + firstDigit ? { type: 'CN_ADDRESS', start: from, end } : null
  },
}

/** A bank card or account number after a card word; a number passing Luhn with a card prefix is a CREDIT_CARD. */
const CARD_WORDS =
  '(?:银行卡号|银行卡|卡号|银行账号|银行账户|账号|借记卡|储蓄卡|信用卡号|信用卡|[Cc]ard (?:[Nn]umber|[Nn]o\\.?))'
const CARD_SEPARATOR = `["']?[ \\t]*[：:=]?[ \\t]*["']?`
const CARD_WORDS_RE = new RegExp(`${CARD_WORDS}${CARD_SEPARATOR}`, 'y')

const cnBankCard: Detector = {
  name: 'cn-bank-card',
  types: ['CREDIT_CARD', 'CN_BANK_CARD'],
  requires: CharClass.DIGITS_4,
  keywords: ['银行卡', '卡号', '银行账', '账号', '借记卡', '储蓄卡', '信用卡', 'card n'],
  prefilter: new RegExp(CARD_WORDS),
  pattern: `${CARD_WORDS}${CARD_SEPARATOR}[0-9]{4}(?:[ -]?[0-9]{1,8}){1,5}(?![0-9A-Za-z])`,
  classify(text, start, end) {
    CARD_WORDS_RE.lastIndex = start
    const from = start + (CARD_WORDS_RE.exec(text)?.[0].length ?? 0)
    const digits = text.slice(from, end).replace(/[ -]/g, '')
    if (digits.length < 16 || digits.length > 19) return null
    return { type: isCardNumber(digits) ? 'CREDIT_CARD' : 'CN_BANK_CARD', start: from, end }
  },
}

const USCC_CONTEXT = /(?:信用代码|社会信用|税号|纳税人识别号|USCC|credit code)[^\n]{0,12}$/i

/** Unified Social Credit Code: the GB 32100 check character; an all-digit code also needs its name before it. */
const cnUscc: Detector = {
  name: 'cn-uscc',
  types: ['CN_USCC'],
  requires: CharClass.DIGITS_7,
  prefilter: /[1-9][0-9]{6}[0-9A-Z]{10}/,
  pattern: '(?<![A-Za-z0-9])[1-9A-HJ-NPQRTUWXY][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![A-Za-z0-9])',
  classify(text, start, end) {
    const code = text.slice(start, end)
    if (!isUscc(code) || isCnResidentId(code)) return null
    if (/^[0-9]+$/.test(code) && !USCC_CONTEXT.test(textBefore(text, start, 40))) return null
    return { type: 'CN_USCC', start, end }
  },
}

const PASSPORT_CONTEXT = /(?:护照|passport)[^\n]{0,16}$/i
const PERMIT_CONTEXT =
  /(?:通行证|回乡证|台胞证|往来港澳|往来台湾|travel permit|home return permit)[^\n]{0,16}$/i

/**
 * Passports (`E12345678`, `EA1234567`, `G12345678`) and Hong Kong, Macau and Taiwan travel permits
 * (`C12345678`, `H1234567801`, `L12345678`, eight-digit 台胞证) only after their name: alone these
 * shapes are as often product codes.
 */
const cnTravelDocument: Detector = {
  name: 'cn-travel-document',
  types: ['CN_PASSPORT', 'CN_TRAVEL_PERMIT'],
  requires: CharClass.DIGIT,
  keywords: ['护照', 'passport', '通行证', '回乡证', '台胞证', '往来港澳', '往来台湾', 'permit'],
  prefilter: /护照|[Pp]assport|通行证|回乡证|台胞证|往来港澳|往来台湾|[Pp]ermit/,
  pattern: '(?<![A-Za-z0-9])(?:[A-Za-z]{1,2}[0-9]{7,10}|[0-9]{8}|[0-9]{10})(?![A-Za-z0-9])',
  classify(text, start, end) {
    const value = text.slice(start, end)
    const before = textBefore(text, start, 32)
    if (PASSPORT_CONTEXT.test(before) && /^[EGDSPegdsp][A-Za-z]?[0-9]{7,8}$/.test(value))
      return { type: 'CN_PASSPORT', start, end }
    if (
      PERMIT_CONTEXT.test(before) &&
      /^(?:[CWHMLTcwhmlt][A-Za-z]?[0-9]{7,10}|[0-9]{8}|[0-9]{10})$/.test(value)
    )
      return { type: 'CN_TRAVEL_PERMIT', start, end }
    return null
  },
}

/** Before the numeric detectors: a card word or a surname decides what the digits after it are. */
export const CN_DETECTORS: readonly Detector[] = [cnPerson, cnAddress, cnBankCard, cnUscc, cnTravelDocument]
