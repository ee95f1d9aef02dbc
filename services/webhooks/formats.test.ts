import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../schemas/alert.js'
import type { IntegrityAnchor } from '../../schemas/integrity-anchor.js'
import type { WebhookConfig } from '../../schemas/webhooks.js'
import { renderWebhook, supportsFormat, type RenderedWebhook } from './formats.js'
import { toIso } from './formats/common.js'
import { pagerDutyDedupKey } from './formats/pagerduty.js'
import { deliveryId, type ReportReady } from './messages.js'
import { decodeStandardSecret, signStandardWebhook, verifyStandardWebhook } from './signing.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    alert_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    tenant_id: 'acme',
    rule: {
      id: 'mcp-path-traversal',
      title: 'Path traversal in tool arguments',
      severity: 'high',
      tags: ['owasp-mcp:MCP05', 'attack.t1083'],
      kind: 'match',
    },
    group: { server_name: 'filesystem', tool: 'read_file' },
    count: 3,
    value: null,
    first_seen: '2026-11-24T10:00:00.123Z',
    last_seen: '2026-11-24T10:02:00.456Z',
    sample_event_ids: ['e1', 'e2', 'e3'],
    summary: 'Path traversal in tool arguments: 3 event(s) for server_name=filesystem, tool=read_file',
    status: 'open',
    created_at: '2026-11-24T10:00:01.000Z',
    url: 'https://audit.example.com/#/alerts/a1b2c3d4e5f60718293a4b5c6d7e8f90',
    ...overrides,
  }
}

function webhook(overrides: Partial<WebhookConfig>): WebhookConfig {
  return {
    name: 'sec',
    url: 'https://hooks.example.com/in',
    format: 'standard',
    minSeverity: 'medium',
    ...overrides,
  }
}

const NOW = new Date('2026-11-24T10:00:05.900Z')

function renderAlert(alert: Alert, target: WebhookConfig, now: Date): RenderedWebhook {
  return renderWebhook({ type: 'alert.fired', data: alert }, target, now)!
}

/** The Standard Webhooks reference algorithm, written out independently of the code under test. */
function referenceSignature(id: string, timestamp: string, body: string, secret: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
}

