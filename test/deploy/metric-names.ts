import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { packageRoot } from '../../services/platform/paths.js'

/** Every Prometheus metric our services register (prom-client `name: '…'`), with histogram series. */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>(['up'])
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const source = readFileSync(file, 'utf8')
        for (const match of source.matchAll(/\bname: '(mcp_[a-z0-9_]+)'/g)) {
          const name = match[1]!
          names.add(name)
          if (
            /new Histogram\(\{\s*name: '/.test(source.slice(Math.max(0, match.index - 40), match.index + 10))
          ) {
            for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`)
          }
        }
      }
    }
  }
  walk(path.join(packageRoot(), 'services'))
  return names
}

/** Metric names a PromQL expression reads (ours start with mcp_; `up` is Prometheus' own). */
export function metricsInExpr(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""')
  return [...withoutStrings.matchAll(/\b(mcp_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((match) => match[1]!)
}
