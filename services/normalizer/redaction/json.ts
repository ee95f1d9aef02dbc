import { isCredentialLikeKey, isHighEntropySecret } from './entropy.js'
import { jsonExcerpt } from './excerpt.js'
import { isContactKey, keyHint, piiTypeForValue, type KeyHint } from './pii-keys.js'
import { sensitiveValueType, wholeValueType } from './secret-detectors.js'
import { isSensitiveKey, normalizeKey } from './sensitive-keys.js'
import type { Findings, RedactionSettings } from '../../../schemas/redaction.js'
import type { TextRedactor } from './text.js'
import { addFinding } from './types.js'

export interface JsonRedaction {
  /** The redacted value (depth- and string-capped, not cut to the byte budget). */
  value: unknown
  /** `value` serialized, cut to the byte budget as valid JSON when larger. */
  json: string
  findings: Findings
  /** Something was dropped: a subtree past maxDepth, the tail of a long string, or members past the budget. */
  truncated: boolean
  /** UTF-8 size of the input serialized as JSON. */
  originalBytes: number
}

export const DEPTH_PLACEHOLDER = '[TRUNCATED:MAX_DEPTH]'
/** Guard for sizing subtrees the walk does not enter (inputs from JSON.parse cannot be cyclic; others can). */
const MEASURE_DEPTH_LIMIT = 1000

/**
 * Keys repeat across events (`type`, `text`, `content`…): classify each once. Only keys that
 * redaction leaves as they are get cached, so the cache holds nothing the output does not.
 */
const KEY_CACHE_LIMIT = 10_000

interface KeyInfo {
  sensitive: boolean
  /** `signing_key`, `salt`, `密钥`: the value goes when it looks random (entropy.ts). */
  credentialLike: boolean
  contact: boolean
  hint: KeyHint
}

function classifyKey(key: string): KeyInfo {
  const normalized = normalizeKey(key)
  return {
    sensitive: isSensitiveKey(key),
    credentialLike: isCredentialLikeKey(normalized),
    contact: isContactKey(normalized),
    hint: keyHint(normalized),
  }
}

/** Strings JSON writes as they are, one byte a character: printable ASCII but `"` and `\`. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/

/** UTF-8 bytes of `JSON.stringify(text)`, escapes and lone surrogates included. */
function stringJsonBytes(text: string): number {
  return PLAIN_JSON_STRING.test(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text))
}

function primitiveJsonBytes(value: unknown): number {
  if (typeof value === 'string') return stringJsonBytes(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4
  if (typeof value === 'boolean') return value ? 4 : 5
  if (typeof value === 'bigint') return String(value).length
  return 4 // null, and undefined/functions inside arrays
}

function isDropped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

function asJsonValue(value: object): unknown {
  const toJSON = (value as { toJSON?: unknown }).toJSON
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value
}

/** UTF-8 size of `value` serialized as JSON, without redacting it. */
function measure(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object') return primitiveJsonBytes(value)
  if (depth > MEASURE_DEPTH_LIMIT) return 0
  const node = asJsonValue(value)
  if (node === null || typeof node !== 'object') return primitiveJsonBytes(node)
  if (Array.isArray(node)) {
    return node.reduce(
      (sum: number, item) => sum + measure(item, depth + 1),
      2 + Math.max(0, node.length - 1),
    )
  }
  let bytes = 2
  let members = 0
  for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
    if (isDropped(item)) continue
    bytes += stringJsonBytes(key) + 1 + measure(item, depth + 1)
    members++
  }
  return bytes + Math.max(0, members - 1)
}

function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

