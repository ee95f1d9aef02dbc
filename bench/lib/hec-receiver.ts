import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'

const gunzipAsync = promisify(gunzip)

/**
 * A minimal HTTP Event Collector endpoint for the export benchmark (the test suite's full protocol
 * receiver, test/helpers/splunk-hec.ts, is test code the benchmark does not build): it checks the
 * `Authorization: Splunk <token>` header, gunzips the body, counts the newline-separated events and
 * answers HEC's success `{"text":"Success","code":0}`. It parses no event, so it costs the sender's
 * process little; what it measures is the exporter's side.
 */
export interface BenchHecReceiver {
  url: string
  events: number
  requests: number
  close(): Promise<void>
}

export async function startBenchHecReceiver(token: string): Promise<BenchHecReceiver> {
  const receiver = { events: 0, requests: 0 }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      void (async () => {
        if (req.headers.authorization !== `Splunk ${token}`) {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"text":"Invalid token","code":4}')
          return
        }
        const raw = Buffer.concat(chunks)
        const body = req.headers['content-encoding'] === 'gzip' ? await gunzipAsync(raw) : raw
        let events = 0
        for (let at = body.indexOf(10); at !== -1; at = body.indexOf(10, at + 1)) events += 1
        receiver.events += body.length > 0 ? events + 1 : 0
        receiver.requests += 1
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}')
      })().catch((err: unknown) => {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ text: (err as Error).message, code: 6 }))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get events() {
      return receiver.events
    },
    get requests() {
      return receiver.requests
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
