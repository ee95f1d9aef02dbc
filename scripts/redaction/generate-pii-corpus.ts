import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fakerDE, fakerEN, fakerFR, fakerZH_CN, type Faker } from '@faker-js/faker'
import { packageRoot } from '../../services/platform/paths.js'
import { withLuhnCheckDigit } from '../../services/normalizer/redaction/validators.js'

/**
 * `node dist/scripts/redaction/generate-pii-corpus.js`: writes test/fixtures/pii-corpus/corpus.json,
 * a labelled corpus of MCP tool-call arguments, results and error messages in Chinese, English,
 * German, French and mixed text. Each record has its text, the spans of the planted values (type,
 * offsets, value) and the look-alikes that must survive (order numbers, ids, amounts, versions,
 * UUIDs, git SHAs, timestamps). Seeded: the same faker version gives the same file.
 */

export interface CorpusSpan {
  type: string
  start: number
  end: number
  value: string
}

export interface CorpusRecord {
  text: string
  spans: CorpusSpan[]
  keep: string[]
}

const SEED = 20261203
const RECORDS = 2400

/** Builds one text from literal pieces and labelled values, recording where each value lands. */
class Builder {
  text = ''
  spans: CorpusSpan[] = []
  keep: string[] = []
  add(literal: string): this {
    this.text += literal
    return this
  }
  pii(type: string, value: string): this {
    this.spans.push({ type, start: this.text.length, end: this.text.length + value.length, value })
    this.text += value
    return this
  }
  lookalike(value: string): this {
    this.keep.push(value)
    this.text += value
    return this
  }
  record(): CorpusRecord {
    return { text: this.text, spans: this.spans, keep: this.keep }
  }
}

const zh = fakerZH_CN
const western: readonly Faker[] = [fakerEN, fakerDE, fakerFR]
const digits = (count: number): string => zh.string.numeric({ length: count, allowLeadingZeros: true })

function luhnBroken(partial: string): string {
  const valid = withLuhnCheckDigit(partial)
  return valid.slice(0, -1) + String((Number(valid.slice(-1)) + 1 + zh.number.int(7)) % 10)
}

const PREFIXES = [
  '130',
  '131',
  '135',
  '136',
  '138',
  '139',
  '150',
  '151',
  '158',
  '159',
  '166',
  '177',
  '186',
  '188',
  '199',
]

function mobile(): string {
  const number = zh.helpers.arrayElement(PREFIXES) + digits(8)
  return zh.helpers.arrayElement([
    number,
    number,
    `+86${number}`,
    `+86 ${number}`,
    `0086-${number}`,
    `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`,
    `${number.slice(0, 3)}-${number.slice(3, 7)}-${number.slice(7)}`,
  ])
}

function landline(): string {
  const [area, length] = zh.helpers.arrayElement([
    ['010', 8],
    ['021', 8],
    ['020', 8],
    ['0755', 8],
    ['0571', 8],
    ['0898', 7],
  ] as const)
  const local = String(zh.number.int({ min: 2, max: 8 })) + digits(length - 1)
  return zh.helpers.arrayElement([`${area}-${local}`, `(${area}) ${local}`, `${area} ${local}`])
}