export function createJsonRedactor(
  settings: RedactionSettings,
  text: TextRedactor,
): (value: unknown, options?: { maxBytes?: number }) => JsonRedaction {
  const disabled = new Set(settings.disabledTypes)
  const keys = new Map<string, KeyInfo>()
  /** Remembers a key in which redaction found nothing: it is stored as it is, and not scanned again. */
  const rememberClean = (key: string, info: KeyInfo): void => {
    if (keys.size >= KEY_CACHE_LIMIT) keys.clear()
    keys.set(key, info)
  }
  return (input, options) => {
    const findings: Findings = {}
    let truncated = false
    let originalBytes = 0

    const redactSensitive = (key: string, value: unknown): unknown => {
      if (value === null || value === '' || typeof value === 'boolean' || isDropped(value)) return value
      const type = typeof value === 'string' ? sensitiveValueType(key, value) : 'SENSITIVE_KEY'
      addFinding(findings, type)
      return text.placeholder(type, typeof value === 'string' ? value : '')
    }

    function walk(value: unknown, depth: number): unknown {
      if (typeof value === 'string') {
        originalBytes += stringJsonBytes(value)
        const result = text.redact(value, findings)
        truncated ||= result.truncated
        return result.text
      }
      if (typeof value === 'bigint') return walk(String(value), depth)
      if (value === null || typeof value !== 'object') {
        originalBytes += primitiveJsonBytes(value)
        if (typeof value === 'number' && !Number.isFinite(value)) return null
        // Long integers can be card numbers, national ids or phone numbers sent as JSON numbers.
        if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e8) {
          const digits = String(value)
          const result = text.redact(digits, findings)
          return result.text === digits ? value : result.text
        }
        return isDropped(value) ? null : value
      }
      if (depth >= settings.maxDepth) {
        originalBytes += measure(value)
        truncated = true
        return DEPTH_PLACEHOLDER
      }
      const node = asJsonValue(value)
      if (node === null || typeof node !== 'object') return walk(node, depth)
      if (Array.isArray(node)) {
        originalBytes += 2 + Math.max(0, node.length - 1)
        return node.map((item) => walk(item, depth + 1))
      }
      const out: Record<string, unknown> = {}
      let members = 0
      const entries = Object.entries(node as Record<string, unknown>)
      // A cached key is known clean; the others are classified here and redacted below.
      const cached = entries.map(([key]) => keys.get(key))
      const infos = entries.map(([key], i) => cached[i] ?? classifyKey(key))
      const besideContact = infos.some((info) => info.contact)
      for (let i = 0; i < entries.length; i++) {
        const [originalKey, item] = entries[i]!
        const info = infos[i]!
        if (isDropped(item)) continue
        // Keys can hold personal data too (a map keyed by email); a key with a finding is replaced.
        let key = originalKey
        if (cached[i] === undefined) {
          key = text.redact(originalKey, findings).text
          if (key === originalKey) rememberClean(originalKey, info)
          else {
            let suffix = 2
            const base = key
            while (Object.hasOwn(out, key)) key = `${base}#${suffix++}`
          }
        }
        originalBytes += stringJsonBytes(originalKey) + 1
        members++
        if (info.sensitive) {
          originalBytes += measure(item)
          setMember(out, key, redactSensitive(originalKey, item))
          continue
        }
        if (info.credentialLike && typeof item === 'string' && isHighEntropySecret(item)) {
          const type = wholeValueType(item) ?? 'GENERIC_SECRET'
          if (!disabled.has(type)) {
            originalBytes += measure(item)
            addFinding(findings, type)
            setMember(out, key, text.placeholder(type, item))
            continue
          }
        }
        const announced =
          info.hint !== null && typeof item === 'string'
            ? piiTypeForValue(info.hint, item, besideContact)
            : null
        if (announced !== null && !disabled.has(announced)) {
          originalBytes += measure(item)
          addFinding(findings, announced)
          setMember(out, key, text.placeholder(announced, item as string))
        } else {
          setMember(out, key, walk(item, depth + 1))
        }
      }
      originalBytes += 2 + Math.max(0, members - 1)
      return out
    }

    const value = walk(input, 0)
    let json = JSON.stringify(value) ?? 'null'
    const maxBytes = options?.maxBytes
    if (maxBytes !== undefined && json.length > maxBytes / 3 && Buffer.byteLength(json) > maxBytes) {
      json = jsonExcerpt(value, maxBytes)
      truncated = true
    }
    return { value, json, findings, truncated, originalBytes }
  }
}
