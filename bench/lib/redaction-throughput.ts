import { Worker } from 'node:worker_threads'
import {
  loadMcpTrafficTexts,
  loadPiiCorpus,
  loadPresidioSynth,
  loadSecretsCorpus,
} from '../../services/normalizer/redaction/fixtures.js'
import { generateMcpDocs, type McpDoc } from './redaction-docs.js'
import type { Engine } from './redaction-engines.js'

export interface Throughput {
  stringsPerSecond: number
  megabytesPerSecond: number
  items: number
}

export const ROUNDS = 5
const MIN_MS = 400
const MAX_MS = 1500
export const JSON_LABEL = 'generated MCP JSON (redactJson)'

export interface Inputs {
  docs: McpDoc[]
  docTexts: string[]
  /** Label → strings, in table order. */
  texts: Array<[string, string[]]>
}

/** The same inputs in every thread: the generators are seeded. */
export function throughputInputs(): Inputs {
  const corpus = loadSecretsCorpus()
  const docs = generateMcpDocs(500, corpus.positives)
  const docTexts = docs.map((d) => JSON.stringify(d.doc))
  return {
    docs,
    docTexts,
    texts: [
      ['presidio sentences', loadPresidioSynth().map((r) => r.full_text)],
      ['secrets corpus', [...corpus.positives.map((p) => p.text), ...corpus.negatives.map((n) => n.text)]],
      ['generated MCP JSON (as text)', docTexts],
      ['LiveMCPBench messages', loadMcpTrafficTexts()],
      ['generated PII corpus (zh/en/de/fr)', loadPiiCorpus().map((r) => r.text)],
    ],
  }
}

/** One timed round: at least {@link MIN_MS} and every item once, at most {@link MAX_MS}. */
function measureRound(items: readonly string[], run: (item: string) => unknown): Throughput {
  let count = 0
  let bytes = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < MIN_MS || count < items.length) {
    const item = items[count % items.length]!
    run(item)
    bytes += Buffer.byteLength(item)
    count++
    if ((count & 15) === 0) {
      elapsed = performance.now() - started
      if (elapsed > MAX_MS) break
    }
  }
  elapsed = performance.now() - started
  return {
    stringsPerSecond: Math.round((count / elapsed) * 1000),
    megabytesPerSecond: Number((bytes / elapsed / 1000).toFixed(2)),
    items: count,
  }
}

/** One round of every input for one engine (the worker's side); the first round warms up first. */
export function engineRound(engine: Engine, inputs: Inputs, warm: boolean): Record<string, Throughput> {
  const byText = new Map(inputs.docTexts.map((text, i) => [text, inputs.docs[i]!.doc]))
  const runs: Array<[string, readonly string[], (item: string) => unknown]> = inputs.texts.map(
    ([label, items]) => [label, items, (t: string) => engine.redactText(t)],
  )
  if (engine.redactJson !== undefined)
    runs.push([JSON_LABEL, inputs.docTexts, (t: string) => engine.redactJson!(byText.get(t))])
  const row: Record<string, Throughput> = {}
  for (const [label, items, run] of runs) {
    if (!warm) for (const item of items.slice(0, 50)) run(item)
    if (items.length > 0) row[label] = measureRound(items, run)
  }
  return row
}

/**
 * Best of {@link ROUNDS} rounds per engine and input. Each engine runs alone in a thread of its own
 * (its own heap and compiled code, as in a user's process), and the engines take turns round by
 * round, so a disturbance of the shared machine hits every engine alike.
 */
export async function measureSideBySide(
  engines: readonly string[],
  baseline?: string,
): Promise<Record<string, Record<string, Throughput>>> {
  const workers = engines.map(
    (engine) =>
      new Worker(new URL('./redaction-worker.js', import.meta.url), { workerData: { engine, baseline } }),
  )
  const ask = (worker: Worker, round: number): Promise<Record<string, Throughput>> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.postMessage({ round })
    })
  const best: Record<string, Record<string, Throughput>> = {}
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < engines.length; i++) {
        const row = await ask(workers[i]!, round)
        const kept = (best[engines[i]!] ??= {})
        for (const [label, result] of Object.entries(row))
          if ((kept[label]?.stringsPerSecond ?? 0) < result.stringsPerSecond) kept[label] = result
      }
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
  return best
}
