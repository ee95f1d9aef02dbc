import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { AppConfig } from '../schemas/config.js'
import { GenericEvent } from '../schemas/event.js'
import { SignedExportManifest } from '../schemas/export-manifest.js'
import { EXPORT_SCHEMA_REVISION, ExportRecord } from '../schemas/export-record.js'
import { IngestReceipt, RawEnvelope } from '../schemas/raw-envelope.js'
import { packageRoot } from '../services/platform/paths.js'

/**
 * `npm run schemas`: JSON Schema files generated from the zod schemas, for gateway authors and
 * editors. Written to schemas/json/ (not committed: the zod schemas are the source).
 */
export const JSON_SCHEMAS = {
  'generic-event': { schema: GenericEvent, title: 'mcp-audit generic event (POST /v1/events)' },
  'raw-envelope': { schema: RawEnvelope, title: 'mcp-audit message on mcp.audit.raw' },
  'ingest-receipt': { schema: IngestReceipt, title: 'mcp-audit message on mcp.audit.receipts' },
  'export-record': {
    schema: ExportRecord,
    title: 'mcp-audit export record (what export sinks receive)',
    version: EXPORT_SCHEMA_REVISION,
  },
  'export-manifest': {
    schema: SignedExportManifest,
    title: 'mcp-audit signed manifest of one hour of an S3 export archive',
  },
  config: { schema: AppConfig, title: 'mcp-audit configuration file (mcp-audit.yaml)' },
} as const

export function jsonSchemaOf(name: keyof typeof JSON_SCHEMAS): Record<string, unknown> {
  const entry: { schema: z.ZodType; title: string; version?: string } = JSON_SCHEMAS[name]
  const { schema, title, version } = entry
  return {
    $id: `https://mcp-audit.dev/schemas/${name}.schema.json`,
    title,
    ...(version === undefined ? {} : { version }),
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
  }
}

export function writeJsonSchemas(dir = path.join(packageRoot(), 'schemas', 'json')): string[] {
  mkdirSync(dir, { recursive: true })
  return (Object.keys(JSON_SCHEMAS) as Array<keyof typeof JSON_SCHEMAS>).map((name) => {
    const file = path.join(dir, `${name}.schema.json`)
    writeFileSync(file, `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`)
    return file
  })
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  for (const file of writeJsonSchemas()) console.log(`wrote ${path.relative(process.cwd(), file)}`)
}
