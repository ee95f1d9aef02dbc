/** What a benchmark hands back to the runner: titled tables and notes, rendered as markdown. */

export interface Table {
  headers: string[]
  rows: string[][]
  /** Columns (by index) aligned to the right: the numbers. */
  numeric?: number[]
}

export interface ReportSection {
  title: string
  /** One line saying what the table measures. */
  description?: string
  table: Table
  notes?: string[]
}

export interface BenchmarkReport {
  sections: ReportSection[]
  /** Markdown rendered after the sections, for benchmarks that format their own tables. */
  markdown?: string
  /** Facts about the environment the runner adds to the machine line, such as the Kafka version. */
  environment?: Record<string, string>
  /** What went wrong in a run that still finished (a count mismatch, errors): the runner exits non-zero. */
  problems?: string[]
}

export interface BenchmarkContext {
  /** Short durations for a smoke run; the figures are not comparable with a full run. */
  quick: boolean
  /** Progress for the person watching (stderr); never part of the report. */
  progress: (message: string) => void
  /** Registers a clean-up step; steps run in reverse order after the benchmark, also on failure or Ctrl-C. */
  defer: (name: string, step: () => Promise<void> | void) => void
  /** Another build's output folder (`dist`) whose redaction engine runs beside ours (`--redaction-baseline`). */
  redactionBaseline?: string
}

export interface Benchmark {
  name: string
  summary: string
  run: (ctx: BenchmarkContext) => Promise<BenchmarkReport>
}

export function markdownTable({ headers, rows, numeric = [] }: Table): string {
  const right = new Set(numeric)
  const cell = (text: string) => text.replaceAll('|', '\\|')
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  const rule = headers.map((_, index) => (right.has(index) ? '---:' : '---'))
  return [line(headers), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n')
}

export function renderSections(sections: readonly ReportSection[], level = '###'): string {
  return sections
    .map((section) =>
      [
        `${level} ${section.title}`,
        '',
        ...(section.description ? [section.description, ''] : []),
        markdownTable(section.table),
        ...(section.notes && section.notes.length > 0
          ? ['', ...section.notes.map((note) => `- ${note}`)]
          : []),
      ].join('\n'),
    )
    .join('\n\n')
}
