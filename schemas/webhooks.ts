import { z } from 'zod'
import { parseCidr } from './cidr.js'

/**
 * The webhook part of the configuration (`alerts.webhooks`, `alerts.allowPrivateNetworks`), with
 * every check a webhook needs to work, so a bad entry stops the start naming its key instead of
 * failing when the first delivery is attempted.
 */

/** In a webhook's `tenants`: every tenant, chosen explicitly (tenant ids cannot contain `*`). */
export const ALL_TENANTS = '*'

export const WebhookFormat = z.enum(['standard', 'slack', 'pagerduty', 'alertmanager', 'teams'])
export type WebhookFormat = z.infer<typeof WebhookFormat>

const STANDARD_SECRET_PREFIX = 'whsec_'

export type StandardSecret = { ok: true; key: Buffer } | { ok: false; reason: string }

/** The HMAC key of a `whsec_<base64>` secret (24–64 bytes, as Standard Webhooks asks). */
export function readStandardSecret(secret: string): StandardSecret {
  const encoded = secret.startsWith(STANDARD_SECRET_PREFIX)
    ? secret.slice(STANDARD_SECRET_PREFIX.length)
    : secret
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    return { ok: false, reason: 'a Standard Webhooks secret must be "whsec_" followed by base64' }
  }
  const key = Buffer.from(encoded, 'base64')
  if (key.length < 24 || key.length > 64) {
    return {
      ok: false,
      reason:
        `a Standard Webhooks secret must hold 24 to 64 random bytes, this one holds ${key.length}; ` +
        "generate one with: node -e \"console.log('whsec_' + crypto.randomBytes(32).toString('base64'))\"",
    }
  }
  return { ok: true, key }
}

export const WebhookConfig = z
  .object({
    name: z.string().min(1),
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    format: WebhookFormat.default('standard'),
    secret: z.string().optional(),
    minSeverity: z.enum(['info', 'low', 'medium', 'high', 'critical']).default('medium'),
    /**
     * The tenants whose alerts and report notices this webhook receives (`"*"`: every tenant).
     * Required when the configuration has more than one tenant (see config.ts); without it, a
     * single-tenant configuration's webhook receives that tenant's.
     */
    tenants: z
      .array(z.string().min(1))
      .min(1, `list at least one tenant id, or "${ALL_TENANTS}" for every tenant`)
      .optional(),
  })
  .superRefine((webhook, ctx) => {
    if (webhook.format === 'pagerduty' && !webhook.secret) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'a pagerduty webhook needs its integration (routing) key as secret',
      })
    }
    if (webhook.format === 'standard' && webhook.secret !== undefined) {
      const secret = readStandardSecret(webhook.secret)
      if (!secret.ok) ctx.addIssue({ code: 'custom', path: ['secret'], message: secret.reason })
    }
  })
export type WebhookConfig = z.output<typeof WebhookConfig>

/** Whether a webhook receives the alerts and report notices of this tenant. */
export function webhookReceivesTenant(webhook: Pick<WebhookConfig, 'tenants'>, tenantId: string): boolean {
  const { tenants } = webhook
  return tenants === undefined || tenants.includes(ALL_TENANTS) || tenants.includes(tenantId)
}

/** Webhook names are what report schedules and delivery records refer to: one webhook per name. */
export const WebhookList = z.array(WebhookConfig).superRefine((webhooks, ctx) => {
  const seen = new Set<string>()
  webhooks.forEach((webhook, index) => {
    if (seen.has(webhook.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `"${webhook.name}" is used twice; webhook names must be unique`,
      })
    }
    seen.add(webhook.name)
  })
})

/** One entry of `alerts.allowPrivateNetworks`: a CIDR or a single address. */
export const AllowedNetwork = z.string().superRefine((text, ctx) => {
  try {
    parseCidr(text)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message })
  }
})
