import { CharClass, NOT_AFTER_TOKEN_CHAR, hasDigit, type Detector, type Hit } from './detector.js'
import { isJoseToken, jose } from './jose.js'
import { TEXT_KEY_WORDS_SOURCE, isHeaderKeyword } from './sensitive-keys.js'
import type { SecretType } from '../../../schemas/redaction.js'

interface SecretHit extends Hit {
  type: SecretType
}

interface TokenRule {
  type: SecretType
  /** Sticky, so it is tried exactly at the trigger position. */
  re: RegExp
  accept?: (token: string) => boolean
}

const atLeastOneDigitAndLetter = (token: string): boolean =>
  hasDigit(token) && /[A-Za-z]/.test(token.slice(3))

/**
 * Vendor tokens with a fixed prefix, after the gitleaks rules (github, gitlab, anthropic, openai,
 * slack, stripe, gcp, aws, npm, huggingface, sendgrid), loosened on length where vendors say lengths
 * may grow. Order matters: `sk-ant-` before the generic `sk-`.
 */
const TOKEN_RULES: readonly TokenRule[] = [
  { type: 'GITHUB_TOKEN', re: /gh[pousr]_[A-Za-z0-9]{30,251}(?![A-Za-z0-9_])/y },
  { type: 'GITHUB_TOKEN', re: /github_pat_[A-Za-z0-9_]{22,251}(?![A-Za-z0-9_])/y },
  {
    type: 'GITLAB_TOKEN',
    re: /gl(?:pat|dt|rt|soat|ffct|ft|oas|imt|agent|cbt|ptt)-[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9]{2,9}){0,3}(?![A-Za-z0-9_-])/y,
  },
  { type: 'GITLAB_TOKEN', re: /GR1348941[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/y },
  { type: 'ANTHROPIC_API_KEY', re: /sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{32,400}(?![A-Za-z0-9_-])/y },
  {
    type: 'OPENAI_API_KEY',
    re: /sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{32,400}(?![A-Za-z0-9_-])/y,
    accept: atLeastOneDigitAndLetter,
  },
  { type: 'STRIPE_KEY', re: /(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9_])/y },
  { type: 'WEBHOOK_SECRET', re: /whsec_[A-Za-z0-9+/=]{24,400}(?![A-Za-z0-9_+/=])/y },
  { type: 'SLACK_TOKEN', re: /xoxe\.xox[bp]-\d-[A-Za-z0-9]{140,180}(?![A-Za-z0-9])/y },
  {
    type: 'SLACK_TOKEN',
    re: /xox[abeoprs]-[A-Za-z0-9-]{20,250}(?![A-Za-z0-9_-])/y,
    accept: (token) => /\d{6}/.test(token),
  },
  { type: 'SLACK_TOKEN', re: /xapp-\d-[A-Za-z0-9-]{20,250}(?![A-Za-z0-9_-])/y },
  {
    type: 'SLACK_WEBHOOK',
    re: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,300}/y,
  },
  { type: 'GOOGLE_API_KEY', re: /AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/y },
  { type: 'AWS_ACCESS_KEY', re: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/y },
  { type: 'NPM_TOKEN', re: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/y },
  { type: 'HUGGINGFACE_TOKEN', re: /hf_[A-Za-z]{34}(?![A-Za-z0-9])/y },
  { type: 'SENDGRID_API_KEY', re: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y },
]

/** The first token rule matching exactly at `start`, or null. */
export function matchVendorToken(text: string, start: number): SecretHit | null {
  for (const rule of TOKEN_RULES) {
    rule.re.lastIndex = start
    const match = rule.re.exec(text)
    if (match !== null && (rule.accept === undefined || rule.accept(match[0]))) {
      return { type: rule.type, start, end: start + match[0].length }
    }
  }
  return null
}

const vendorTokens: Detector = {
  name: 'vendor-token',
  requires: 0,
  keywords: [
    ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'GR1348941'],
    ...['pat', 'dt', 'rt', 'soat', 'ffct', 'ft', 'oas', 'imt', 'agent', 'cbt', 'ptt'].map(
      (kind) => `gl${kind}-`,
    ),
    ...['sk-', 'sk_', 'rk_', 'whsec_', 'xox', 'xapp-', 'hooks.slack.com/', 'AIza', 'A3T', 'AKIA'],
    ...['ASIA', 'ABIA', 'ACCA', 'npm_', 'hf_', 'SG.'],
  ],
  prefilter:
    /gh[pousr]_|github_pat_|gl[a-z]{1,6}-|GR1348941|sk[-_]|rk_|whsec_|xox|xapp-|hooks\.slack|AIza|A3T|AKIA|ASIA|ABIA|ACCA|npm_|hf_|SG\./,
  pattern: `${NOT_AFTER_TOKEN_CHAR}(?:gh[pousr]_|github_pat_|gl(?:pat|dt|rt|soat|ffct|ft|oas|imt|agent|cbt|ptt)-|GR1348941|sk-|sk_|rk_|whsec_|xox[abeoprs][-.]|xapp-|hooks\\.slack\\.com\\/|AIza|A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|npm_|hf_|SG\\.)`,
  classify: (text, start) => matchVendorToken(text, start),
}

