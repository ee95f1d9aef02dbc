import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerClientError } from './answers.js'

/** Sends raw bytes and returns everything the server writes until it closes the connection. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', reject)
    socket.write(bytes)
  })
}

describe('answerClientError', () => {
  let server: http.Server
  let port: number

  beforeAll(async () => {
    server = http.createServer({ maxHeaderSize: 1024 }, (_req, res) => {
      res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"accepted":1}')
    })
    server.on('clientError', answerClientError)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const bodyOf = (response: string) =>
    JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>

  it('answers bytes that are not HTTP with a JSON 400 naming the problem, then closes', async () => {
    const response = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(response).toMatch(/\r\nConnection: close\r\n/)
    expect(bodyOf(response)).toEqual({
      accepted: 0,
      rejected: 0,
      errors: [],
      error: expect.stringMatching(
        /not well-formed HTTP\/1\.1 \(HPE_.+\); nothing from this request was accepted/,
      ),
    })
  })

  it('answers oversized headers with a JSON 431', async () => {
    const response = await exchange(port, `POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`)
    expect(response).toMatch(/^HTTP\/1\.1 431 /)
    expect(bodyOf(response).error).toMatch(/headers are too large/)
  })

  it('answers the bytes after a body shorter than its Content-Length as a request that is not HTTP', async () => {
    const response = await exchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}trailing garbage\r\n\r\n',
    )
    // The two-byte request is answered first; what followed it gets its own answer.
    const last = response.slice(response.indexOf('HTTP/1.1 400'))
    expect(response.match(/^HTTP\/1\.1 \d{3}/gm)).toEqual(['HTTP/1.1 202', 'HTTP/1.1 400'])
    expect(bodyOf(last).error).toMatch(/not well-formed HTTP\/1\.1 \(HPE_INVALID_METHOD\)/)
  })
})