describe('standard (Standard Webhooks 1.0.0)', () => {
  it('signs "{id}.{timestamp}.{body}" like the reference library (its published test vector)', () => {
    expect(
      signStandardWebhook('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}', SECRET),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  })

  it('sends alert.fired with the alert as data and headers a receiver verifies', () => {
    const alert = sampleAlert()
    const rendered = renderAlert(alert, webhook({ secret: SECRET }), NOW)
    const body = JSON.parse(rendered.body)
    expect(body).toEqual({ type: 'alert.fired', timestamp: '2026-11-24T10:00:01.000Z', data: alert })
    expect(rendered.headers['content-type']).toBe('application/json')
    expect(rendered.headers['webhook-id']).toBe(rendered.idempotencyKey)
    expect(rendered.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(rendered.headers['webhook-timestamp']).toBe(String(Math.floor(NOW.getTime() / 1000)))
    const [version, signature] = rendered.headers['webhook-signature']!.split(',')
    expect(version).toBe('v1')
    expect(signature).toBe(
      referenceSignature(
        rendered.idempotencyKey,
        rendered.headers['webhook-timestamp']!,
        rendered.body,
        SECRET,
      ),
    )
    expect(verifyStandardWebhook(rendered.headers, rendered.body, SECRET, 300, NOW)).toEqual({
      ok: true,
      id: rendered.idempotencyKey,
      timestamp: Math.floor(NOW.getTime() / 1000),
    })
  })

  it('keeps the id and body across attempts and signs each attempt with its own timestamp', () => {
    const first = renderAlert(sampleAlert(), webhook({ secret: SECRET }), NOW)
    const retry = renderAlert(sampleAlert(), webhook({ secret: SECRET }), new Date(NOW.getTime() + 65_000))
    expect(retry.idempotencyKey).toBe(first.idempotencyKey)
    expect(retry.body).toBe(first.body)
    expect(Number(retry.headers['webhook-timestamp'])).toBe(Number(first.headers['webhook-timestamp']) + 65)
    expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature'])
    expect(
      renderAlert(sampleAlert(), webhook({ name: 'other', secret: SECRET }), NOW).idempotencyKey,
    ).not.toBe(first.idempotencyKey)
  })

  it('sends no signature header without a secret', () => {
    const rendered = renderAlert(sampleAlert(), webhook({}), NOW)
    expect(rendered.headers['webhook-id']).toBeDefined()
    expect(rendered.headers['webhook-signature']).toBeUndefined()
  })

  it('verification refuses tampering, replays and unknown keys; accepts a rotated list', () => {
    const rendered = renderAlert(sampleAlert(), webhook({ secret: SECRET }), NOW)
    const { headers, body } = rendered
    expect(verifyStandardWebhook(headers, body.replace('"count":3', '"count":4'), SECRET, 300, NOW).ok).toBe(
      false,
    )
    expect(verifyStandardWebhook(headers, body, SECRET, 300, new Date(NOW.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'webhook-timestamp is more than 300 s away from now',
    })
    const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
    expect(verifyStandardWebhook(headers, body, otherSecret, 300, NOW).ok).toBe(false)
    const rotated = {
      ...headers,
      'webhook-signature': `v1,${'A'.repeat(43)}= v1a,xyz ${headers['webhook-signature']}`,
    }
    expect(verifyStandardWebhook(rotated, Buffer.from(body), SECRET, 300, NOW).ok).toBe(true)
    const { 'webhook-id': _id, ...withoutId } = headers
    expect(verifyStandardWebhook(withoutId, body, SECRET, 300, NOW).ok).toBe(false)
    expect(verifyStandardWebhook(new Headers(headers), body, SECRET, 300, NOW).ok).toBe(true)
  })

  it('accepts whsec_ secrets of 24 to 64 bytes only', () => {
    expect(decodeStandardSecret(SECRET)).toHaveLength(24)
    expect(() => decodeStandardSecret(`whsec_${Buffer.alloc(16).toString('base64')}`)).toThrow(/24 to 64/)
    expect(() => decodeStandardSecret('whsec_not base64!')).toThrow(/base64/)
  })
})

describe('slack', () => {
  it('sends text and blocks with severity, rule, group, count, times and a console button', () => {
    const rendered = renderAlert(sampleAlert(), webhook({ format: 'slack' }), NOW)
    const body = JSON.parse(rendered.body)
    expect(body.text).toBe('[HIGH] Path traversal in tool arguments: 3 events for tenant acme')
    const text = JSON.stringify(body.blocks)
    for (const expected of [
      'mcp-path-traversal',
      '{"type":"text","text":"server_name: ","style":{"bold":true}},{"type":"text","text":"filesystem"}',
      '{"type":"text","text":"Count: ","style":{"bold":true}},{"type":"text","text":"3"}',
      '2026-11-24T10:00:00.123Z',
      'owasp-mcp:MCP05, attack.t1083',
    ]) {
      expect(text).toContain(expected)
    }
    const blocks = body.blocks as Array<{ type: string; elements?: Array<{ url?: string }> }>
    const actions = blocks.find((block) => block.type === 'actions')
    expect(actions?.elements?.[0]?.url).toBe(sampleAlert().url)
    expect(rendered.headers['webhook-signature']).toBeUndefined()
  })

  it('keeps the summary within 3000 characters and the header within 150', () => {
    const summary = `<!channel> & ${'x'.repeat(5000)}`
    const body = JSON.parse(renderAlert(sampleAlert({ summary }), webhook({ format: 'slack' }), NOW).body)
    const section = body.blocks[1].elements[0].elements[0].text as string
    expect(section.startsWith('<!channel> & xxx')).toBe(true) // literal text in rich_text, not mrkdwn
    expect(section.length).toBeLessThanOrEqual(3000)
    expect(body.text.length).toBeLessThanOrEqual(3000)
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150)
  })
})

describe('pagerduty (Events API v2)', () => {
  it('triggers with the routing key, a rule+group dedup key and a mapped severity', () => {
    const pd = webhook({
      format: 'pagerduty',
      url: 'https://events.pagerduty.com/v2/enqueue',
      secret: 'R0UT1NGKEY',
    })
    const body = JSON.parse(renderAlert(sampleAlert(), pd, NOW).body)
    expect(body.routing_key).toBe('R0UT1NGKEY')
    expect(body.event_action).toBe('trigger')
    expect(body.dedup_key).toBe('mcp-path-traversal:server_name=filesystem|tool=read_file')
    expect(body.payload).toMatchObject({
      severity: 'error',
      source: 'filesystem',
      component: 'read_file',
      group: 'acme',
      class: 'mcp-path-traversal',
      timestamp: '2026-11-24T10:02:00.456Z',
    })
    expect(body.payload.summary).toContain('Path traversal')
    expect(body.payload.custom_details.sample_event_ids).toEqual(['e1', 'e2', 'e3'])
    const severities = (['critical', 'high', 'medium', 'low', 'info'] as const).map(
      (severity) =>
        JSON.parse(renderAlert(sampleAlert({ rule: { ...sampleAlert().rule, severity } }), pd, NOW).body)
          .payload.severity,
    )
    expect(severities).toEqual(['critical', 'error', 'warning', 'info', 'info'])
  })

  it('keeps dedup_key within 255 and summary within 1024 characters', () => {
    const alert = sampleAlert({ group: { session_id: 's'.repeat(400) }, summary: 'y'.repeat(2000) })
    const pd = webhook({ format: 'pagerduty', secret: 'key' })
    const body = JSON.parse(renderAlert(alert, pd, NOW).body)
    expect(body.dedup_key.length).toBeLessThanOrEqual(255)
    expect(body.dedup_key).toBe(pagerDutyDedupKey(alert))
    expect(pagerDutyDedupKey({ ...alert, group: { session_id: 't'.repeat(400) } })).not.toBe(body.dedup_key)
    expect(body.payload.summary.length).toBeLessThanOrEqual(1024)
  })
})

describe('alertmanager (webhook version 4)', () => {
  it('sends one firing alert with the labels, annotations and times Alertmanager receivers read', () => {
    const body = JSON.parse(renderAlert(sampleAlert(), webhook({ format: 'alertmanager' }), NOW).body)
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'sec', truncatedAlerts: 0 })
    expect(body.alerts).toHaveLength(1)
    const [alert] = body.alerts
    expect(alert.labels).toEqual({
      alertname: 'Path traversal in tool arguments',
      severity: 'high',
      tenant: 'acme',
      rule_id: 'mcp-path-traversal',
      server_name: 'filesystem',
      tool: 'read_file',
    })
    expect(alert.annotations.summary).toBe(sampleAlert().summary)
    expect(alert.annotations.description).toContain('3 event(s)')
    expect(alert.startsAt).toBe('2026-11-24T10:00:00.123Z')
    expect(alert.endsAt).toBe('0001-01-01T00:00:00Z')
    expect(alert.generatorURL).toBe(sampleAlert().url)
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(body.commonLabels).toEqual(alert.labels)
    expect(body.externalURL).toBe('https://audit.example.com')
  })

  it('turns group keys into valid label names that cannot overwrite the fixed labels', () => {
    const alert = sampleAlert({ group: { severity: 'x', 'attributes.team': 'red' } })
    const [sent] = JSON.parse(renderAlert(alert, webhook({ format: 'alertmanager' }), NOW).body).alerts
    expect(sent.labels.severity).toBe('high')
    expect(sent.labels.group_severity).toBe('x')
    expect(sent.labels.attributes_team).toBe('red')
  })
})

