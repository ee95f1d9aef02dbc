import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../../../services/platform/local-kafka.js'
import { packageRoot } from '../../../services/platform/paths.js'
import { waitFor } from '../wait.js'

/**
 * A real rsyslog (Debian's, unpacked into .cache/receivers/rsyslog by scripts/receivers/rsyslog.sh)
 * in the foreground with `imtcp` on a free loopback port, plain or TLS (the gtls driver with a
 * self-signed certificate made here, no client certificate asked). Each message it receives,
 * octet-counted or LF-framed (imtcp tells them apart by the first byte), is written to a file as
 * its raw text (`%rawmsg%`: the syslog message without the frame), one per line. rsyslog's default
 * of writing received control characters as `#ooo` is off, so LEEF's tab delimiters stay tabs (our
 * messages never hold a raw newline, so lines still separate messages).
 */

const ROOT = path.join(packageRoot(), '.cache', 'receivers', 'rsyslog')
const LIB = ['usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu'].map((dir) => path.join(ROOT, dir)).join(':')
const RSYSLOGD = path.join(ROOT, 'usr/sbin/rsyslogd')
const MODULES = path.join(ROOT, 'usr/lib/x86_64-linux-gnu/rsyslog')

export interface Rsyslog {
  /** `tcp://127.0.0.1:PORT` or `tls://127.0.0.1:PORT`. */
  url: string
  /** The self-signed certificate the TLS receiver presents (its own CA), for `tls.caFile`. */
  caFile: string | undefined
  /** Every message received so far, in order of arrival. */
  messages(): string[]
  /** Stops rsyslogd (SIGTERM: it closes its connections and flushes the file). */
  stop(): Promise<void>
  /** Starts it again on the same port, appending to the same file. */
  start(): Promise<void>
  close(): Promise<void>
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem')
  const key = path.join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  return { cert, key }
}

function config(
  dir: string,
  port: number,
  out: string,
  tls: { cert: string; key: string } | undefined,
): string {
  const driver = tls
    ? [
        `global(workDirectory="${dir}" maxMessageSize="256k" parser.escapeControlCharactersOnReceive="off"`,
        `  defaultNetstreamDriverCAFile="${tls.cert}" defaultNetstreamDriverCertFile="${tls.cert}"`,
        `  defaultNetstreamDriverKeyFile="${tls.key}")`,
        'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")',
      ]
    : [
        `global(workDirectory="${dir}" maxMessageSize="256k" parser.escapeControlCharactersOnReceive="off")`,
        'module(load="imtcp")',
      ]
  return [
    ...driver,
    'template(name="raw" type="string" string="%rawmsg%\\n")',
    `input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="received")`,
    `ruleset(name="received") { action(type="omfile" file="${out}" template="raw") }`,
    '',
  ].join('\n')
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.connect({ host: '127.0.0.1', port }, () => {
      probe.destroy()
      resolve(true)
    })
    probe.on('error', () => resolve(false))
  })

export async function startRsyslog(options: { tls?: boolean } = {}): Promise<Rsyslog> {
  if (!existsSync(RSYSLOGD)) {
    throw new Error(
      `${RSYSLOGD} is missing: run scripts/receivers/rsyslog.sh (test/helpers/global-setup.ts does)`,
    )
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-audit-rsyslog-'))
  const port = await freePort()
  const out = path.join(dir, 'received.log')
  const tls = options.tls ? selfSignedCertificate(dir) : undefined
  const conf = path.join(dir, 'rsyslog.conf')
  writeFileSync(conf, config(dir, port, out, tls))
  let child: ChildProcess | undefined
  let log = ''

  const start = async () => {
    log = ''
    const started = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid'), '-M', MODULES], {
      env: { ...process.env, LD_LIBRARY_PATH: LIB },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    started.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
    started.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
    child = started
    await waitFor(
      () =>
        started.exitCode === null ? accepts(port) : Promise.reject(new Error(`rsyslogd exited: ${log}`)),
      {
        description: `rsyslogd to listen on 127.0.0.1:${port}`,
        timeoutMs: 15_000,
      },
    )
  }

  const stop = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }

  await start()
  return {
    url: `${tls ? 'tls' : 'tcp'}://127.0.0.1:${port}`,
    caFile: tls?.cert,
    messages: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').slice(0, -1) : []),
    stop,
    start,
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