const PRIVATE_KEY_BEGIN = '-----BEGIN[ A-Z0-9_-]{0,60}PRIVATE KEY(?: BLOCK)?-----'
const PRIVATE_KEY_START = new RegExp(`^${PRIVATE_KEY_BEGIN}`)
const PRIVATE_KEY_END = /-----END[ A-Z0-9_-]{0,60}-----/g

/** PEM/OpenSSH/PGP private key blocks; an unterminated block (cut text) is redacted to the end. */
const privateKey: Detector = {
  name: 'private-key',
  requires: CharClass.DASH,
  keywords: ['-----BEGIN'],
  prefilter: /-----BEGIN/,
  pattern: PRIVATE_KEY_BEGIN,
  classify(text, start, end) {
    PRIVATE_KEY_END.lastIndex = end
    const close = PRIVATE_KEY_END.exec(text)
    return { type: 'PRIVATE_KEY', start, end: close === null ? text.length : close.index + close[0].length }
  },
}

const JWT_SOURCE = `eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}(?:\\.[A-Za-z0-9_-]*)?={0,2}`
const WHOLE_JWT = new RegExp(`^${JWT_SOURCE}$`)

const BASE64_VALUE = /^[A-Za-z0-9+/_-]{40,}={0,2}$/
/** `-----BEGIN` in base64: a value starting so is worth decoding. */
const BASE64_PEM_START = /^LS0tLS1CRUdJTi/

/**
 * The secret type when `value` is one vendor token, JWT or private key block (also base64-encoded,
 * as in a Kubernetes Secret's `data["tls.key"]`), else null.
 */
export function wholeValueType(value: string): SecretType | null {
  const vendor = matchVendorToken(value, 0)
  if (vendor !== null && vendor.end === value.length) return vendor.type
  if (WHOLE_JWT.test(value) || isJoseToken(value)) return 'JWT'
  if (PRIVATE_KEY_START.test(value)) return 'PRIVATE_KEY'
  const encodedKey =
    BASE64_PEM_START.test(value) &&
    BASE64_VALUE.test(value) &&
    PRIVATE_KEY_START.test(Buffer.from(value.slice(0, 120), 'base64').toString('latin1'))
  return encodedKey ? 'PRIVATE_KEY' : null
}

const jwt: Detector = {
  name: 'jwt',
  requires: CharClass.DOT,
  keywords: ['eyJ'],
  prefilter: /eyJ/,
  pattern: `${NOT_AFTER_TOKEN_CHAR}${JWT_SOURCE}`,
  classify: (_text, start, end) => ({ type: 'JWT', start, end }),
}

const BEARER_CREDENTIAL = /[A-Za-z0-9._~+/-]{8,4096}=*/y
const BASIC_CREDENTIAL = /[A-Za-z0-9+/]{8,4096}={0,2}(?![A-Za-z0-9._~+/-])/y

/** The credential after `Bearer `/`Basic ` at `from`, typed; the scheme word itself stays readable. */
function matchAuthCredential(text: string, scheme: string, from: number): SecretHit | null {
  if (scheme.toLowerCase() === 'bearer') {
    BEARER_CREDENTIAL.lastIndex = from
    const match = BEARER_CREDENTIAL.exec(text)
    if (match === null || !hasDigit(match[0])) return null
    return { type: 'BEARER_TOKEN', start: from, end: from + match[0].length }
  }
  BASIC_CREDENTIAL.lastIndex = from
  const match = BASIC_CREDENTIAL.exec(text)
  if (match === null) return null
  const decoded = Buffer.from(match[0], 'base64').toString('latin1')
  if (!decoded.includes(':') || !/^[\x20-\x7e]+$/.test(decoded)) return null
  return { type: 'BASIC_AUTH', start: from, end: from + match[0].length }
}

const AUTH_SCHEME = /([Bb]earer|BEARER|[Bb]asic|BASIC)[ \t]+/y

