import { z } from 'zod'
import { globProblem } from './glob.js'

/**
 * Where a tenant's MCP calls may run, and the configuration fallbacks for the region and the TLS
 * flag of an event when the gateway record does not say (`tenants[].residency`, `tenants[].serverTls`).
 * The normalizer applies the fallbacks (services/normalizer/steps/placement.ts); the reporter's
 * `data-residency` and `transport-encryption` checks read the stored result.
 */

/**
 * A cloud or data-centre region as providers name them (`us-east-1`, `cn-north-1`, `europe-west3`,
 * `eastus2`). Compared in lower case: gateways and OTel `cloud.region` differ in case.
 */
export const Region = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{0,62}$/,
    'must be a region name such as us-east-1 or cn-north-1 (letters, digits, ".", "_" or "-", at most 63)',
  )

/** A server name, or a glob over server names (`*` any run of characters; schemas/glob.ts). */
const ServerPattern = z
  .string()
  .trim()
  .superRefine((glob, context) => {
    const problem = globProblem(glob)
    if (problem !== null) context.addIssue({ code: 'custom', message: `server name or glob ${problem}` })
  })

export const ResidencyConfig = z.object({
  /** Regions the tenant's calls may run in; a call elsewhere fails `data-residency` and fires the rule. */
  allowedRegions: z.array(Region).min(1, 'list at least one region'),
  /** The region of a server whose gateway does not report one: exact name first, then globs in order. */
  serverRegions: z.record(ServerPattern, Region).default({}),
  /** The region of everything an ingest token (by its name in `tokens`) sends without a region of its own. */
  gatewayRegions: z.record(z.string().min(1), Region).default({}),
  /** `data-residency` warns when calls of unknown region exceed this share of the period's calls. */
  unknownWarnShare: z.coerce.number().min(0).max(1).default(0.01),
})
export type ResidencyConfig = z.infer<typeof ResidencyConfig>

/**
 * Whether calls to a server travel over TLS when the gateway record does not say (`true` for
 * https/wss/mTLS, `false` for plaintext): server name or glob → flag, exact name first.
 */
export const ServerTlsConfig = z.record(
  ServerPattern,
  z.boolean({ error: 'must be true (TLS) or false (plaintext)' }),
)
export type ServerTlsConfig = z.infer<typeof ServerTlsConfig>

/**
 * Cross-field check of a tenant: `gatewayRegions` names the tenant's own ingest tokens, since the
 * stored `gateway` of an event is the name of the token that sent it.
 */
export function residencyIssues(tenant: {
  tokens: ReadonlyArray<{ name: string; scope: string }>
  residency?: ResidencyConfig | undefined
}): Array<{ path: Array<string | number>; message: string }> {
  const ingest = tenant.tokens.filter((token) => token.scope === 'ingest').map((token) => token.name)
  return Object.keys(tenant.residency?.gatewayRegions ?? {})
    .filter((name) => !ingest.includes(name))
    .map((name) => ({
      path: ['residency', 'gatewayRegions', name],
      message: `"${name}" is not an ingest token of this tenant (ingest tokens: ${ingest.join(', ') || 'none'})`,
    }))
}

/**
 * The attribute that holds the address (host name or IP) of the MCP server a call went to, when the
 * gateway record names it (OTel `server.address`, the host of an upstream URL). The normalizer
 * derives `server_loopback` from it before redaction.
 */
export const SERVER_ADDRESS_ATTRIBUTE = 'server.address'
