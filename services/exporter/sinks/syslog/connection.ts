import net from 'node:net'
import tls from 'node:tls'
import type { Cidr } from '../../../../schemas/cidr.js'
import { parseIp } from '../../../../schemas/cidr.js'
import type { Logger } from '../../../platform/logger.js'
import { checkHost, type Resolver } from '../../../webhooks/ssrf.js'
import type { SinkTlsMaterial } from '../tls.js'

/**
 * One persistent TCP or TLS connection to a syslog receiver. It is opened on the first write and
 * again on the first write after it broke (the sink runner's backoff paces those attempts), and
 * every address goes through the SSRF guard first. A write resolves once all its bytes were handed
 * to the operating system (the write callback): syslog over TCP has no acknowledgement, so that is
 * as far as a sender can know (README, "syslog").
 */

export interface SyslogTarget {
  protocol: 'tcp' | 'tls'
  host: string
  port: number
  tls: SinkTlsMaterial
  allowList: readonly Cidr[]
  resolve?: Resolver
  /** TCP connect and TLS handshake together. */
  connectTimeoutMs: number
  /** A write fails when the socket's send buffer has not shrunk for this long (a receiver that stopped reading). */
  writeTimeoutMs: number
}

export interface SyslogConnection {
  write(bytes: Buffer): Promise<void>
  close(): Promise<void>
}

/** A failed connect or write; not retryable when only a configuration change can fix it. */
export class SyslogDeliveryError extends Error {
  override readonly name = 'SyslogDeliveryError'
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
  }
}

/** OpenSSL's certificate verification failures: wrong CA or name, fixed in the sink's `tls` options. */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS_CERT_ALTNAME/

export function createSyslogConnection(target: SyslogTarget, logger: Logger): SyslogConnection {
  const where = `${target.protocol}://${target.host}:${target.port}`
  let current: net.Socket | undefined

  const open = async (): Promise<net.Socket> => {
    const check = await checkHost(target.host, target.allowList, target.resolve)
    if (check.kind === 'refused') {
      throw new SyslogDeliveryError(`refused to connect to syslog receiver ${where}: ${check.reason}`, false)
    }
    const hostIsName = parseIp(target.host.replace(/^\[(.*)\]$/, '$1')) === undefined
    const socket =
      target.protocol === 'tls'
        ? tls.connect({
            host: check.address,
            port: target.port,
            ...target.tls,
            // The certificate is checked against the configured name, not the address we pinned.
            ...(target.tls.servername === undefined && hostIsName ? { servername: target.host } : {}),
            rejectUnauthorized: true,
          })
        : net.connect({ host: check.address, port: target.port })
    const ready = target.protocol === 'tls' ? 'secureConnect' : 'connect'
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy()
        reject(
          new SyslogDeliveryError(
            `connecting to syslog receiver ${where} timed out after ${target.connectTimeoutMs} ms`,
            true,
          ),
        )
      }, target.connectTimeoutMs)
      const failed = (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        socket.destroy()
        const certificate = CERTIFICATE_ERROR.test(err.code ?? '')
        reject(
          new SyslogDeliveryError(
            certificate
              ? `syslog receiver ${where} failed TLS verification (${err.code ?? 'error'}: ${err.message}): set tls.caFile to the CA that signed its certificate, or tls.serverName to the name it carries`
              : `cannot connect to syslog receiver ${where}: ${err.message}`,
            !certificate,
          ),
        )
      }
      socket.once('error', failed)
      socket.once(ready, () => {
        clearTimeout(timer)
        socket.off('error', failed)
        resolve()
      })
    })
    // From here on any end of the connection only marks it broken: the next write reconnects.
    const broken = (err?: Error) => {
      if (current === socket) current = undefined
      if (err) logger.warn({ receiver: where, error: err.message }, 'syslog_connection_broken')
      socket.destroy()
    }
    socket.on('error', broken)
    socket.on('end', () => broken())
    socket.on('close', () => broken())
    socket.setKeepAlive(true, 30_000)
    // Receivers send nothing; whatever comes is read and dropped so it cannot fill a buffer.
    socket.resume()
    logger.info({ receiver: where }, 'syslog_connected')
    return socket
  }

  const writeAll = (socket: net.Socket, bytes: Buffer) =>
    new Promise<void>((resolve, reject) => {
      let pending = Number.POSITIVE_INFINITY
      let settled = false
      let stalled: Error | undefined
      const watchdog = setInterval(() => {
        if (socket.writableLength === 0 || socket.writableLength < pending) {
          pending = socket.writableLength
          return
        }
        stalled = new Error(`no write progress for ${target.writeTimeoutMs} ms`)
        socket.destroy(stalled)
      }, target.writeTimeoutMs)
      const settle = (callbackError: Error | null | undefined) => {
        if (settled) return
        settled = true
        clearInterval(watchdog)
        socket.off('close', onClose)
        // Node calls the write callback without an error when the socket was destroyed meanwhile:
        // nobody knows then whether the bytes left, so the batch counts as failed.
        const err =
          stalled ?? callbackError ?? (socket.destroyed ? new Error('the connection closed') : undefined)
        if (err) {
          reject(new SyslogDeliveryError(`writing to syslog receiver ${where} failed: ${err.message}`, true))
        } else {
          resolve()
        }
      }
      const onClose = () => settle(new Error('the connection closed'))
      socket.once('close', onClose)
      socket.write(bytes, settle)
    })

  return {
    async write(bytes) {
      // A socket can break between its connect and this write: then it is replaced at once.
      if (current === undefined || current.destroyed) current = await open()
      await writeAll(current, bytes)
    },
    async close() {
      const socket = current
      current = undefined
      if (!socket) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => socket.destroy(), 5_000)
        socket.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        socket.end()
      })
    },
  }
}
