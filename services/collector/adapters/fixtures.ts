import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JsonObject } from './shared.js'
import type { AdaptOutcome, AdapterContext, AdapterName } from './types.js'

/** Test support: the repository root, the gateway fixtures and the third-party corpora. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const FIXTURE_DIR = join(REPO_ROOT, 'test/fixtures/gateways')
export const CORPORA_DIR = join(REPO_ROOT, 'test/fixtures/corpora')

/** The fixture file of each adapter: NDJSON, or JSON for multi-record bodies. */
export const FIXTURE_FILES: Record<AdapterName, string> = {
  generic: 'generic.ndjson',
  toolhive: 'toolhive.ndjson',
  agentgateway: 'agentgateway.ndjson',
  envoy: 'envoy.ndjson',
  kong: 'kong.json',
  contextforge: 'contextforge.ndjson',
  mcpx: 'mcpx.ndjson',
  docker: 'docker.ndjson',
  otlp: 'otlp.json',
}

export const TEST_CONTEXT: AdapterContext = { receivedAt: '2026-12-01T08:00:00.000Z' }

/** The records of a fixture file: one per NDJSON line, the elements of a JSON array, or the JSON value. */
export function loadFixture(format: AdapterName): unknown[] {
  const file = FIXTURE_FILES[format]
  const body = readFileSync(join(FIXTURE_DIR, file), 'utf8')
  if (file.endsWith('.ndjson')) {
    return body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown)
  }
  const value = JSON.parse(body) as unknown
  return Array.isArray(value) ? value : [value]
}

/** The events of an `ok` outcome; an `invalid` outcome fails the test with its path and message. */
export function eventsOf(outcome: AdaptOutcome): JsonObject[] {
  if (outcome.kind !== 'ok')
    throw new Error(`expected ok, got invalid at "${outcome.path}": ${outcome.message}`)
  return outcome.events as JsonObject[]
}
