import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Span } from '../../services/normalizer/redaction/fixtures.js'
import { createRedactor } from '../../services/normalizer/redaction/index.js'

/** The redaction engine's entry point inside a build's output folder. */
export const REDACTION_ENTRY = path.join('services', 'normalizer', 'redaction', 'index.js')
/** The name of another build's engine in the tables (`--redaction-baseline`). */
export const BASELINE_ENGINE = 'mcp-audit baseline'

/** An engine compared by the redaction benchmark, with its default settings. */
export interface Engine {
  name: string
  redactText(text: string): string
  spans(text: string): Span[]
  redactJson?(doc: unknown): string
}

/** Spans of `redact-pii` output: it replaces values by labels, so align the literal text between labels. */
function alignLabels(original: string, redacted: string, labels: Readonly<Record<string, string>>): Span[] {
  const pattern = new RegExp(Object.keys(labels).join('|'), 'g')
  const pieces: Array<{ literal: string; label?: string }> = []
  let last = 0
  for (const match of redacted.matchAll(pattern)) {
    pieces.push({ literal: redacted.slice(last, match.index), label: match[0] })
    last = match.index + match[0].length
  }
  pieces.push({ literal: redacted.slice(last) })
  const spans: Span[] = []
  let position = 0
  for (let i = 0; i < pieces.length; i++) {
    const { literal, label } = pieces[i]!
    const at = original.indexOf(literal, position)
    position = (at === -1 ? position : at) + literal.length
    if (label === undefined) break
    const next = pieces[i + 1]!.literal
    const end =
      i + 1 === pieces.length - 1 && next === '' ? original.length : original.indexOf(next, position + 1)
    const stop = end === -1 ? original.length : end
    const type = labels[label]
    if (type !== undefined) spans.push({ type, start: position, end: stop })
    position = stop
  }
  return spans
}

/** Our engine, from this build or from another build's output folder. */
function ourEngine(name: string, create: typeof createRedactor): Engine {
  const ours = create({ hmacKey: 'benchmark-key-0123456789' })
  return {
    name,
    redactText: (text) => ours.redactText(text).text,
    spans: (text) => ours.detect(text),
    redactJson: (doc) => ours.redactJson(doc, { maxBytes: 1 << 30 }).json,
  }
}

/**
 * Our engine, the baseline build's when a folder is given (the same `createRedactor` contract,
 * compiled from an earlier commit), and the libraries that are installed.
 */
export async function loadEngines(baseline?: string): Promise<{ engines: Engine[]; missing: string[] }> {
  const engines: Engine[] = [ourEngine('mcp-audit', createRedactor)]
  if (baseline !== undefined) {
    const module = (await import(pathToFileURL(path.join(baseline, REDACTION_ENTRY)).href)) as {
      createRedactor: typeof createRedactor
    }
    engines.push(ourEngine(BASELINE_ENGINE, module.createRedactor))
  }
  const missing: string[] = []
  try {
    const module = (await import('redact-pii')) as typeof import('redact-pii') & {
      default?: typeof import('redact-pii')
    }
    const SyncRedactor = module.SyncRedactor ?? module.default!.SyncRedactor
    const redactor = new SyncRedactor()
    const labels: Record<string, string> = {
      EMAIL_ADDRESS: 'EMAIL',
      PHONE_NUMBER: 'PHONE',
      CREDIT_CARD_NUMBER: 'CREDIT_CARD',
      US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
      IP_ADDRESS: 'IP_ADDRESS',
      PERSON_NAME: 'PERSON',
      STREET_ADDRESS: 'STREET_ADDRESS',
      CREDENTIALS: 'OTHER',
      PASSWORD: 'OTHER',
      USERNAME: 'OTHER',
      ZIPCODE: 'OTHER',
      URL: 'OTHER',
      DIGITS: 'OTHER',
    }
    engines.push({
      name: 'redact-pii',
      redactText: (text) => redactor.redact(text),
      spans: (text) => alignLabels(text, redactor.redact(text), labels),
    })
  } catch (err) {
    missing.push(`redact-pii (${(err as Error).message})`)
  }
  try {
    const { OpenRedaction } = await import('@openredaction/openredaction')
    const detector = new OpenRedaction()
    const exact: Record<string, string> = {
      EMAIL: 'EMAIL',
      CREDIT_CARD: 'CREDIT_CARD',
      IBAN: 'IBAN',
      SSN: 'US_SSN',
      IPV4: 'IP_ADDRESS',
      IPV6: 'IP_ADDRESS',
      NAME: 'PERSON',
    }
    const typeOf = (name: string): string =>
      exact[name] ??
      (name.startsWith('PHONE') ? 'PHONE' : name.startsWith('ADDRESS') ? 'STREET_ADDRESS' : 'OTHER')
    engines.push({
      name: 'openredaction',
      redactText: (text) => detector.detect(text).redacted,
      spans: (text) =>
        detector
          .detect(text)
          .detections.map((d) => ({ type: typeOf(d.type), start: d.position[0], end: d.position[1] })),
    })
  } catch (err) {
    missing.push(`@openredaction/openredaction (${(err as Error).message})`)
  }
  return { engines, missing }
}
