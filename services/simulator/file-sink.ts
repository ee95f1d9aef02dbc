import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'
import type { SimRecord } from './types.js'

/**
 * NDJSON files for offline use: one file (every call as a generic event), or one file per format
 * (`<base>.<format>.ndjson`; Docker per server, `<base>.docker.<server>.ndjson`, since its payloads do
 * not name their server) that can be posted as-is with the matching `?format=`.
 */
export class FileSink {
  private readonly streams = new Map<string, WriteStream>()
  private readonly counts = new Map<string, number>()

  constructor(
    private readonly file: string,
    private readonly perFormat: boolean,
  ) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  }

  private target(record: SimRecord): string {
    if (!this.perFormat) return this.file
    const base = this.file.replace(/\.ndjson$|\.jsonl$/, '')
    const server =
      record.format === 'docker' ? `.${(record.server ?? 'unknown').replace(/[^\w.-]/g, '_')}` : ''
    return `${base}.${record.format}${server}.ndjson`
  }

  async write(record: SimRecord): Promise<void> {
    const file = this.target(record)
    let stream = this.streams.get(file)
    if (!stream) {
      stream = createWriteStream(file, { encoding: 'utf8' })
      this.streams.set(file, stream)
    }
    this.counts.set(file, (this.counts.get(file) ?? 0) + 1)
    if (!stream.write(`${JSON.stringify(record.record)}\n`)) await once(stream, 'drain')
  }

  async close(): Promise<Array<{ file: string; records: number }>> {
    await Promise.all(
      [...this.streams.values()].map(
        (stream) =>
          new Promise<void>((resolve, reject) =>
            stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
          ),
      ),
    )
    return [...this.counts.entries()]
      .map(([file, records]) => ({ file, records }))
      .sort((a, b) => (a.file < b.file ? -1 : 1))
  }
}
