/**
 * Key names whose value is a credential whatever it looks like. A key is compared after lower-casing
 * and dropping `-`, `_`, `.` and spaces, so `Client-Secret`, `client_secret` and `clientSecret` agree.
 * A key is sensitive when it equals one of these or ends with one (`db_password`, `GITHUB_TOKEN`,
 * `x-api-key`): suffix matching catches prefixed names without flagging `max_tokens`, `token_count`
 * or `passwordPolicy`.
 */
const SENSITIVE_SUFFIXES = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'privatekey',
  'secretkey',
  'accesskey',
  'accountkey',
  'session',
  'sessionid',
  'sessionkey',
  'credential',
  'credentials',
  'signature',
  'tlskey',
  'sshkey',
  'connectionstring',
  'connstring',
  'connstr',
  'dsn',
  // Chinese: password, pass phrase, secret key (秘钥 is a common variant spelling of 密钥).
  '密码',
  '口令',
  '密钥',
  '秘钥',
]

/** Names that are sensitive only on their own: `auth` but not `oauth`, `pin` but not `spin`. */
const SENSITIVE_EXACT = new Set(['auth', 'pin', 'cvv', 'cvc', 'otp', 'sid', 'jwt'])

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '')
}

export function isSensitiveKey(key: string): boolean {
  const normalized = normalizeKey(key)
  if (SENSITIVE_EXACT.has(normalized)) return true
  for (const suffix of SENSITIVE_SUFFIXES) {
    if (normalized.endsWith(suffix)) return true
  }
  return false
}

/** Makes every lower-case letter outside a character class match either case. */
function anyCase(source: string): string {
  let out = ''
  let inClass = false
  for (const char of source) {
    if (char === '[') inClass = true
    else if (char === ']') inClass = false
    out += !inClass && char >= 'a' && char <= 'z' ? `[${char}${char.toUpperCase()}]` : char
  }
  return out
}

/**
 * Words that end a sensitive key inside free text (`password=`, `"apiKey": `, `Authorization:`),
 * written so that the separator must follow immediately: `token_count:` and `passwordless=` do not
 * match. `auth` must not follow a letter (`oauth:` is a section name, not a credential).
 */
export const TEXT_KEY_WORDS_SOURCE = anyCase(
  [
    'password',
    'passwd',
    'pwd',
    'passphrase',
    'secret(?:[-_]?key)?',
    'token',
    'api[-_]?key',
    'authorization',
    'cookie',
    'private[-_]?key',
    'access[-_]?key',
    'account[-_]?key',
    'session(?:[-_]?(?:id|key))?',
    'credentials?',
    '(?<![A-Za-z])auth',
    'tls[-_.]?key',
    'ssh[-_]?key',
    'conn(?:ection)?[-_]?str(?:ing)?',
    '(?<![A-Za-z])dsn',
    '密码',
    '口令',
    '[密秘]钥',
  ].join('|'),
)

/** Keywords whose value is a whole connection string: it runs to the end of the line, `;` included. */
const CONNECTION_KEYWORD = /^(?:conn(?:ection)?[-_]?str(?:ing)?|dsn)$/i

/** Keywords whose value runs to the end of the line (HTTP headers, connection strings), not to the next delimiter. */
export function isHeaderKeyword(word: string): boolean {
  const lower = word.toLowerCase()
  return lower === 'authorization' || lower === 'cookie' || CONNECTION_KEYWORD.test(lower)
}
