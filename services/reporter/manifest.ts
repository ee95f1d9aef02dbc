import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { ReportManifest, SignedManifest } from '../../schemas/report.js'
import { canonicalJson } from '../platform/canonical-json.js'
import { keyId } from './signing-key.js'
import type { ReportFile, SigningKey, VerifyResult } from './types.js'

/**
 * The signed manifest: what a report covers (tenant, period, query parameters, row counts, the
 * newest ingested row included) and the SHA-256 of each of its files, signed with Ed25519 over the
 * manifest's canonical JSON (keys sorted). Any changed byte in a file or the manifest fails `verify`.
 */

export const MANIFEST_FILE = 'manifest.json'

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export async function describeFile(dir: string, name: string, kind: ReportFile['kind']): Promise<ReportFile> {
  const file = path.join(dir, name)
  return { kind, name, bytes: statSync(file).size, sha256: await sha256File(file) }
}

export function signManifest(manifest: ReportManifest, key: SigningKey): SignedManifest {
  const value = sign(null, Buffer.from(canonicalJson(manifest)), key.privateKey).toString('base64')
  return {
    manifest,
    signature: { algorithm: 'Ed25519', key_id: key.keyId, public_key: key.publicKeyPem, value },
  }
}

/** The signed manifest in FILE, or why it cannot be read as one. */
export function readSignedManifest(file: string): { signed?: SignedManifest; problem?: string } {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    return {
      problem: `${file} is not valid JSON (${(err as Error).message}); the manifest was altered or truncated`,
    }
  }
  const parsed = SignedManifest.safeParse(raw)
  if (!parsed.success) {
    return {
      problem: `${file} is not a report manifest: ${z.prettifyError(parsed.error).split('\n')[0] ?? ''}`,
    }
  }
  return { signed: parsed.data }
}

/** The manifest for FILE: FILE itself when it is one, else `manifest.json` beside it. */
export function manifestPathFor(file: string): string {
  const resolved = path.resolve(file)
  if (existsSync(resolved) && statSync(resolved).isDirectory()) return path.join(resolved, MANIFEST_FILE)
  return path.basename(resolved) === MANIFEST_FILE
    ? resolved
    : path.join(path.dirname(resolved), MANIFEST_FILE)
}

/**
 * Checks the signature against `trusted`, the key the caller trusts (never the one the manifest
 * carries: whoever rewrites a report can re-sign it and embed their own key), then each listed
 * file's size and SHA-256, and that the directory holds no file the manifest omits.
 */
export async function verifyReportFiles(
  manifestFile: string,
  options: { trusted: KeyObject; only?: string },
): Promise<VerifyResult & { manifest?: ReportManifest; keyId?: string }> {
  if (!existsSync(manifestFile)) {
    return {
      ok: false,
      problems: [`no manifest at ${manifestFile}: a report's files must stay beside its manifest.json`],
    }
  }
  const { signed, problem } = readSignedManifest(manifestFile)
  if (!signed) return { ok: false, problems: [problem ?? 'unreadable manifest'] }
  const problems: string[] = []
  const trustedId = keyId(options.trusted)
  const signatureOk = verify(
    null,
    Buffer.from(canonicalJson(signed.manifest)),
    options.trusted,
    Buffer.from(signed.signature.value, 'base64'),
  )
  if (!signatureOk) {
    const claimedId = embeddedKeyId(signed)
    problems.push(
      claimedId === trustedId
        ? 'the manifest signature does not match its content: the manifest was changed'
        : `the manifest was signed by key ${claimedId ?? '(unreadable)'}, not by the trusted key ${trustedId}: it was re-signed or comes from another installation`,
    )
  }

  const dir = path.dirname(manifestFile)
  const listed = new Set(signed.manifest.files.map((file) => file.name))
  if (options.only !== undefined && !listed.has(options.only)) {
    problems.push(`${options.only} is not listed in the manifest: it is not part of this report`)
  }
  for (const file of signed.manifest.files) {
    const target = path.join(dir, file.name)
    if (!existsSync(target)) {
      problems.push(`${file.name} is missing`)
      continue
    }
    const bytes = statSync(target).size
    const sha256 = await sha256File(target)
    if (bytes !== file.bytes || sha256 !== file.sha256) {
      problems.push(
        `${file.name} was changed: SHA-256 ${sha256} (${bytes} bytes), manifest says ${file.sha256} (${file.bytes} bytes)`,
      )
    }
  }
  for (const name of readdirSync(dir)) {
    if (name !== MANIFEST_FILE && !listed.has(name)) problems.push(`${name} is not covered by the manifest`)
  }
  return { ok: problems.length === 0, problems, manifest: signed.manifest, keyId: trustedId }
}

/** The id of the public key a manifest carries; only a hint for which key to trust, never proof. */
export function embeddedKeyId(signed: SignedManifest): string | undefined {
  try {
    return keyId(createPublicKey(signed.signature.public_key))
  } catch {
    return undefined
  }
}