const authorizationValue: Detector = {
  name: 'authorization',
  requires: 0,
  keywords: ['bearer', 'basic'],
  prefilter: /[Bb]earer|BEARER|[Bb]asic|BASIC/,
  pattern: `${NOT_AFTER_TOKEN_CHAR}(?:[Bb]earer|BEARER|[Bb]asic|BASIC)[ \\t]+(?=[A-Za-z0-9._~+/-])`,
  classify(text, start, end) {
    AUTH_SCHEME.lastIndex = start
    const scheme = AUTH_SCHEME.exec(text)
    return scheme === null ? null : matchAuthCredential(text, scheme[1]!, end)
  },
}

/** `scheme://user:password@host`: the whole userinfo goes; a long user part alone is a token too. */
const urlCredentials: Detector = {
  name: 'url-credentials',
  requires: CharClass.AT | CharClass.COLON,
  keywords: ['://'],
  prefilter: /:\/\/[^\s/@]*@/,
  pattern: ':\\/\\/[^\\s/?#@"\'<>\\\\]{1,256}@(?=[A-Za-z0-9\\[])',
  classify(text, start, end) {
    const userinfo = text.slice(start + 3, end - 1)
    const isCredential = userinfo.includes(':') || (userinfo.length >= 16 && hasDigit(userinfo))
    if (!isCredential) return null
    const password = userinfo.slice(userinfo.indexOf(':') + 1)
    return { type: wholeValueType(password) ?? 'URL_CREDENTIALS', start: start + 3, end: end - 1 }
  },
}

