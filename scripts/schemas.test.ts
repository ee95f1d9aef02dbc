import { describe, expect, it } from 'vitest'
import { JSON_SCHEMAS, jsonSchemaOf } from './schemas.js'

describe('npm run schemas', () => {
  it('generates every JSON Schema from its zod schema', () => {
    for (const name of Object.keys(JSON_SCHEMAS) as Array<keyof typeof JSON_SCHEMAS>) {
      expect(jsonSchemaOf(name)).toMatchObject({ $id: `https://mcp-audit.dev/schemas/${name}.schema.json` })
    }
  })

  it('documents the export record: its versioned schema name, the event id to deduplicate on, nulls for absent values', () => {
    const schema = jsonSchemaOf('export-record') as {
      oneOf?: Array<{ properties: Record<string, { const?: unknown }>; required: string[] }>
      anyOf?: Array<{ properties: Record<string, { const?: unknown }>; required: string[] }>
    }
    const [event] = schema.oneOf ?? schema.anyOf ?? []
    expect(event?.properties.schema?.const).toBe('mcp-audit.export')
    expect(event?.properties.v?.const).toBe(1)
    expect(event?.properties.kind?.const).toBe('event')
    expect(event?.required).toEqual(
      expect.arrayContaining(['id', 'tenant_id', 'time', 'mcp', 'user', 'position']),
    )
    expect(JSON.stringify(event?.properties.trace_id)).toContain('null')
  })

  it('documents the record kinds event, alert and report under one revision, each with the id to deduplicate on', () => {
    const schema = jsonSchemaOf('export-record') as {
      version?: string
      oneOf?: Array<{ properties: Record<string, { const?: unknown }>; required: string[] }>
      anyOf?: Array<{ properties: Record<string, { const?: unknown }>; required: string[] }>
    }
    expect(schema.version).toBe('1.1')
    const kinds = (schema.oneOf ?? schema.anyOf ?? []).map((variant) => variant.properties.kind?.const)
    expect(kinds).toEqual(['event', 'alert', 'report'])
    for (const variant of schema.oneOf ?? schema.anyOf ?? []) {
      expect(variant.properties.v?.const).toBe(1)
      expect(variant.required).toEqual(expect.arrayContaining(['id', 'tenant_id', 'time']))
    }
  })
})
