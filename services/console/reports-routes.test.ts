import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import express, { type Request, type Response } from 'express'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ReportLimitError, type GenerateRequest, type ReportRecord, type Reports } from '../reporter/index.js'
import { locals } from './auth.js'
import { mountReports } from './reports-routes.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-reports-routes-'))
const htmlFile = path.join(dir, 'report.html')
writeFileSync(htmlFile, '<script>alert(1)</script>')

function record(id: string, status: ReportRecord['status'] = 'ready'): ReportRecord {
  return {
    report_id: id,
    tenant_id: 'acme',
    name: `report ${id}`,
    period_from: '2026-11-01T00:00:00.000Z',
    period_to: '2026-11-02T00:00:00.000Z',
    timezone: 'UTC',
    formats: ['html'],
    status,
    created_at: '2026-11-02T00:00:01.000Z',
    created_by: 'reader',
    files: [],
    checks: { pass: 1, warn: 0, fail: 0 },
    schedule: 'on-demand',
    error: status === 'failed' ? 'boom' : '',
    manifest_sha256: '',
  }
}

/** A reporter that answers from memory and remembers what it was asked. */
function fakeReports(stored: ReportRecord[], refusal?: ReportLimitError) {
  const asked = { generate: [] as GenerateRequest[], verify: [] as string[], file: [] as unknown[][] }
  const reports: Reports = {
    list: (tenantId) => Promise.resolve(stored.filter((r) => r.tenant_id === tenantId)),
    get: (tenantId, id) =>
      Promise.resolve(stored.find((r) => r.tenant_id === tenantId && r.report_id === id)),
    generate: (request) => {
      asked.generate.push(request)
      return refusal ? Promise.reject(refusal) : Promise.resolve(record('new'))
    },
    file: (...args) => {
      asked.file.push(args)
      return Promise.resolve(
        args[1] === 'r1' && args[2] === 'html'
          ? { path: htmlFile, contentType: 'text/html', downloadName: 'r1.html' }
          : undefined,
      )
    },
    verify: (_tenantId, id) => {
      asked.verify.push(id)
      return Promise.resolve({ ok: true, problems: [] })
    },
  }
  return { reports, asked }
}

/** Stands in for the token check: every call is reader@acme. */
const guard = () => (_req: Request, res: Response, next: () => void) => {
  locals(res).principal = { tenantId: 'acme', tokenName: 'reader', scope: 'read' }
  next()
}

const servers: Array<ReturnType<express.Express['listen']>> = []
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  rmSync(dir, { recursive: true, force: true })
})

async function serve(reports: Reports | undefined): Promise<string> {
  const router = express.Router()
  router.use(express.json())
  mountReports(router, guard, reports)
  const app = express().use('/api', router)
  const server = await new Promise<ReturnType<express.Express['listen']>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

describe('report routes', () => {
  let fake: ReturnType<typeof fakeReports>
  let api: string
  beforeEach(async () => {
    const many = Array.from({ length: 22 }, (_, i) => record(`r${i + 1}`))
    fake = fakeReports([record('failed-1', 'failed'), ...many, { ...record('other'), tenant_id: 'globex' }])
    api = await serve(fake.reports)
  })

  it('answer 503 with the fix when this process has no reporter', async () => {
    const bare = await serve(undefined)
    for (const response of [await fetch(`${bare}/reports`), await post(`${bare}/reports`, {})]) {
      expect(response.status).toBe(503)
      expect(await response.json()).toEqual({
        error: 'reports are not available in this process: run the reporter with the console',
      })
    }
  })

  it("list the tenant's reports and verify only the first twenty that are ready", async () => {
    const { reports } = (await (await fetch(`${api}/reports`)).json()) as {
      reports: Array<ReportRecord & { verification: unknown }>
    }
    expect(reports).toHaveLength(23)
    expect(reports.map((r) => r.tenant_id)).not.toContain('globex')
    expect(reports[0]).toMatchObject({ report_id: 'failed-1', verification: null })
    expect(reports[1]).toMatchObject({ report_id: 'r1', verification: { ok: true, problems: [] } })
    expect(reports.slice(20).map((r) => r.verification)).toEqual([null, null, null])
    expect(fake.asked.verify).toEqual(Array.from({ length: 19 }, (_, i) => `r${i + 1}`))
  })

  it('generate for the caller, who is recorded as requester, and refuse a bad period', async () => {
    const body = {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00+01:00',
      formats: ['pdf'],
      name: ' Nov ',
    }
    const response = await post(`${api}/reports`, body)
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ report_id: 'new', verification: { ok: true } })
    expect(fake.asked.generate).toEqual([
      {
        tenantId: 'acme',
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-01T23:00:00Z'),
        formats: ['pdf'],
        name: 'Nov',
        requestedBy: 'reader',
        requestedByRole: 'read',
        requestedVia: 'api',
      },
    ])

    const inverted = await post(`${api}/reports`, { from: body.to, to: body.from })
    expect(inverted.status).toBe(400)
    expect(await inverted.json()).toEqual({ error: 'from must be before to' })
    const badFormat = await post(`${api}/reports`, { ...body, formats: ['docx'] })
    expect(badFormat.status).toBe(400)
    expect(((await badFormat.json()) as { error: string }).error).toMatch(/^formats\.0: /)
    expect(fake.asked.generate).toHaveLength(1)
  })

  it('answer 409 while a report of the tenant is generated and 429 past the hourly limit, with Retry-After', async () => {
    const body = { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }
    const cases = [
      {
        error: new ReportLimitError('busy', 'a report of tenant "acme" is being generated', 30),
        status: 409,
      },
      {
        error: new ReportLimitError('rate', 'tenant "acme" started 30 reports in the last hour', 1200),
        status: 429,
      },
    ]
    for (const { error, status } of cases) {
      const refusing = await serve(fakeReports([], error).reports)
      const response = await post(`${refusing}/reports`, body)
      expect(response.status).toBe(status)
      expect(response.headers.get('retry-after')).toBe(String(error.retryAfterSeconds))
      expect(await response.json()).toEqual({ error: error.message })
    }
  })

  it("answer 404 for another tenant's report", async () => {
    expect((await fetch(`${api}/reports/r1`)).status).toBe(200)
    const other = await fetch(`${api}/reports/other`)
    expect(other.status).toBe(404)
    expect(await other.json()).toEqual({ error: 'no report other in this tenant' })
  })

  it('send files as sandboxed attachments, naming the downloader, and refuse unknown kinds', async () => {
    const file = await fetch(`${api}/reports/r1/html`)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    expect(file.headers.get('content-disposition')).toBe('attachment; filename=r1.html')
    expect(await file.text()).toBe('<script>alert(1)</script>')
    expect(fake.asked.file[0]).toEqual([
      'acme',
      'r1',
      'html',
      undefined,
      expect.objectContaining({ name: 'reader', role: 'read' }),
    ])

    const unknown = await fetch(`${api}/reports/r1/exe`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({
      error: 'unknown file kind "exe": use one of pdf, html, csv, json, manifest',
    })
    const missing = await fetch(`${api}/reports/r2/csv?name=top-tools`)
    expect(missing.status).toBe(404)
    expect(fake.asked.file[1]).toEqual(['acme', 'r2', 'csv', 'top-tools', expect.anything()])
  })
})