const AWS_SECRET_VALUE = /^[A-Za-z0-9/+=]{40}$/
const MAX_VALUE = 4096
/** Unquoted values that are code, types or placeholders rather than credentials. */
const NOT_A_VALUE =
  /^(?:true|false|null|nil|none|undefined|str|string|int|number|bool|boolean|bytes|any|object|optional|secretstr|required|omitted|redacted|\*+|x{3,}|<[^>]*>?|\$\{?.*|%.*|\{\{.*|process\.env\b.*|os\.environ\b.*)$/i
const QUOTES = new Set(['"', "'", '`'])
/** Stops at ASCII delimiters and at Chinese full-width punctuation (`密码：abc123，请妥善保管`). */
const UNQUOTED_VALUE = /[^\s"'`,;&<>(){}[\]|，。；、（）【】「」]{1,4096}/y
/** An ODBC value in braces (`PWD={p@ss;word}`), which may hold `;`. */
const BRACED_VALUE = /\{([^}\r\n]{1,4096})\}/y
/** In a connection string a value runs to the next `;` (`Password=my pass;`), spaces included. */
const CONNECTION_VALUE = /[^;\r\n"'`=&]{1,256}(?=;)/y
/** What follows a connection-string value: another `Name=` member. */
const CONNECTION_NEXT = /;[ \t]*[A-Za-z][A-Za-z ]{0,30}=/y
const HEADER_VALUE = /[^\r\n"]{1,4096}/y
const KEY_CHARS = /[A-Za-z0-9_.-]/

interface Span {
  start: number
  end: number
}

/** The span of a connection-string value at `from` that goes on past a space, or null. */
function connectionValueSpan(text: string, from: number, afterSemicolon: boolean): Span | null {
  CONNECTION_VALUE.lastIndex = from
  const match = CONNECTION_VALUE.exec(text)
  if (match === null) return null
  CONNECTION_NEXT.lastIndex = from + match[0].length
  if (!afterSemicolon && !CONNECTION_NEXT.test(text)) return null
  return { start: from, end: from + match[0].trimEnd().length }
}

/**
 * The span of the value after `key:`/`key=` starting at `from`, or null when there is no usable value.
 * `afterSemicolon`: the key is a member of a connection string (`…;Password=…`).
 */
function valueSpan(text: string, from: number, headerStyle: boolean, afterSemicolon = false): Span | null {
  let i = from
  while (i < text.length && (text[i] === '=' || text[i] === '>' || text[i] === ' ' || text[i] === '\t')) i++
  let quote = text[i]
  let escaped = false
  if (quote === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) {
    escaped = true
    quote = text[i + 1]
    i++
  }
  if (quote !== undefined && QUOTES.has(quote)) {
    const start = i + 1
    const limit = Math.min(text.length, start + MAX_VALUE)
    let end = start
    while (end < limit && text[end] !== '\n') {
      if (text[end] === quote && (escaped ? text[end - 1] === '\\' : text[end - 1] !== '\\')) break
      end++
    }
    if (escaped && text[end - 1] === '\\') end--
    const value = text.slice(start, end)
    const bare = value.replace(/[()]/g, '').trim()
    if (bare.length === 0 || /^(?:\$\{|\{\{|<)/.test(value) || NOT_A_VALUE.test(bare)) return null
    return { start, end }
  }
  if (quote === '{' && text[from - 1] === '=' && text[i + 1] !== '{') {
    BRACED_VALUE.lastIndex = i
    const braced = BRACED_VALUE.exec(text)
    if (braced !== null) return { start: i + 1, end: i + 1 + braced[1]!.length }
  }
  const re = headerStyle ? HEADER_VALUE : UNQUOTED_VALUE
  re.lastIndex = i
  const match = re.exec(text)
  if (match === null) return null
  const value = match[0].trimEnd()
  const next = text[i + match[0].length]
  if (value.length === 0 || NOT_A_VALUE.test(value) || (!headerStyle && (next === '(' || next === '[')))
    return null
  if (!headerStyle && (next === ' ' || next === '\t')) {
    const connection = connectionValueSpan(text, i, afterSemicolon)
    if (connection !== null) return connection
  }
  return { start: i, end: i + value.length }
}

/**
 * What the value of a sensitive key is: the credential after `Bearer `/`Basic ` (narrower span), a
 * whole vendor token, JWT or private key, an AWS secret key under an `aws…` key, else SENSITIVE_KEY.
 */
function classifyValue(text: string, start: number, end: number, key: string): SecretHit {
  const value = text.slice(start, end)
  const scheme = /^(Bearer|Basic)[ \t]+/i.exec(value)
  if (scheme !== null) {
    const credential = matchAuthCredential(text, scheme[1]!, start + scheme[0].length)
    if (credential !== null) return credential
  }
  const whole = wholeValueType(value)
  if (whole !== null) return { type: whole, start, end }
  const isAws = /aws/i.test(key) && AWS_SECRET_VALUE.test(value)
  return { type: isAws ? 'AWS_SECRET_KEY' : 'SENSITIVE_KEY', start, end }
}

/** The type to report when the whole value of a sensitive JSON key is replaced. */
export function sensitiveValueType(key: string, value: string): SecretType {
  return classifyValue(value, 0, value.length, key).type
}

/** `:` and `=`, their full-width forms, and Chinese "is" (`密码是…`, `口令为…`). */
const SEPARATOR = '(?:[:=：＝]|是|为)'
const KEY_VALUE_HEAD = new RegExp(`(${TEXT_KEY_WORDS_SOURCE})(?:\\\\?["'])?[ \\t]*${SEPARATOR}`, 'y')

/** `password=…`, `"api_key": "…"`, `Authorization: Bearer …` inside free text; the key stays. */
const keyValue: Detector = {
  name: 'key-value',
  requires: CharClass.SEPARATOR,
  keywords: [
    ...['word', 'wd', 'phrase', 'secret', 'key', 'token', 'tion', 'cookie', 'session', 'credential'],
    ...['auth', 'str', 'dsn', '密码', '口令', '密钥', '秘钥'],
  ],
  prefilter:
    /(?:word|wd|phrase|secret|key|token|tion|cookie|session|session[-_]?id|credentials?|auth|str|string|dsn|密码|口令|[密秘]钥)\\?["']?[ \t]*(?:[:=：＝]|是|为)/i,
  pattern: `(?:${TEXT_KEY_WORDS_SOURCE})(?:\\\\?["'])?[ \\t]*${SEPARATOR}`,
  classify(text, start, end) {
    KEY_VALUE_HEAD.lastIndex = start
    const word = KEY_VALUE_HEAD.exec(text)?.[1] ?? ''
    let keyStart = start
    while (keyStart > 0 && start - keyStart < 64 && KEY_CHARS.test(text[keyStart - 1]!)) keyStart--
    const afterSemicolon = /;[ \t]*$/.test(text.slice(Math.max(0, keyStart - 4), keyStart))
    const span = valueSpan(text, end, isHeaderKeyword(word), afterSemicolon)
    if (span === null) return null
    return classifyValue(text, span.start, span.end, text.slice(keyStart, start + word.length))
  },
}

/** In precedence order: at one position the first alternative that validates wins. */
export const SECRET_DETECTORS: readonly Detector[] = [
  privateKey,
  keyValue,
  urlCredentials,
  jwt,
  jose,
  vendorTokens,
  authorizationValue,
]