describe('teams (Workflows webhook)', () => {
  it('sends a message with an Adaptive Card holding the facts and a console link', () => {
    const body = JSON.parse(renderAlert(sampleAlert(), webhook({ format: 'teams' }), NOW).body)
    expect(body.type).toBe('message')
    const [attachment] = body.attachments
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(attachment.content.type).toBe('AdaptiveCard')
    const paragraphs = attachment.content.body as Array<{ type: string; inlines: Array<{ text: string }> }>
    expect(paragraphs.every((paragraph) => paragraph.type === 'RichTextBlock')).toBe(true)
    expect(paragraphs[0]!.inlines[0]!.text).toBe('HIGH: Path traversal in tool arguments')
    const facts = Object.fromEntries(
      paragraphs
        .filter((paragraph) => paragraph.inlines.length === 2)
        .map(({ inlines: [label, value] }) => [label!.text.replace(/: $/, ''), value!.text]),
    )
    expect(facts).toMatchObject({ Severity: 'high', Tenant: 'acme', Count: '3', server_name: 'filesystem' })
    expect(attachment.content.actions[0]).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open in console',
      url: sampleAlert().url,
    })
  })
})

describe('report.ready', () => {
  const report: ReportReady = {
    report_id: 'rpt_1',
    tenant_id: 'acme',
    name: 'weekly',
    period_from: '2026-11-16T23:00:00.000Z',
    period_to: '2026-11-23T23:00:00.000Z',
    timezone: 'Europe/Berlin',
    checks: { pass: 7, warn: 2, fail: 1 },
    manifest_sha256: 'a'.repeat(64),
    links: {
      report: 'https://audit.example.com/api/v1/reports/rpt_1',
      pdf: 'https://audit.example.com/api/v1/reports/rpt_1/pdf',
    },
    created_at: '2026-11-24T06:00:03.000Z',
  }
  const message = { type: 'report.ready', data: report } as const

  it('sends a signed Standard Webhooks event with the report as data and its creation as timestamp', () => {
    const rendered = renderWebhook(message, webhook({ secret: SECRET }), NOW)!
    const { created_at: _created, ...data } = report
    expect(JSON.parse(rendered.body)).toEqual({ type: 'report.ready', timestamp: report.created_at, data })
    expect(rendered.idempotencyKey).toBe(deliveryId('rpt_1', 'sec'))
    expect(verifyStandardWebhook(rendered.headers, rendered.body, SECRET, 300, NOW)).toMatchObject({
      ok: true,
    })
  })

  it('sends chat webhooks one line with the counts and the PDF link', () => {
    const line =
      'Report "weekly" for acme (2026-11-16T23:00:00.000Z – 2026-11-23T23:00:00.000Z) is ready: 7 pass, 2 warn, 1 fail.'
    const pdf = 'https://audit.example.com/api/v1/reports/rpt_1/pdf'
    const slack = renderWebhook(message, webhook({ format: 'slack' }), NOW)!
    expect(JSON.parse(slack.body)).toEqual({
      text: 'Report for acme is ready',
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: line },
                { type: 'text', text: ' ' },
                { type: 'link', url: pdf, text: pdf },
              ],
            },
          ],
        },
      ],
    })
    expect(slack.headers['webhook-signature']).toBeUndefined()
    const card = JSON.parse(renderWebhook(message, webhook({ format: 'teams' }), NOW)!.body).attachments[0]
      .content
    expect(card.body).toEqual([{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: line }] }])
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the report', url: pdf }])
  })

  it('has no form for incident receivers (PagerDuty, Alertmanager)', () => {
    expect(supportsFormat('report.ready', 'pagerduty')).toBe(false)
    expect(
      renderWebhook(message, webhook({ format: 'pagerduty', secret: 'routing-key' }), NOW),
    ).toBeUndefined()
    expect(renderWebhook(message, webhook({ format: 'alertmanager' }), NOW)).toBeUndefined()
    expect(supportsFormat('alert.fired', 'alertmanager')).toBe(true)
  })
})

