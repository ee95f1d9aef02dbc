import type { AuditRow } from '../../schemas/audit-row.js'
import { MatchRule } from '../../schemas/rules.js'
import type { AccessPolicy } from '../platform/access-policy.js'
import { PRIVILEGED_PERMISSIONS } from '../platform/access-policy.js'
import type { AlertCandidate } from './incidents.js'
import { matchGroup } from './match-group.js'

/**
 * Built-in, always on, and not part of the YAML pack (like mcp-audit-event-conflict): the judgement
 * needs the tenant's `rbac` map, which a rule file cannot see. Evaluated in the stream on stored
 * rows, raised through the alert store like any rule's. Their `match` only names what they are about.
 *
 * Only calls that succeeded are judged: a denied call is the gateway doing its job, and a failed
 * one did nothing. Judged by services/platform/access-policy.ts, as the report is.
 */

const ACCESS_CONTROL_TAGS = [
  'pci-dss:7.2',
  'soc2:CC6.1',
  'soc2:CC6.3',
  'iso27001:A.5.15',
  'iso27001:A.8.2',
  'hipaa:164.312(a)(1)',
]

export const PRIVILEGE_MISUSE_RULE = MatchRule.parse({
  id: 'mcp-audit-privilege-misuse',
  title: "Call succeeded that the caller's roles do not permit",
  description:
    "A call succeeded although none of the caller's roles grants the permission it needs " +
    '(tenants[].rbac: roles to permissions, tool globs per permission). The gateway let through ' +
    'what its role model forbids: a policy gap in the gateway, a role map out of date, or a ' +
    'misused account. The alert names the user (pseudonym), the roles, the tool and the permission it needed.',
  severity: 'high',
  tags: ['owasp-mcp:MCP02', 'owasp-mcp:MCP07', 'attack.privilege-escalation', ...ACCESS_CONTROL_TAGS],
  match: {
    all: [
      { field: 'status', equals: 'success' },
      { field: 'user_roles', exists: true },
    ],
  },
  suppress: { group_by: ['tenant_id', 'user_id', 'user_roles', 'method', 'tool'], duration: '1h' },
})

export const UNMAPPED_ROLE_RULE = MatchRule.parse({
  id: 'mcp-audit-unmapped-role',
  title: 'Privileged call succeeded for a caller without a known role',
  description:
    "A write or admin call succeeded for a caller whose roles the tenant's rbac map does not name " +
    '(no roles at all, or only other role names), so nobody can tell whether it was permitted. ' +
    'Have the gateway send user.roles, or map its role names in tenants[].rbac.roles. Other calls ' +
    "without a known role are counted in the report's access-control check, not alerted.",
  severity: 'low',
  tags: ['owasp-mcp:MCP07', ...ACCESS_CONTROL_TAGS],
  match: { field: 'status', equals: 'success' },
  suppress: { group_by: ['tenant_id', 'gateway', 'user_roles'], duration: '1d' },
})

/**
 * One candidate per rule and group, counting the calls, their event ids as samples (so a
 * redelivered row is not counted twice by the alert store).
 */
export function privilegeCandidates(
  rows: readonly AuditRow[],
  policyOf: (tenantId: string) => AccessPolicy,
): AlertCandidate[] {
  const groups = new Map<string, AlertCandidate>()
  for (const row of rows) {
    if (row.origin !== 'gateway' || row.status !== 'success') continue
    const verdict = policyOf(row.tenant_id).judge({
      method: row.method,
      tool: row.tool,
      roles: row.user_roles,
    })
    const rule =
      verdict.kind === 'not_permitted'
        ? PRIVILEGE_MISUSE_RULE
        : verdict.kind === 'unknown' && PRIVILEGED_PERMISSIONS.includes(verdict.permission)
          ? UNMAPPED_ROLE_RULE
          : undefined
    if (!rule) continue
    const group = { ...matchGroup(rule, row), required_permission: verdict.permission }
    const key = `${rule.id}\u0000${JSON.stringify(group)}`
    const at = new Date(row.occurred_at)
    const candidate = groups.get(key)
    if (!candidate) {
      groups.set(key, {
        rule,
        tenantId: row.tenant_id,
        group,
        count: 1,
        value: null,
        firstSeen: at,
        lastSeen: at,
        sampleEventIds: [row.event_id],
      })
      continue
    }
    candidate.count += 1
    candidate.sampleEventIds.push(row.event_id)
    if (at < candidate.firstSeen) candidate.firstSeen = at
    if (at > candidate.lastSeen) candidate.lastSeen = at
  }
  return [...groups.values()]
}
