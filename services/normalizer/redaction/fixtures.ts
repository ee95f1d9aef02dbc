import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Loaders for the labelled corpora used by the quality tests and the benchmark. Not used by the
 * redactor itself. Paths resolve from the repository root, found by walking up from this file, so
 * they work from sources (vitest) and from `dist/` alike.
 */

export interface PresidioSpan {
  entity_type: string
  entity_value: string
  start_position: number
  end_position: number
}

export interface PresidioRecord {
  full_text: string
  spans: PresidioSpan[]
}

export interface SecretPositive {
  type: string
  text: string
  secret: string
}

export interface SecretNegative {
  text: string
  why: string
}

export interface SecretsCorpus {
  positives: SecretPositive[]
  negatives: SecretNegative[]
}

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
  return dir
}

const CORPORA_DIR = path.join(repoRoot(), 'test', 'fixtures', 'corpora')
/** presidio-research's synthetic dataset (test/fixtures/corpora/README.md says what was kept). */
const PRESIDIO_SYNTH_PATH = path.join(CORPORA_DIR, 'presidio-research', 'presidio-synth-v2.json')
export const SECRETS_CORPUS_PATH = path.join(repoRoot(), 'test', 'fixtures', 'secrets', 'corpus.json')
/** Our generated, labelled corpus of Chinese, European and mixed MCP text (scripts/redaction/generate-pii-corpus.ts). */
const PII_CORPUS_PATH = path.join(repoRoot(), 'test', 'fixtures', 'pii-corpus', 'corpus.json')
/** Recorded real MCP tool calls and results (LiveMCPBench), unlabelled. */
const MCP_TRAFFIC_PATH = path.join(CORPORA_DIR, 'livemcpbench', 'livemcpbench-claude-sonnet-4.json')

export function loadPresidioSynth(): PresidioRecord[] {
  return JSON.parse(readFileSync(PRESIDIO_SYNTH_PATH, 'utf8')) as PresidioRecord[]
}

export interface PiiCorpusRecord {
  text: string
  spans: Array<Span & { value: string }>
  /** Look-alikes planted in the text that must survive redaction. */
  keep: string[]
}

export function loadPiiCorpus(): PiiCorpusRecord[] {
  return JSON.parse(readFileSync(PII_CORPUS_PATH, 'utf8')) as PiiCorpusRecord[]
}

/** The types the generated corpus labels. */
export const PII_CORPUS_TYPES = [
  'PHONE',
  'PERSON',
  'EMAIL',
  'IP_ADDRESS',
  'CREDIT_CARD',
  'CN_BANK_CARD',
  'CN_RESIDENT_ID',
  'CN_PASSPORT',
  'CN_TRAVEL_PERMIT',
  'CN_USCC',
  'CN_ADDRESS',
  'STREET_ADDRESS',
] as const

export function loadSecretsCorpus(): SecretsCorpus {
  const raw = JSON.parse(readFileSync(SECRETS_CORPUS_PATH, 'utf8')) as {
    positives: Array<{ type: string; template: string; secretParts: string[] }>
    negatives: Array<{ why: string; textParts: string[] }>
  }
  return {
    positives: raw.positives.map(({ type, template, secretParts }) => {
      const secret = secretParts.join('')
      return { type, secret, text: template.replace('{{secret}}', secret) }
    }),
    negatives: raw.negatives.map(({ why, textParts }) => ({ why, text: textParts.join('') })),
  }
}

/** Every tool-call argument string and message content of the recorded MCP sessions. */
export function loadMcpTrafficTexts(): string[] {
  const sessions = JSON.parse(readFileSync(MCP_TRAFFIC_PATH, 'utf8')) as Array<{
    messages: Array<{ content?: unknown; tool_calls?: Array<{ function?: { arguments?: unknown } }> }>
  }>
  const texts: string[] = []
  for (const session of sessions) {
    for (const message of session.messages) {
      if (typeof message.content === 'string' && message.content.length > 0) texts.push(message.content)
      for (const call of message.tool_calls ?? []) {
        if (typeof call.function?.arguments === 'string') texts.push(call.function.arguments)
      }
    }
  }
  return texts
}

/** Maps presidio-research entity names to ours. */
export const PRESIDIO_TYPES: Readonly<Record<string, string>> = {
  EMAIL_ADDRESS: 'EMAIL',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'US_SSN',
  PHONE_NUMBER: 'PHONE',
  IP_ADDRESS: 'IP_ADDRESS',
  PERSON: 'PERSON',
  STREET_ADDRESS: 'STREET_ADDRESS',
}

export interface TypeScore {
  /** Gold spans overlapped by a prediction of the same type. */
  truePositives: number
  falseNegatives: number
  /** Predictions overlapping a gold span of the same type. */
  correctPredictions: number
  falsePositives: number
  /** null when there is no gold span of the type. */
  recall: number | null
  /** null when nothing of the type was predicted. */
  precision: number | null
}

export interface Span {
  type: string
  start: number
  end: number
}

/**
 * Span-overlap scoring per type: a gold span is found when a prediction of the same type overlaps it;
 * a prediction is correct when it overlaps a gold span of the same type. Gold spans of types outside
 * `types` are ignored, so a prediction on them counts as a false positive.
 */
export function scoreSpans(
  records: ReadonlyArray<{ gold: Span[]; predicted: Span[] }>,
  types: readonly string[],
): Record<string, TypeScore> {
  const scores: Record<string, TypeScore> = {}
  for (const type of types) {
    scores[type] = {
      truePositives: 0,
      falseNegatives: 0,
      correctPredictions: 0,
      falsePositives: 0,
      recall: null,
      precision: null,
    }
  }
  const overlaps = (a: Span, b: Span): boolean => a.type === b.type && a.start < b.end && b.start < a.end
  for (const { gold, predicted } of records) {
    for (const span of gold) {
      const score = scores[span.type]
      if (score === undefined) continue
      if (predicted.some((p) => overlaps(p, span))) score.truePositives++
      else score.falseNegatives++
    }
    for (const span of predicted) {
      const score = scores[span.type]
      if (score === undefined) continue
      if (gold.some((g) => overlaps(g, span))) score.correctPredictions++
      else score.falsePositives++
    }
  }
  for (const score of Object.values(scores)) {
    const found = score.truePositives + score.falseNegatives
    const predicted = score.correctPredictions + score.falsePositives
    score.recall = found === 0 ? null : score.truePositives / found
    score.precision = predicted === 0 ? null : score.correctPredictions / predicted
  }
  return scores
}
