import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from './local-kafka.js'
import { clearStaleBroker, portIsFree } from './local-kafka-stale.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function brokerDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-stale-broker-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A process that looks like the broker of `dir` to /proc (its command line) and holds `port`. */
async function fakeBroker(dir: string, port: number) {
  const listen =
    "require('node:net').createServer().listen(Number(process.argv[1]), '127.0.0.1', () => console.log('up'))"
  const child = spawn(process.execPath, ['-e', listen, String(port), 'kafka.Kafka', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  cleanups.push(() => child.kill('SIGKILL'))
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_, signal) => resolve(signal)),
  )
  await new Promise((resolve) => child.stdout.once('data', resolve))
  writeFileSync(path.join(dir, 'broker.pid'), `${child.pid}\n`)
  return { child, exited }
}

describe('clearing a broker left by a killed start', () => {
  it('kills it and returns only once it has exited and its port is free', async () => {
    const dir = brokerDir()
    const port = await freePort()
    const broker = await fakeBroker(dir, port)
    expect(await portIsFree(port)).toBe(false)

    expect(await clearStaleBroker(dir, [port])).toBeUndefined()
    expect(await portIsFree(port)).toBe(true)
    expect(await broker.exited).toBe('SIGKILL')
  })

  it('leaves alone a process whose pid the file names but that is not this directory’s broker', async () => {
    const dir = brokerDir()
    const port = await freePort()
    const other = await fakeBroker(brokerDir(), port)
    writeFileSync(path.join(dir, 'broker.pid'), `${other.child.pid}\n`)

    expect(await clearStaleBroker(dir, [port])).toBe(
      `port ${port} is in use, so the local Kafka broker cannot start. Free it, choose another with kafka.localPort, or set KAFKA_BROKERS to use a running Kafka.`,
    )
    expect(other.child.exitCode).toBeNull()
    expect(other.child.signalCode).toBeNull()
  })

  it('says which port another program holds, without waiting', async () => {
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => server.close())
    const port = (server.address() as net.AddressInfo).port
    const started = Date.now()
    expect(await clearStaleBroker(brokerDir(), [await freePort(), port])).toMatch(
      new RegExp(`^port ${port} is in use`),
    )
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
