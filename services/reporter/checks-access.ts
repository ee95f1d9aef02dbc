import type { UserAction } from './access.js'
import type { Check } from './check.js'
import type { ReportData } from './data.js'

/**
 * `access-control`: calls are made within the caller's roles (least privilege: PCI DSS 7.2, SOC 2
 * CC6.1 and CC6.3, ISO 27001 A.5.15 and A.8.2, HIPAA 164.312(a)(1)). FAIL when a call succeeded
 * that the caller's roles do not permit; WARN when calls came from callers without a role the
 * tenant's rbac map names (access cannot be judged for them, so they never count as compliant) or
 * when there was nothing to judge.
 */

export const ACCESS_CONTROL_CHECK = 'access-control'

const MAX_EVIDENCE = 10

const count = (n: number) => n.toLocaleString('en-US')
const pct = (share: number) => `${(share * 100).toFixed(2)}%`

export function describeUser(user: string): string {
  return user === '' ? '(no user)' : user
}

export function describeRoles(roles: readonly string[]): string {
  return roles.length === 0 ? '(no role)' : roles.join(', ')
}

function misuseLine(action: UserAction): string {
  const what = action.tool === '' ? action.method : `${action.method} ${action.tool}`
  return `${describeUser(action.user)} (roles ${describeRoles(action.roles)}): ${what} needs ${action.permission}, succeeded ${count(action.succeeded)} times`
}

export function accessControlCheck(data: ReportData): Check {
  const access = data.access
  const unknownShare = access.calls === 0 ? 0 : access.withoutKnownRole / access.calls
  const misusers = new Set(access.misuse.map((action) => action.user)).size
  const status =
    access.notPermitted > 0 ? 'fail' : access.calls === 0 || access.withoutKnownRole > 0 ? 'warn' : 'pass'
  const summary =
    access.notPermitted > 0
      ? `${count(access.notPermitted)} calls succeeded that the caller's roles do not permit (${count(misusers)} users)`
      : access.calls === 0
        ? 'no gateway calls in the period to judge'
        : access.withoutKnownRole > 0
          ? `${count(access.withoutKnownRole)} of ${count(access.calls)} calls (${pct(unknownShare)}) came from callers without a role the rbac map names; none of the others exceeded its roles`
          : `all ${count(access.calls)} calls were within the caller's roles`
  const misuse = access.misuse.slice(0, MAX_EVIDENCE).map(misuseLine)
  const unknownRoles = access.roles.filter((role) => !role.inMap)
  return {
    id: ACCESS_CONTROL_CHECK,
    title: "Calls stay within the caller's roles (least privilege)",
    status,
    summary,
    evidence: [
      ...misuse,
      ...(access.misuse.length > MAX_EVIDENCE
        ? [`… and ${access.misuse.length - MAX_EVIDENCE} more (see access-misuse.csv)`]
        : []),
      `calls without a known role: ${count(access.withoutKnownRole)} (${pct(unknownShare)})`,
      ...(unknownRoles.length > 0
        ? [`roles not in the rbac map: ${unknownRoles.map((role) => role.role).join(', ')}`]
        : []),
      `role map: ${access.roleMap.map((entry) => `${entry.role} [${entry.permissions.join(', ')}]`).join('; ')}`,
      ...(access.truncated
        ? ['some call groups were beyond the report limits; counts shown are lower bounds']
        : []),
    ],
  }
}
