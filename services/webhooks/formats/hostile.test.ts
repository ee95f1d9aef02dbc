import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../schemas/alert.js'
import type { WebhookConfig, WebhookFormat } from '../../../schemas/webhooks.js'
import { renderWebhook } from '../formats.js'
import type { ReportReady } from '../messages.js'

/**
 * A sender controls tool, server and session names, and so the summary built from them: each format
 * must show them as text, never as markup of the receiver (links, mentions, emphasis, HTML, forged
 * lines, templates), and bounded in length.
 */

const MARKUP = [
  '[x](http://evil.example/phish)',
  '*bold* _italic_ ~strike~ **strong**',
  '<@channel> <!here> <!channel> <https://evil.example|click>',
  '<b>html</b><script>alert(1)</script>&amp;',
  '`code` ```block```',
  '{{DATE(2017-02-14T06:08:00Z, SHORT)}}',
].join(' ')
/** Forged lines and a right-to-left override ("exe.txt" read backwards). */
const HOSTILE = `${MARKUP}\nSeverity: low\r\n# Heading\n- item\u202Etxt.exe\u0007 ${'A'.repeat(20_000)}`

function hostileAlert(): Alert {
  return {
    alert_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    tenant_id: 'acme',
    rule: {
      id: 'mcp-path-traversal',
      title: 'Path traversal in tool arguments',
      severity: 'high',
      tags: ['owasp-mcp:MCP05'],
      kind: 'match',
    },
    group: { server_name: HOSTILE, tool: HOSTILE, session_id: HOSTILE },
    count: 3,
    value: null,
    first_seen: '2026-11-24T10:00:00.123Z',
    last_seen: '2026-11-24T10:02:00.456Z',
    sample_event_ids: ['e1'],
    summary: `Path traversal in tool arguments: 3 event(s) for server_name=${HOSTILE}, tool=${HOSTILE}`,
    status: 'open',
    created_at: '2026-11-24T10:00:01.000Z',
    url: 'https://audit.example.com/#/alerts/a1b2c3d4e5f60718293a4b5c6d7e8f90',
  }
}

const NOW = new Date('2026-11-24T10:00:05.900Z')

function render(format: WebhookFormat, message?: { type: 'report.ready'; data: ReportReady }): unknown {
  const webhook: WebhookConfig = {
    name: 'sec',
    url: 'https://hooks.example.com/in',
    format,
    minSeverity: 'medium',
    ...(format === 'pagerduty' ? { secret: 'routing-key' } : {}),
  }
  return JSON.parse(
    renderWebhook(message ?? { type: 'alert.fired', data: hostileAlert() }, webhook, NOW)!.body,
  )
}

interface Placed {
  /** The nearest enclosing object's `type` (Slack and Adaptive Card elements carry one). */
  type: string | undefined
  key: string
  text: string
}

/** Every string in a body with where it sits. */
function strings(value: unknown, type?: string, key = ''): Placed[] {
  if (typeof value === 'string') return [{ type, key, text: value }]
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, type, key))
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>
    const own = typeof record.type === 'string' ? record.type : type
    return Object.entries(record).flatMap(([name, item]) => strings(item, own, name))
  }
  return []
}

/** The strings that carry the sender's text. */
const hostile = (body: unknown) => strings(body).filter((placed) => placed.text.includes('evil.example'))

function expectPlainLines(placed: Placed[], max: number): void {
  expect(placed.length).toBeGreaterThan(0)
  for (const { text } of placed) {
    expect(text).not.toMatch(/[\p{Cc}\p{Bidi_Control}]/u)
    expect(text.length).toBeLessThanOrEqual(max)
    expect(text).toContain('Severity: low') // the forged line is text on the same line
  }
}

describe('a hostile tool or server name in each format', () => {
  it('slack: only in rich_text text elements and plain_text, never in mrkdwn or the notification text', () => {
    const body = render('slack') as { text: string }
    const placed = hostile(body)
    expect(new Set(placed.map(({ type, key }) => `${type}.${key}`))).toEqual(new Set(['text.text']))
    expect(strings(body).filter((placed) => placed.type === 'mrkdwn')).toEqual([])
    expect(body.text).not.toMatch(/[<>]/)
    expect(body.text).not.toContain('evil')
    expectPlainLines(placed, 3000)
  })

  it('teams: only in TextRuns, never in a Markdown TextBlock or FactSet, templates broken', () => {
    const body = render('teams')
    const placed = hostile(body)
    expect(new Set(placed.map(({ type, key }) => `${type}.${key}`))).toEqual(new Set(['TextRun.text']))
    const types = new Set(strings(body).map((placed) => placed.type))
    expect(types.has('TextBlock')).toBe(false)
    expect(types.has('FactSet')).toBe(false)
    for (const { text } of placed) expect(text).not.toContain('{{')
    expectPlainLines(placed, 3000)
  })

  it('pagerduty: summary, source and component are single plain lines within their limits', () => {
    const { payload } = render('pagerduty') as { payload: Record<string, string> }
    expectPlainLines([{ type: undefined, key: 'summary', text: payload.summary! }], 1024)
    expectPlainLines([{ type: undefined, key: 'source', text: payload.source! }], 255)
    expectPlainLines([{ type: undefined, key: 'component', text: payload.component! }], 255)
  })

  it('alertmanager: labels and annotations are single plain lines within bounds', () => {
    const { alerts } = render('alertmanager') as {
      alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>
    }
    const [sent] = alerts
    for (const name of ['server_name', 'tool', 'session_id']) {
      expectPlainLines([{ type: undefined, key: name, text: sent!.labels[name]! }], 1024)
    }
    expectPlainLines([{ type: undefined, key: 'summary', text: sent!.annotations.summary! }], 4096)
    expectPlainLines([{ type: undefined, key: 'description', text: sent!.annotations.description! }], 4096)
  })

  it('standard: the data as it is, as JSON (a receiver reads fields, not markup)', () => {
    expect((render('standard') as { data: Alert }).data).toEqual(hostileAlert())
  })

  it('report notices to chat: a hostile report name is literal text there too', () => {
    const report: ReportReady = {
      report_id: 'rpt_1',
      tenant_id: 'acme',
      name: HOSTILE,
      period_from: '2026-11-16T23:00:00.000Z',
      period_to: '2026-11-23T23:00:00.000Z',
      timezone: 'UTC',
      checks: { pass: 1, warn: 0, fail: 0 },
      manifest_sha256: 'a'.repeat(64),
      links: { pdf: 'https://audit.example.com/api/v1/reports/rpt_1/pdf' },
      created_at: '2026-11-24T06:00:03.000Z',
    }
    const message = { type: 'report.ready', data: report } as const
    const slack = render('slack', message) as { text: string }
    expect(new Set(hostile(slack).map(({ type, key }) => `${type}.${key}`))).toEqual(new Set(['text.text']))
    expect(slack.text).not.toContain('evil')
    expectPlainLines(hostile(slack), 3000)
    const teams = render('teams', message)
    expect(new Set(hostile(teams).map(({ type, key }) => `${type}.${key}`))).toEqual(
      new Set(['TextRun.text']),
    )
    expectPlainLines(hostile(teams), 3000)
  })
})
