import { NO_ROLE, type UserAction } from './access.js'
import type { Check } from './check.js'
import type { ReportData } from './data.js'
import type { ReportText } from './i18n/index.js'

/**
 * `access-control`: calls are made within the caller's roles (least privilege: PCI DSS 7.2, SOC 2
 * CC6.1 and CC6.3, ISO 27001 A.5.15 and A.8.2, HIPAA 164.312(a)(1)). FAIL when a call succeeded
 * that the caller's roles do not permit; WARN when calls came from callers without a role the
 * tenant's rbac map names (access cannot be judged for them, so they never count as compliant) or
 * when there was nothing to judge.
 */

export const ACCESS_CONTROL_CHECK = 'access-control'

const MAX_EVIDENCE = 10

export function describeUser(user: string, text: ReportText): string {
  return user === '' ? text.report.access.noUser : user
}

/** A role as the report shows it: the marker of calls that sent no role reads in the report's language. */
export function describeRole(role: string, text: ReportText): string {
  return role === NO_ROLE ? text.report.access.noRole : role
}

export function describeRoles(roles: readonly string[], text: ReportText): string {
  return roles.length === 0
    ? text.report.access.noRole
    : roles.map((role) => describeRole(role, text)).join(text.report.common.itemSeparator)
}

/** Permission names in the report's language, joined as a list. */
export function describePermissions(permissions: readonly string[], text: ReportText): string {
  return permissions
    .map((permission) => text.term('permission', permission))
    .join(text.report.common.itemSeparator)
}

function misuseLine(action: UserAction, text: ReportText): string {
  return text.format(text.checks[ACCESS_CONTROL_CHECK].misuse, {
    user: describeUser(action.user, text),
    roles: describeRoles(action.roles, text),
    action: action.tool === '' ? action.method : `${action.method} ${action.tool}`,
    permission: text.term('permission', action.permission),
    count: action.succeeded,
  })
}

export function accessControlCheck(data: ReportData, text: ReportText): Check {
  const { format } = text
  const m = text.checks[ACCESS_CONTROL_CHECK]
  const access = data.access
  const unknownShare = access.calls === 0 ? 0 : access.withoutKnownRole / access.calls
  const misusers = new Set(access.misuse.map((action) => action.user)).size
  const status =
    access.notPermitted > 0 ? 'fail' : access.calls === 0 || access.withoutKnownRole > 0 ? 'warn' : 'pass'
  const summary =
    access.notPermitted > 0
      ? format(m.fail, { count: access.notPermitted, users: misusers })
      : access.calls === 0
        ? m.noCalls
        : access.withoutKnownRole > 0
          ? format(m.warn, {
              unknown: access.withoutKnownRole,
              calls: access.calls,
              share: text.pct(unknownShare),
            })
          : format(m.pass, { calls: access.calls })
  const misuse = access.misuse.slice(0, MAX_EVIDENCE).map((action) => misuseLine(action, text))
  const unknownRoles = access.roles.filter((role) => !role.inMap)
  const roleMap = access.roleMap
    .map((entry) =>
      format(m.roleMapEntry, { role: entry.role, permissions: describePermissions(entry.permissions, text) }),
    )
    .join(text.report.common.listSeparator)
  return {
    id: ACCESS_CONTROL_CHECK,
    title: m.title,
    status,
    summary,
    evidence: [
      ...misuse,
      ...(access.misuse.length > MAX_EVIDENCE
        ? [format(m.more, { n: String(access.misuse.length - MAX_EVIDENCE) })]
        : []),
      format(m.withoutRole, { count: access.withoutKnownRole, share: text.pct(unknownShare) }),
      ...(unknownRoles.length > 0
        ? [
            format(m.unknownRoles, {
              roles: describeRoles(
                unknownRoles.map((role) => role.role),
                text,
              ),
            }),
          ]
        : []),
      format(m.roleMap, { entries: roleMap }),
      ...(access.truncated ? [m.truncated] : []),
    ],
  }
}
