import { createHash } from 'node:crypto'
import type { AppConfig } from '../../schemas/config.js'

/**
 * Secrets that ship in the repository's examples (docker-compose, Kubernetes manifests, the README)
 * or in public documentation. Anyone can read them, so a deployment that kept one has no secret:
 * an example token opens the collector or the console, and a known pseudonymization key lets anyone
 * reverse user pseudonyms by hashing candidate ids. The one list; every command refuses them at start.
 */

/** Words that mark a value as a stand-in, compared without case, spaces, `-` or `_`. */
const PLACEHOLDER_WORDS = ['changeme', 'replaceme']

/** Clear-text tokens printed in the examples (deploy/compose/mcp-audit.yaml). */
export const EXAMPLE_TOKENS: readonly string[] = [
  'compose-example-ingest-token-change-me',
  'compose-example-admin-token-change-me',
]

/** Published example secrets, refused whole. */
const EXAMPLE_SECRETS: readonly string[] = [
  // The Standard Webhooks specification's example signing secret.
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
]

const EXAMPLE_TOKEN_HASHES = new Set(
  EXAMPLE_TOKENS.map((token) => createHash('sha256').update(token).digest('hex')),
)

function isPlaceholder(value: string): boolean {
  const folded = value.toLowerCase().replace(/[\s_-]/g, '')
  return (
    PLACEHOLDER_WORDS.some((word) => folded.includes(word)) ||
    EXAMPLE_SECRETS.includes(value) ||
    EXAMPLE_TOKENS.includes(value)
  )
}

/** A token hash from the examples: the hash of an example token, or one digit repeated (`000…`). */
function isExampleTokenHash(sha256: string): boolean {
  return EXAMPLE_TOKEN_HASHES.has(sha256) || /^(.)\1{63}$/.test(sha256)
}

export interface PlaceholderIssue {
  path: Array<string | number>
  message: string
}

const FIX: Record<string, string> = {
  'clickhouse.password': 'set CLICKHOUSE_PASSWORD to a password of your own',
  'pseudonymization.key':
    'set MCP_AUDIT_PSEUDONYMIZATION_KEY to 32 random bytes (`openssl rand -base64 32`); a known key makes pseudonyms reversible',
  'reporter.signingKey':
    'set MCP_AUDIT_REPORT_SIGNING_KEY to a key of your own (`openssl genpkey -algorithm ed25519`) or remove it to have one generated',
  token:
    'generate a token (`openssl rand -base64 32`) and configure its hash: `printf %s "$TOKEN" | sha256sum`',
  webhook:
    "generate a secret of your own: node -e \"console.log('whsec_' + crypto.randomBytes(32).toString('base64'))\"",
}

/**
 * The secrets in `config` that are placeholders or published examples, each with its key and what to
 * do. Values are never quoted. Tokens and keys generated at run time (the dev tenant of `start`, the
 * generated pseudonymization and signing keys) are added after this check and are random anyway.
 */
export function placeholderSecretIssues(config: AppConfig): PlaceholderIssue[] {
  const issues: PlaceholderIssue[] = []
  const check = (value: string | undefined, path: Array<string | number>, fix: string) => {
    if (value !== undefined && isPlaceholder(value))
      issues.push({ path, message: `is a placeholder from the examples, not a secret: ${fix}` })
  }
  check(config.clickhouse.password, ['clickhouse', 'password'], FIX['clickhouse.password']!)
  check(config.pseudonymization.key, ['pseudonymization', 'key'], FIX['pseudonymization.key']!)
  check(config.reporter.signingKey, ['reporter', 'signingKey'], FIX['reporter.signingKey']!)
  config.tenants.forEach((tenant, t) =>
    tenant.tokens.forEach((token, k) => {
      check(token.value, ['tenants', t, 'tokens', k, 'value'], FIX.token!)
      if (token.sha256 !== undefined && isExampleTokenHash(token.sha256)) {
        issues.push({
          path: ['tenants', t, 'tokens', k, 'sha256'],
          message: `is the hash of an example token anyone can read: ${FIX.token!}`,
        })
      }
    }),
  )
  config.alerts.webhooks.forEach((webhook, w) =>
    check(webhook.secret, ['alerts', 'webhooks', w, 'secret'], FIX.webhook!),
  )
  return issues
}
