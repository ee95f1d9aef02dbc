import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from './logger.js'

/**
 * A `start` killed with SIGKILL (or by the OOM killer) leaves its local broker running, holding the
 * data directory and the ports. The next `start` kills it and must wait for it to be gone: SIGKILL
 * only queues the death, and the ports stay bound until the kernel has torn the process down.
 */

/** How long a killed broker may take to exit and release its ports before `start` gives up. */
export const STALE_BROKER_EXIT_MS = 30_000

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * Whether `pid` is still the broker of `dir`. A zombie has an empty command line and a reused pid
 * another one, so both count as gone; without /proc (not Linux) nothing is found.
 */
function brokerRunning(pid: number, dir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.includes('kafka.Kafka') && cmdline.includes(dir)
  } catch {
    return false
  }
}

function stalePid(dir: string): number | undefined {
  const pidFile = path.join(dir, 'broker.pid')
  if (!existsSync(pidFile)) return undefined
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  // A pid file without its broker is left over from a clean stop or a reboot.
  return Number.isInteger(pid) && pid > 0 && brokerRunning(pid, dir) ? pid : undefined
}

async function busyPorts(ports: number[]): Promise<number[]> {
  const free = await Promise.all(ports.map(portIsFree))
  return ports.filter((_, index) => !free[index])
}

/**
 * Kills a broker an earlier run left in `dir`, waits (bounded) until it has exited and `ports` are
 * free, and returns why the new broker cannot start, or undefined when it can.
 */
export async function clearStaleBroker(
  dir: string,
  ports: number[],
  options: { logger?: Logger | undefined; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const pid = stalePid(dir)
  if (pid === undefined) {
    const busy = await busyPorts(ports)
    return busy.length === 0
      ? undefined
      : `port ${busy[0]} is in use, so the local Kafka broker cannot start. Free it, choose another with kafka.localPort, or set KAFKA_BROKERS to use a running Kafka.`
  }
  const timeoutMs = options.timeoutMs ?? STALE_BROKER_EXIT_MS
  options.logger?.warn({ pid }, 'kafka_stale_broker_killed')
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // It exited between the check and the kill: nothing left to wait for but the ports.
  }
  const started = Date.now()
  for (;;) {
    const running = brokerRunning(pid, dir)
    const busy = running ? ports : await busyPorts(ports)
    if (busy.length === 0) {
      options.logger?.info({ pid, waited_ms: Date.now() - started }, 'kafka_stale_broker_gone')
      return undefined
    }
    if (Date.now() - started >= timeoutMs) {
      return running
        ? `the local Kafka broker left running by an earlier start (pid ${pid}) did not exit within ${timeoutMs} ms of SIGKILL; stop it yourself (kill -9 ${pid}) and start again.`
        : `port ${busy[0]} is still in use ${timeoutMs} ms after the earlier local Kafka broker (pid ${pid}) exited, so the local Kafka broker cannot start. Free it, choose another with kafka.localPort, or set KAFKA_BROKERS to use a running Kafka.`
    }
    await sleep(100)
  }
}
