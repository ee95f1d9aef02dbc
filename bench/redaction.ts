import os from 'node:os'
import {
  PII_CORPUS_TYPES,
  PRESIDIO_TYPES,
  loadPiiCorpus,
  loadPresidioSynth,
  loadSecretsCorpus,
  scoreSpans,
  type TypeScore,
} from '../services/normalizer/redaction/fixtures.js'
import type { Labelled } from './lib/redaction-docs.js'
import { BASELINE_ENGINE, loadEngines, type Engine } from './lib/redaction-engines.js'
import { JSON_LABEL, ROUNDS, measureSideBySide, throughputInputs } from './lib/redaction-throughput.js'

/**
 * Redaction engines side by side on the same inputs: ours, `redact-pii` (SyncRedactor) and
 * `@openredaction/openredaction`, all with default settings. Reports throughput (strings/s, MB/s of
 * UTF-8 input), per-type recall/precision on presidio-research's labelled sentences (span overlap),
 * leak-free recall on the synthetic secrets corpus and on generated MCP tool-call JSON, and how many
 * hard negatives each engine changed. Libraries see JSON documents serialized to text (they have no
 * JSON walker); ours is measured both ways.
 */

const QUALITY_TYPES = Object.values(PRESIDIO_TYPES)

const pct = (value: number | null): string => (value === null ? '–' : (value * 100).toFixed(1))

function leakRecall(
  engine: Engine,
  cases: ReadonlyArray<{ labelled: Labelled[]; output: (e: Engine) => string }>,
) {
  const perType: Record<string, { total: number; gone: number }> = {}
  for (const item of cases) {
    const output = item.output(engine)
    for (const { type, value } of item.labelled) {
      const slot = (perType[type] ??= { total: 0, gone: 0 })
      slot.total++
      if (!output.includes(value) && !output.includes(JSON.stringify(value).slice(1, -1))) slot.gone++
    }
  }
  return perType
}

