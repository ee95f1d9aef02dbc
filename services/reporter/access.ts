import type { Permission, RbacConfig } from '../../schemas/rbac.js'
import { PRIVILEGED_PERMISSIONS, type AccessPolicy } from '../platform/access-policy.js'

/**
 * The report's access-control figures, judged by the same policy as the detector's
 * mcp-audit-privilege-misuse rule (services/platform/access-policy.ts). Pure: queries-access.ts
 * feeds it grouped counts from the store.
 */

/** The role column of calls whose caller sent no role at all. */
export const NO_ROLE = '(no role)'

export interface RoleActivity {
  role: string
  /** Whether the tenant's rbac map names the role (it grants nothing otherwise). */
  inMap: boolean
  permissions: Permission[]
  calls: number
  denied: number
  /** Calls that failed (error or timeout). */
  errors: number
  /** Calls that succeeded although none of the caller's known roles permits them. */
  notPermitted: number
}

export type Verdict = 'permitted' | 'not_permitted' | 'unknown'

export interface UserAction {
  /** As stored: a keyed pseudonym, a service account's name, or '' for no user. */
  user: string
  userKind: string
  roles: string[]
  method: string
  tool: string
  permission: Permission
  calls: number
  succeeded: number
  denied: number
  errors: number
  /** Whether the caller's roles permit the call (`unknown`: no role the map names). */
  verdict: Verdict
}

export interface AccessFacts {
  roleMap: Array<{ role: string; permissions: Permission[] }>
  toolGlobs: Record<Permission, string[]>
  calls: number
  /** Calls whose caller has no role the map names: not judged, never counted as permitted. */
  withoutKnownRole: number
  /** Successful calls that the caller's known roles do not permit. */
  notPermitted: number
  /** A call with several roles counts under each. */
  roles: RoleActivity[]
  /** Write and admin calls by user, tool and roles. */
  privileged: UserAction[]
  /** Successful calls without permission, by user, tool and roles (any permission). */
  misuse: UserAction[]
  /** Some (method, tool) groups or user rows were left out by the report's limits. */
  truncated: boolean
}

export interface CallCounts {
  calls: number
  succeeded: number
  denied: number
  errors: number
}

export interface CallGroup extends CallCounts {
  roles: string[]
  method: string
  tool: string
}

export interface UserCallGroup extends CallGroup {
  user: string
  userKind: string
}

function rolesOf(roles: readonly string[]): string[] {
  return roles.length > 0 ? [...new Set(roles)] : [NO_ROLE]
}

/**
 * Per-role figures: `totals` are exact counts per set of roles; `groups` split them by method and
 * tool to judge each (they may be capped, which only affects `notPermitted`).
 */
export function roleActivity(
  rbac: RbacConfig,
  policy: AccessPolicy,
  totals: ReadonlyArray<CallCounts & { roles: string[] }>,
  groups: readonly CallGroup[],
): { roles: RoleActivity[]; calls: number; withoutKnownRole: number; notPermitted: number } {
  const byRole = new Map<string, RoleActivity>()
  const entry = (role: string): RoleActivity => {
    let activity = byRole.get(role)
    if (!activity) {
      const permissions = rbac.roles[role]
      activity = {
        role,
        inMap: permissions !== undefined,
        permissions: permissions ?? [],
        calls: 0,
        denied: 0,
        errors: 0,
        notPermitted: 0,
      }
      byRole.set(role, activity)
    }
    return activity
  }
  let calls = 0
  let withoutKnownRole = 0
  for (const total of totals) {
    calls += total.calls
    if (!total.roles.some(policy.knowsRole)) withoutKnownRole += total.calls
    for (const role of rolesOf(total.roles)) {
      const activity = entry(role)
      activity.calls += total.calls
      activity.denied += total.denied
      activity.errors += total.errors
    }
  }
  let notPermitted = 0
  for (const group of groups) {
    if (group.succeeded === 0) continue
    if (policy.judge(group).kind !== 'not_permitted') continue
    notPermitted += group.succeeded
    for (const role of rolesOf(group.roles)) entry(role).notPermitted += group.succeeded
  }
  const roles = [...byRole.values()].sort((a, b) => b.calls - a.calls || a.role.localeCompare(b.role))
  return { roles, calls, withoutKnownRole, notPermitted }
}

/** Whether the users' rows of a (method, tool) group are worth fetching: privileged or misused. */
export function wantsUserDetail(policy: AccessPolicy, group: CallGroup): boolean {
  const verdict = policy.judge(group)
  return (
    PRIVILEGED_PERMISSIONS.includes(verdict.permission) ||
    (verdict.kind === 'not_permitted' && group.succeeded > 0)
  )
}

/** Privileged actions and misuse by user, from the users' rows of the groups `wantsUserDetail` chose. */
export function userActions(
  policy: AccessPolicy,
  rows: readonly UserCallGroup[],
): { privileged: UserAction[]; misuse: UserAction[] } {
  const actions = rows.map((row): UserAction => {
    const verdict = policy.judge(row)
    return { ...row, permission: verdict.permission, verdict: verdict.kind }
  })
  return {
    privileged: actions.filter((action) => PRIVILEGED_PERMISSIONS.includes(action.permission)),
    misuse: actions.filter((action) => action.verdict === 'not_permitted' && action.succeeded > 0),
  }
}
