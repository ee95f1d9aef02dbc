import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SyslogSinkConfig } from '../../../schemas/export.js'
import { storedEventFixture } from '../../../test/helpers/stored-event.js'
import { waitFor } from '../../../test/helpers/wait.js'
import { createLogger } from '../../platform/logger.js'
import { parseAllowList } from '../../webhooks/ssrf.js'
import { toExportEvent } from '../record.js'
import { sendFailure, type Sink } from './sink.js'
import { createSyslogSink } from './syslog.js'

const logger = createLogger({ level: 'silent' })
const records = (n: number, excerpt = '') =>
  Array.from({ length: n }, (_, i) =>
    toExportEvent(storedEventFixture({ event_id: `e-${i}`, ...(excerpt ? { arguments: excerpt } : {}) })),
  )

const open: Array<{ close(): unknown }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()))
})

/** A TCP server on a free loopback port; `handle` decides what it does with each connection. */
async function server(
  handle: (socket: net.Socket) => void,
  options: net.ServerOpts = {},
): Promise<{ port: number; server: net.Server }> {
  const listening = net.createServer(options, handle)
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve))
  open.push({ close: () => new Promise((resolve) => listening.close(resolve)) })
  const address = listening.address() as net.AddressInfo
  return { port: address.port, server: listening }
}

function sink(
  url: string,
  allow: string[],
  timeouts: { connectTimeoutMs?: number; writeTimeoutMs?: number } = {},
) {
  const created: Sink = createSyslogSink({
    config: SyslogSinkConfig.parse({
      name: 'siem',
      type: 'syslog',
      url,
      ...(url.startsWith('tls') ? {} : {}),
    }),
    allowList: parseAllowList(allow),
    logger,
    ...timeouts,
  })
  open.push({ close: () => created.close() })
  return created
}

const failureOf = (promise: Promise<void>) =>
  promise.then(
    () => undefined,
    (err: unknown) => sendFailure(err),
  )

describe('the syslog sink over TCP', () => {
  it('refuses a loopback receiver unless alerts.allowPrivateNetworks lists it, before connecting', async () => {
    let connections = 0
    const { port } = await server(() => (connections += 1))
    const failure = await failureOf(sink(`tcp://127.0.0.1:${port}`, []).send(records(1)))
    expect(failure?.retryable).toBe(false)
    expect(failure?.message).toMatch(
      /refused to connect to syslog receiver .* is a loopback address.*allowPrivateNetworks/,
    )
    expect(connections).toBe(0)
  })

  it('writes a batch as octet-counted frames on one connection, and reconnects after the receiver closed it', async () => {
    const received: string[] = []
    const sockets: net.Socket[] = []
    const { port } = await server((socket) => {
      sockets.push(socket)
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => received.push(chunk))
    })
    const target = sink(`tcp://127.0.0.1:${port}`, ['127.0.0.0/8'])
    await target.send(records(3))
    await waitFor(() => received.join(''), {
      description: 'three frames',
      until: (text) => (text.match(/<\d+>1 /g) ?? []).length === 3,
    })
    // RFC 6587 octet counting: LEN SP then exactly LEN bytes, frame after frame.
    const frames: string[] = []
    let rest = Buffer.from(received.join(''))
    while (rest.length > 0) {
      const space = rest.indexOf(0x20)
      const length = Number(rest.subarray(0, space).toString('ascii'))
      frames.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'))
      rest = rest.subarray(space + 1 + length)
    }
    expect(frames.map((frame) => /event_id="([^"]+)"/.exec(frame)?.[1])).toEqual(['e-0', 'e-1', 'e-2'])
    expect(frames.every((frame) => frame.endsWith('}'))).toBe(true)
    expect(sockets).toHaveLength(1)

    sockets[0]?.destroy()
    await waitFor(() => sockets[0]?.destroyed, { description: 'the receiver to drop the connection' })
    // The close reaches the sink asynchronously: a send just after it may still go to the old
    // connection and fail (the runner would retry it); the sends after it open a new connection.
    await waitFor(
      async () => {
        await target.send(records(1)).catch(() => undefined)
        return sockets.length
      },
      { description: 'a second connection', until: (n) => n === 2 },
    )
  })

  it('fails a send to a receiver that is down as retryable, without crashing', async () => {
    const { port, server: listening } = await server(() => undefined)
    await new Promise((resolve) => listening.close(resolve))
    const failure = await failureOf(sink(`tcp://127.0.0.1:${port}`, ['127.0.0.0/8']).send(records(1)))
    expect(failure).toMatchObject({
      retryable: true,
      message: expect.stringMatching(
        /cannot connect to syslog receiver tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
      ),
    })
  })

  it('times out a TLS handshake that never completes, and a write the receiver never reads', async () => {
    const held: net.Socket[] = []
    // Accepts connections and never reads from them.
    const { port } = await server((socket) => held.push(socket), { pauseOnConnect: true })
    open.push({ close: () => held.forEach((socket) => socket.destroy()) })
    const handshake = await failureOf(
      sink(`tls://127.0.0.1:${port}`, ['127.0.0.0/8'], { connectTimeoutMs: 300 }).send(records(1)),
    )
    expect(handshake).toMatchObject({
      retryable: true,
      message: expect.stringMatching(/timed out after 300 ms/),
    })

    // Far more than the socket buffers of both ends hold, so the write cannot complete.
    const big = records(40, `"${'x'.repeat(1_000_000)}"`)
    const stalled = await failureOf(
      sink(`tcp://127.0.0.1:${port}`, ['127.0.0.0/8'], { writeTimeoutMs: 300 }).send(big),
    )
    expect(stalled).toMatchObject({
      retryable: true,
      message: expect.stringMatching(/no write progress for 300 ms/),
    })
  })
})
