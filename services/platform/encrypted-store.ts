import { createHmac, timingSafeEqual } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Session } from 'chdb'
import { ConfigError } from './config.js'

/**
 * The embedded store on ClickHouse's encrypted disk (AES-256-CTR): a storage configuration that
 * redefines the `default` storage policy to use an encrypted disk layered on the data directory,
 * so every table the migrations create keeps its parts encrypted without naming a policy. Table
 * definitions (`metadata/`, `store/*.sql`) stay in clear; they hold column names, not events.
 *
 * The key never touches the disk: the configuration reads it from an environment variable that
 * is set only while the engine starts, synchronously, and removed right after.
 */

export const ENCRYPTED_DISK = 'mcp_audit_encrypted'
/** Where the encrypted disk keeps its files, inside the store directory. */
const ENCRYPTED_DIR = 'encrypted'
/** A fingerprint of the key (not the key), so a wrong key is refused before the engine reads a part. */
const KEY_CHECK_FILE = 'encryption-key.check'
const CONFIG_FILE = 'storage-encrypted.xml'
const KEY_ENV = 'MCP_AUDIT_INTERNAL_STORE_KEY_HEX'
const KEY_NAME = 'clickhouse.encryptionKey'

const STORAGE_CONFIG = `<clickhouse>
  <storage_configuration>
    <disks>
      <default/>
      <${ENCRYPTED_DISK}>
        <type>encrypted</type>
        <disk>default</disk>
        <path>${ENCRYPTED_DIR}/</path>
        <algorithm>AES_256_CTR</algorithm>
        <key_hex from_env="${KEY_ENV}"/>
      </${ENCRYPTED_DISK}>
    </disks>
    <policies>
      <default>
        <volumes><main><disk>${ENCRYPTED_DISK}</disk></main></volumes>
      </default>
    </policies>
  </storage_configuration>
</clickhouse>
`

function keyFingerprint(keyHex: string): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update('mcp-audit storage key check').digest('hex')
}

/** Table parts on the plain default disk: each MergeTree table directory has a format_version.txt. */
function plainTableDirectories(dir: string): string[] {
  const store = path.join(dir, 'store')
  if (!existsSync(store)) return []
  return readdirSync(store).flatMap((prefix) =>
    readdirSync(path.join(store, prefix), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(store, prefix, entry.name))
      .filter((tableDir) => existsSync(path.join(tableDir, 'format_version.txt'))),
  )
}

/**
 * Refuses to mix clear and encrypted data in one directory, and a key that does not match the
 * store's. An existing clear store is never converted silently (README "Encryption at rest").
 */
export function checkStoreLayout(dir: string, keyHex: string | undefined): void {
  const checkFile = path.join(dir, KEY_CHECK_FILE)
  const encrypted = existsSync(checkFile) || existsSync(path.join(dir, ENCRYPTED_DIR))
  if (keyHex === undefined) {
    if (encrypted) {
      throw new ConfigError(
        `the embedded store at ${dir} is encrypted: set ${KEY_NAME} (or MCP_AUDIT_STORAGE_KEY) to the key it was created with`,
        KEY_NAME,
      )
    }
    return
  }
  const plain = plainTableDirectories(dir)
  if (plain.length > 0) {
    throw new ConfigError(
      `${KEY_NAME} is set, but the embedded store at ${dir} already holds ${plain.length} tables in clear, ` +
        'and clear and encrypted data are never mixed: start with an empty data directory ' +
        '(MCP_AUDIT_DATA_DIR) for the encrypted store, or remove the key to keep using this one (README "Encryption at rest")',
      KEY_NAME,
    )
  }
  if (existsSync(checkFile)) {
    const stored = Buffer.from(readFileSync(checkFile, 'utf8').trim(), 'hex')
    const given = Buffer.from(keyFingerprint(keyHex), 'hex')
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) {
      throw new ConfigError(
        `${KEY_NAME} is not the key the embedded store at ${dir} was encrypted with: set the original key (MCP_AUDIT_STORAGE_KEY)`,
        KEY_NAME,
      )
    }
  } else if (encrypted) {
    throw new ConfigError(
      `the embedded store at ${dir} has encrypted data but no ${KEY_CHECK_FILE}, so ${KEY_NAME} cannot be checked against it; restore the file from a backup of the directory`,
      KEY_NAME,
    )
  }
}

/**
 * After checkStoreLayout: starts the engine on `dir` with the encrypted default policy and returns the session that holds
 * that configuration (close it with the store). Other connections to the same directory in this
 * process share the engine, and so the encrypted disk. Checks the engine took the configuration:
 * an engine already running on `dir` without it would otherwise write in clear.
 */
export function openEncryptedEngine(dir: string, keyHex: string): Session {
  const configFile = path.join(dir, CONFIG_FILE)
  writeFileSync(configFile, STORAGE_CONFIG, { mode: 0o600 })
  let session: Session
  // Set and removed within one synchronous stretch: no other code of this process (and no child
  // process it spawns) can see the key in the environment.
  process.env[KEY_ENV] = keyHex
  try {
    session = new Session(dir, { connectionArgs: [`--config-file=${configFile}`] })
  } finally {
    delete process.env[KEY_ENV]
  }
  const clearDisks = session
    .query(
      `SELECT count() FROM system.disks WHERE NOT is_encrypted AND name IN ` +
        `(SELECT arrayJoin(disks) FROM system.storage_policies WHERE policy_name = 'default')`,
      'TSV',
    )
    .trim()
  if (clearDisks !== '0') {
    session.close()
    throw new ConfigError(
      `the embedded engine on ${dir} was already running without ${KEY_NAME} in this process, so its tables would be written in clear; open the store once, with the key`,
      KEY_NAME,
    )
  }
  if (!existsSync(path.join(dir, KEY_CHECK_FILE))) {
    writeFileSync(path.join(dir, KEY_CHECK_FILE), `${keyFingerprint(keyHex)}\n`, { mode: 0o600 })
  }
  return session
}