export async function redactionBenchmark(baseline?: string): Promise<{ markdown: string; results: unknown }> {
  const { engines, missing } = await loadEngines(baseline)
  const corpus = loadSecretsCorpus()
  const presidio = loadPresidioSynth()
  const piiCorpus = loadPiiCorpus()
  const { docs, docTexts, texts: inputs } = throughputInputs()
  const throughput = await measureSideBySide(
    engines.map((engine) => engine.name),
    baseline,
  )

  const quality: Record<string, Record<string, TypeScore>> = {}
  for (const engine of engines) {
    quality[engine.name] = scoreSpans(
      presidio.map((record) => ({
        gold: record.spans.flatMap((s) =>
          PRESIDIO_TYPES[s.entity_type] === undefined
            ? []
            : [{ type: PRESIDIO_TYPES[s.entity_type]!, start: s.start_position, end: s.end_position }],
        ),
        predicted: engine.spans(record.full_text),
      })),
      QUALITY_TYPES,
    )
  }

  const piiQuality: Record<string, Record<string, TypeScore>> = {}
  for (const engine of engines) {
    piiQuality[engine.name] = scoreSpans(
      piiCorpus.map((record) => ({ gold: record.spans, predicted: engine.spans(record.text) })),
      PII_CORPUS_TYPES,
    )
  }

  const secrets: Record<
    string,
    { perType: Record<string, { total: number; gone: number }>; negativesChanged: number }
  > = {}
  const mcp: Record<string, Record<string, { total: number; gone: number }>> = {}
  for (const engine of engines) {
    secrets[engine.name] = {
      perType: leakRecall(
        engine,
        corpus.positives.map((p) => ({
          labelled: [{ type: p.type, value: p.secret }],
          output: (e: Engine) => e.redactText(p.text),
        })),
      ),
      negativesChanged: corpus.negatives.filter((n) => engine.redactText(n.text) !== n.text).length,
    }
    mcp[engine.name] = leakRecall(
      engine,
      docs.map((d, i) => ({
        labelled: d.values,
        output: (e: Engine) => (e.redactJson ?? ((_doc: unknown) => e.redactText(docTexts[i]!)))(d.doc),
      })),
    )
  }

  const names = engines.map((e) => e.name)
  const lines: string[] = ['## Redaction', '']
  lines.push(
    `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}); ` +
      `one thread; default settings for every engine; throughput is the best of ${ROUNDS} rounds, each engine in a thread of its own, the engines taking turns round by round.`,
  )
  lines.push(
    'presidio-synth-v2 and LiveMCPBench are third-party; the secrets corpus and the MCP documents are generated here, ' +
      'next to the rules they test, so their scores are a regression check rather than an independent evaluation.',
  )
  if (missing.length > 0) lines.push(`Not measured (not installed): ${missing.join(', ')}.`)
  if (baseline !== undefined)
    lines.push(`\`${BASELINE_ENGINE}\` is the engine of another build, loaded from \`${baseline}\`.`)
  // Our engines, each with its ratio to redact-pii.
  const ratioed = names.filter((name) => name === names[0] || name === BASELINE_ENGINE)
  lines.push(
    '',
    '### Throughput (strings/s · MB/s)',
    '',
    `| input | ${names.join(' | ')} | ${ratioed.map((name) => `${name} ÷ redact-pii`).join(' | ')} |`,
    `| --- |${names.map(() => ' ---: |').join('')}${ratioed.map(() => ' ---: |').join('')}`,
  )
  for (const label of [...inputs.map(([l]) => l), JSON_LABEL]) {
    const cells = names.map((n) => {
      const t = throughput[n]?.[label]
      return t === undefined ? '–' : `${t.stringsPerSecond.toLocaleString('en-US')} · ${t.megabytesPerSecond}`
    })
    const theirs = throughput['redact-pii']?.[label]?.stringsPerSecond
    const ratios = ratioed.map((name) => {
      const ours = throughput[name]?.[label]?.stringsPerSecond
      return ours === undefined || theirs === undefined ? '–' : `${(ours / theirs).toFixed(1)}×`
    })
    if (cells.some((c) => c !== '–'))
      lines.push(`| ${label} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`)
  }
  lines.push(
    '',
    `### presidio-synth-v2 (${presidio.length} sentences), span overlap: recall / precision %`,
    '',
  )
  lines.push(`| type | ${names.join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`)
  for (const type of QUALITY_TYPES) {
    lines.push(
      `| ${type} | ${names.map((n) => `${pct(quality[n]![type]!.recall)} / ${pct(quality[n]![type]!.precision)}`).join(' | ')} |`,
    )
  }
  lines.push(
    '',
    `### Generated PII corpus (${piiCorpus.length} records: Chinese, English, German, French, mixed; look-alikes planted), span overlap: recall / precision %`,
    '',
    'Neither library names a Chinese type (ids, USCC, permits, addresses): they score – there, or 0 where their PHONE, PERSON or CREDIT_CARD rules apply.',
    '',
  )
  lines.push(`| type | ${names.join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`)
  for (const type of PII_CORPUS_TYPES) {
    lines.push(
      `| ${type} | ${names.map((n) => `${pct(piiQuality[n]![type]!.recall)} / ${pct(piiQuality[n]![type]!.precision)}`).join(' | ')} |`,
    )
  }
  lines.push(
    '',
    `### Secrets corpus: leak-free recall % per type (${corpus.positives.length} positives), hard negatives changed`,
    '',
  )
  lines.push(`| type | ${names.join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`)
  for (const type of [...new Set(corpus.positives.map((p) => p.type))]) {
    lines.push(
      `| ${type} | ${names
        .map((n) => {
          const s = secrets[n]!.perType[type]!
          return pct(s.gone / s.total)
        })
        .join(' | ')} |`,
    )
  }
  lines.push(
    `| negatives changed (of ${corpus.negatives.length}) | ${names.map((n) => secrets[n]!.negativesChanged).join(' | ')} |`,
  )
  lines.push(
    '',
    `### Generated MCP tool calls (${docs.length} JSON documents): leak-free recall % per type`,
    '',
  )
  lines.push(`| type | ${names.join(' | ')} |`, `| --- |${names.map(() => ' ---: |').join('')}`)
  for (const type of Object.keys(mcp[names[0]!]!).sort()) {
    lines.push(
      `| ${type} | ${names
        .map((n) => {
          const s = mcp[n]![type]
          return s === undefined ? '–' : pct(s.gone / s.total)
        })
        .join(' | ')} |`,
    )
  }
  return { markdown: lines.join('\n'), results: { throughput, quality, piiQuality, secrets, mcp, missing } }
}
