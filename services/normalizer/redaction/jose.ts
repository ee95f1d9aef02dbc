import { CharClass, NOT_AFTER_TOKEN_CHAR, type Detector } from './detector.js'

/**
 * JOSE tokens (JWS, JWE) recognised by their protected header whatever their payload: the header is
 * base64url JSON whose first member is one of the registered header names, so it starts with one of
 * a few fixed prefixes (`{"alg":` is `eyJhbGciO…`). A JWT whose payload is not JSON, a JWE (five
 * parts) and a detached JWS (`header..signature`) are all caught.
 */
const HEADER_PREFIXES = 'eyJ(?:hbGci|0eXAi|raWQi|lbmMi|jdHki|6aXAi|qd2si|4NXQi|4NWMi|qa3Ui|jcml0Ij)'
const SEGMENT = '[A-Za-z0-9_-]'

/** Header, then one to four more dot-separated segments; each run is bounded and stops at `.`. */
const JOSE_SOURCE = `${HEADER_PREFIXES}${SEGMENT}{0,2048}\\.${SEGMENT}{0,16384}(?:\\.${SEGMENT}{0,16384}){0,3}`
const WHOLE_JOSE = new RegExp(`^${JOSE_SOURCE}$`)

/** A header alone, or a header and a short tail (`eyJhbGciOiJIUzI1NiJ9.` ending a sentence), is not a token. */
function isToken(token: string): boolean {
  const parts = token.split('.')
  const [header, payload = '', ...rest] = parts
  if (header === undefined || header.length < 16) return false
  const signature = rest.at(-1) ?? ''
  return payload.length >= 10 || (parts.length >= 3 && signature.length >= 16)
}

export function isJoseToken(value: string): boolean {
  return WHOLE_JOSE.test(value) && isToken(value)
}

export const jose: Detector = {
  name: 'jose',
  requires: CharClass.DOT,
  keywords: ['eyJ'],
  prefilter: new RegExp(HEADER_PREFIXES),
  pattern: `${NOT_AFTER_TOKEN_CHAR}${JOSE_SOURCE}`,
  classify: (text, start, end) => (isToken(text.slice(start, end)) ? { type: 'JWT', start, end } : null),
}
