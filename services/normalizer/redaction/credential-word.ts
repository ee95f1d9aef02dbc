import type { Detector } from './detector.js'
import { MAX_SECRET_LENGTH, MIN_SECRET_LENGTH, isHighEntropySecret } from './entropy.js'
import { wholeValueType } from './secret-detectors.js'

/**
 * Words after which a credential is likely: `key`/`Key` as a word or a name's last part
 * (`signing_key`, `tls.key`, `signingKey`, not `monkey` or `keyboard`), `token`, `secret`,
 * `passcode`, `salt`, and their Chinese counterparts. Strong words followed by `:`/`=` are the
 * key-value detector's; this one catches the rest (`token abc…`, `the key is …`, `密钥Xy…`) and
 * redacts only random-looking values (entropy.ts).
 */
const ASCII_WORDS =
  '(?:(?<![A-Za-z])(?:[Kk]ey|KEY|[Tt]oken|TOKEN|[Ss]ecret|SECRET|[Pp]ass(?:code|phrase|word)?|PASS(?:CODE|WORD)?|[Cc]redential|[Ss]alt|[Ss]ignature)|(?<=[a-z0-9])(?:Key|Token|Secret))s?(?![A-Za-z])'
const CJK_WORDS = '(?:[密秘]钥|令牌|口令|密码|凭证|凭据)'

/**
 * What may stand between the word and the value: a closing quote, a separator (`:`, `=`, full-width
 * forms, `is`, 是, 为) and an opening quote, each bounded so that a run of spaces is never re-read.
 */
const SEPARATOR_SOURCE = `(?:\\\\?["'])?[ \\t]{0,3}(?:(?:[:=：＝]|是|为|(?:is|was)(?=[ \\t]))[ \\t]{0,3})?(?:\\\\?["'\`])?`
const SEPARATOR = new RegExp(SEPARATOR_SOURCE, 'y')
const VALUE_CHAR = '[A-Za-z0-9+/=_.~-]'
const VALUE = new RegExp(`${VALUE_CHAR}{1,${MAX_SECRET_LENGTH + 1}}`, 'y')

/**
 * Every accepted hit is a word, a separator and at least MIN_SECRET_LENGTH value characters: most
 * texts that say `key` have no such value after it, and skip this detector.
 */
const PREFILTER = new RegExp(
  `(?:(?:key|token|secret|pass(?:code|phrase|word)?|credential|salt|signature)s?|${CJK_WORDS})${SEPARATOR_SOURCE}${VALUE_CHAR}{${MIN_SECRET_LENGTH}}`,
  'i',
)

export const credentialWord: Detector = {
  name: 'credential-word',
  requires: 0,
  keywords: [
    ...['key', 'token', 'secret', 'pass', 'credential', 'salt', 'signature'],
    ...['密钥', '秘钥', '令牌', '口令', '密码', '凭证', '凭据'],
  ],
  prefilter: PREFILTER,
  pattern: `${ASCII_WORDS}|${CJK_WORDS}`,
  classify(text, start, end) {
    SEPARATOR.lastIndex = end
    const separator = SEPARATOR.exec(text)![0]
    // A Latin word needs something between it and its value (`key123…` is one identifier).
    if (separator.length === 0 && text.charCodeAt(start) < 128) return null
    const from = end + separator.length
    VALUE.lastIndex = from
    const run = VALUE.exec(text)?.[0]
    if (run === undefined || run.length > MAX_SECRET_LENGTH) return null
    const value = run.replace(/\.+$/, '')
    const type = wholeValueType(value) ?? (isHighEntropySecret(value) ? 'GENERIC_SECRET' : null)
    return type === null ? null : { type, start: from, end: from + value.length }
  },
}