function residentId(): string {
  const region = zh.helpers.arrayElement(['110105', '310115', '440305', '330106', '510107', '420111'])
  const birth = zh.date.birthdate({ mode: 'age', min: 18, max: 80 })
  const date = birth.toISOString().slice(0, 10).replace(/-/g, '')
  const body = `${region}${date}${digits(3)}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((total, d, i) => total + Number(d) * weights[i]!, 0)
  return body + '10X98765432'[sum % 11]!
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
function uscc(): string {
  const body =
    zh.helpers.arrayElement(['91', '92', '93', '12', '52', '11']) +
    zh.helpers.arrayElement(['110105', '310115', '440300', '330106']) +
    zh.helpers.multiple(() => zh.helpers.arrayElement([...USCC_CHARS]), { count: 9 }).join('')
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const sum = [...body].reduce((total, c, i) => total + USCC_CHARS.indexOf(c) * weights[i]!, 0)
  return body + USCC_CHARS[(31 - (sum % 31)) % 31]!
}

const DISTRICTS = [
  '南山区',
  '福田区',
  '朝阳区',
  '海淀区',
  '浦东新区',
  '西湖区',
  '天河区',
  '武侯区',
  '鼓楼区',
  '江汉区',
]
const ROADS = ['路', '街', '大道']

/** A Chinese address split into the kept prefix (province and city) and the redacted rest. */
function chineseAddress(): { kept: string; detail: string } {
  const province = zh.helpers.arrayElement(['广东省', '浙江省', '江苏省', '四川省', '湖北省', ''])
  const city = zh.location.city()
  const road =
    zh.person.lastName() +
    zh.helpers.arrayElement(['华', '新', '中山', '人民', '科技园']) +
    zh.helpers.arrayElement(ROADS)
  let detail = `${zh.helpers.arrayElement(DISTRICTS)}${road}${zh.number.int({ min: 1, max: 999 })}号`
  if (zh.datatype.boolean())
    detail += `${zh.helpers.arrayElement(['华润大厦', '阳光花园', ''])}${zh.number.int({ min: 1, max: 20 })}栋`
  if (zh.datatype.boolean())
    detail += `${zh.number.int({ min: 1, max: 32 })}0${zh.number.int({ min: 1, max: 9 })}室`
  return { kept: province + city, detail }
}

/** Not loopback, unspecified or broadcast: those are kept on purpose. */
const publicIpv4 = (): string =>
  `${zh.number.int({ min: 1, max: 126 })}.${zh.number.int(255)}.${zh.number.int(255)}.${zh.number.int({ min: 1, max: 254 })}`

const chineseName = (): string => zh.person.lastName() + zh.person.firstName()

/** Values that must survive: the shapes a redactor most often mistakes for PII. */
function lookalike(): string {
  return zh.helpers.arrayElement([
    () => `20261203${digits(10)}`,
    () => String(zh.number.int({ min: 1_600_000_000, max: 1_800_000_000 })),
    () => String(zh.number.int({ min: 1_600_000_000_000, max: 1_800_000_000_000 })),
    () => `${zh.number.int({ min: 1, max: 99999 })}.${digits(2)}`,
    () => zh.system.semver(),
    () => zh.string.uuid(),
    () => zh.git.commitSha(),
    () => zh.date.recent().toISOString(),
  ])()
}

const ID_LEADS = ['订单号：', '订单号', 'order #', '交易流水 ', 'id=', '运单号 ', 'trace ']
const LOOKALIKE_LEADS = [
  '订单号：',
  'order #',
  '交易流水 ',
  'id=',
  '金额 ¥',
  'version ',
  'trace ',
  'commit ',
  'at ',
]

function chineseRecord(b: Builder): void {
  switch (zh.number.int(9)) {
    case 0:
      b.add('{"tool":"crm.lookup","arguments":{"query":"查询 ').pii('PHONE', mobile()).add(' 的客户记录"}}')
      break
    case 1: {
      const { kept, detail } = chineseAddress()
      b.add('收件人：').pii('PERSON', chineseName()).add('，手机 ').pii('PHONE', mobile())
      b.add('，地址：').add(kept).pii('CN_ADDRESS', detail)
      break
    }
    case 2:
      b.add('请联系')
        .add(zh.helpers.arrayElement(['', '客服']))
        .add('，电话：')
        .pii('PHONE', landline())
        .add('。')
      b.add('联系人').pii('PERSON', chineseName()).add('，邮箱：').pii('EMAIL', zh.internet.email()).add('。')
      break
    case 3:
      b.add('{"name":"bank.bind_card","arguments":{"holder":"').pii('PERSON', chineseName())
      b.add('","银行卡号":"')
        .pii(...cardValue())
        .add('","id_card":"')
        .pii('CN_RESIDENT_ID', residentId())
        .add('"}}')
      break
    case 4:
      b.add('企业信息：统一社会信用代码 ')
        .pii('CN_USCC', uscc())
        .add('，法定代表人：')
        .pii('PERSON', chineseName())
      break
    case 5:
      b.add('旅客').pii('PERSON', chineseName()).add('的护照号码为').pii('CN_PASSPORT', passport())
      b.add('，往来港澳通行证 ').pii('CN_TRAVEL_PERMIT', `C${digits(8)}`)
      break
    case 6: {
      const name = zh.person.lastName()
      b.pii('PERSON', name)
        .add(zh.helpers.arrayElement(['先生', '女士']))
        .add('您好，您的订单已发货，登录 IP ')
      b.pii('IP_ADDRESS', publicIpv4()).add('。')
      break
    }
    case 7:
      b.add('Error: 用户 ')
        .pii('PHONE', mobile())
        .add(' 绑定失败：银行卡号 ')
        .pii(...cardValue())
        .add(' 校验不通过')
      break
    default:
      b.add('回乡证号码 ')
        .pii('CN_TRAVEL_PERMIT', `H${digits(8)}`)
        .add('，台胞证 ')
        .pii('CN_TRAVEL_PERMIT', digits(8))
  }
}

function cardValue(): ['CREDIT_CARD' | 'CN_BANK_CARD', string] {
  const length = zh.helpers.arrayElement([16, 19])
  return zh.datatype.boolean()
    ? ['CREDIT_CARD', withLuhnCheckDigit(`62${digits(length - 3)}`)]
    : ['CN_BANK_CARD', luhnBroken(`62${digits(length - 3)}`)]
}

const passport = (): string => zh.helpers.arrayElement([`E${digits(8)}`, `G${digits(8)}`, `EA${digits(7)}`])

function westernRecord(b: Builder): void {
  const faker = zh.helpers.arrayElement(western)
  const name = `${faker.person.firstName()} ${faker.person.lastName()}`
  switch (zh.number.int(5)) {
    case 0:
      b.add('{"tool":"crm.search","arguments":{"query":"find records for ').pii('PHONE', mobile()).add('"}}')
      break
    case 1:
      b.add('Ticket assigned to ')
        .pii('PERSON', name)
        .add('; customer lives at ')
        .pii('STREET_ADDRESS', faker.location.streetAddress())
      break
    case 2:
      b.pii('PERSON', name)
        .add(' asked for a callback on ')
        .pii('PHONE', mobile())
        .add(' about invoice ')
        .lookalike(`INV-${digits(6)}`)
      break
    case 3:
      b.add('Meeting notes: ')
        .pii('PERSON', name)
        .add(' will send the contract to ')
        .pii('EMAIL', faker.internet.email())
      break
    case 4:
      b.add('Versand an ').pii('PERSON', name).add(', ').pii('STREET_ADDRESS', faker.location.streetAddress())
      break
    default:
      b.add('联系 ')
        .pii('PERSON', name)
        .add(' (')
        .pii('EMAIL', faker.internet.email())
        .add(') 确认合同，phone ')
        .pii('PHONE', mobile())
  }
}

function lookalikeRecord(b: Builder): void {
  const count = zh.number.int({ min: 1, max: 3 })
  b.add(zh.helpers.arrayElement(['{"tool":"orders.get","result":"', 'Error: ', '日志：', 'INFO ']))
  for (let i = 0; i < count; i++) {
    if (zh.number.int(3) === 0) {
      // A mobile-shaped number after an id word is an order or trade number, not a phone.
      b.add(zh.helpers.arrayElement(ID_LEADS)).lookalike(zh.helpers.arrayElement(PREFIXES) + digits(8))
    } else {
      b.add(zh.helpers.arrayElement(LOOKALIKE_LEADS)).lookalike(lookalike())
    }
    b.add(i + 1 < count ? '，' : '')
  }
  b.add(zh.helpers.arrayElement(['"}', '', '。']))
}

export function generateCorpus(): CorpusRecord[] {
  zh.seed(SEED)
  for (const [index, faker] of western.entries()) faker.seed(SEED + index + 1)
  const records: CorpusRecord[] = []
  for (let i = 0; i < RECORDS; i++) {
    const b = new Builder()
    const kind = i % 4
    if (kind === 0 || kind === 1) chineseRecord(b)
    else if (kind === 2) westernRecord(b)
    else lookalikeRecord(b)
    records.push(b.record())
  }
  return records
}

function main(): void {
  const target = path.join(packageRoot(), 'test', 'fixtures', 'pii-corpus', 'corpus.json')
  const records = generateCorpus()
  writeFileSync(target, `[\n${records.map((record) => JSON.stringify(record)).join(',\n')}\n]\n`)
  console.info(`${target}: ${records.length} records`)
}

main()