describe('shared helpers', () => {
  it('derives the delivery id from alert and webhook only', () => {
    expect(deliveryId('a', 'sec')).toBe(deliveryId('a', 'sec'))
    expect(deliveryId('a', 'sec')).not.toBe(deliveryId('a', 'pd'))
    expect(deliveryId('a', 'sec')).not.toContain('.')
  })

  it('reads ClickHouse times as UTC', () => {
    expect(toIso('2026-11-24 10:00:00.123')).toBe('2026-11-24T10:00:00.123Z')
    expect(toIso('2026-11-24T12:00:00+02:00')).toBe('2026-11-24T10:00:00.000Z')
  })
})

describe('integrity.anchor', () => {
  const anchor: IntegrityAnchor = {
    anchor_id: 'anc_0123',
    tenant_id: 'acme',
    anchored_at: '2026-11-24T06:00:00.000Z',
    seals: [
      {
        partition: 0,
        epoch: 0,
        seq: 41,
        seal_hash: 'b'.repeat(64),
        digest: 'C'.repeat(64),
        sealed_at: '2026-11-24T05:59:00.000Z',
        key_id: '0123456789abcdef',
        signature: 'd'.repeat(128),
      },
    ],
  }
  const message = { type: 'integrity.anchor', data: anchor } as const

  it('sends the anchor whole as Standard Webhooks data, signed, with the anchor time as timestamp', () => {
    const rendered = renderWebhook(message, webhook({ secret: SECRET }), NOW)!
    expect(JSON.parse(rendered.body)).toEqual({
      type: 'integrity.anchor',
      timestamp: anchor.anchored_at,
      data: anchor,
    })
    expect(rendered.idempotencyKey).toBe(deliveryId('anc_0123', 'sec'))
    expect(verifyStandardWebhook(rendered.headers, rendered.body, SECRET, 300, NOW)).toMatchObject({
      ok: true,
    })
  })

  it('has no chat or incident form', () => {
    for (const format of ['slack', 'teams', 'pagerduty', 'alertmanager'] as const) {
      expect(supportsFormat('integrity.anchor', format)).toBe(false)
    }
  })
})
