import { compileGlob, type GlobMatcher } from '../../schemas/glob.js'
import { PERMISSIONS, RbacConfig, type Permission } from '../../schemas/rbac.js'

/**
 * Judges a stored call against a tenant's `rbac` (schemas/rbac.ts): which permission the call
 * needed and whether the caller's roles grant it. One implementation for the detector's
 * privilege-misuse rule and the report's access-control section, so an alert and a report agree.
 *
 * - `tools/call` needs the most privileged permission whose tool globs match the tool, else
 *   `execute`; every other method (lists, reads, prompts, initialize, ping) needs `read`.
 * - The caller's permissions are the union over its roles that the map names. Role names are
 *   compared exactly: a gateway's `MCP-Admin` is not `mcp-admin`.
 * - A caller with no role the map names (no roles at all, or only other names) is `unknown`: that
 *   is neither permitted nor misuse, and is reported on its own.
 */

export type AccessVerdict =
  | { kind: 'permitted'; permission: Permission }
  | { kind: 'not_permitted'; permission: Permission }
  | { kind: 'unknown'; permission: Permission }

export interface AccessCall {
  method: string
  tool: string
  roles: readonly string[]
}

export interface AccessPolicy {
  requiredPermission: (method: string, tool: string) => Permission
  judge: (call: AccessCall) => AccessVerdict
  /** Whether the map names this role. */
  knowsRole: (role: string) => boolean
}

/** Permissions whose use the report lists per user. */
export const PRIVILEGED_PERMISSIONS: readonly Permission[] = ['write', 'admin']

/** Distinct tool names remembered per policy; a flood of made-up names only costs recomputation. */
const MAX_REMEMBERED_TOOLS = 10_000

export function createAccessPolicy(rbac: RbacConfig): AccessPolicy {
  const mostPrivilegedFirst = [...PERMISSIONS].reverse()
  const globs: Array<{ permission: Permission; matchers: GlobMatcher[] }> = mostPrivilegedFirst.map(
    (permission) => ({ permission, matchers: rbac.tools[permission].map(compileGlob) }),
  )
  const grants = new Map(
    Object.entries(rbac.roles).map(([role, permissions]) => [role, new Set(permissions)]),
  )
  const toolPermissions = new Map<string, Permission>()

  function toolPermission(tool: string): Permission {
    const known = toolPermissions.get(tool)
    if (known) return known
    const permission =
      globs.find(({ matchers }) => matchers.some((matches) => matches(tool)))?.permission ?? 'execute'
    if (toolPermissions.size >= MAX_REMEMBERED_TOOLS) toolPermissions.clear()
    toolPermissions.set(tool, permission)
    return permission
  }

  const requiredPermission = (method: string, tool: string): Permission =>
    method === 'tools/call' ? toolPermission(tool) : 'read'

  return {
    requiredPermission,
    knowsRole: (role) => grants.has(role),
    judge(call) {
      const permission = requiredPermission(call.method, call.tool)
      const known = call.roles.filter((role) => grants.has(role))
      if (known.length === 0) return { kind: 'unknown', permission }
      return known.some((role) => grants.get(role)?.has(permission))
        ? { kind: 'permitted', permission }
        : { kind: 'not_permitted', permission }
    },
  }
}

/** The policy of each configured tenant; a tenant without configuration gets the default one. */
export function accessPolicies(tenants: ReadonlyArray<{ id: string; rbac: RbacConfig }>): {
  of: (tenantId: string) => AccessPolicy
} {
  const byTenant = new Map(tenants.map((tenant) => [tenant.id, createAccessPolicy(tenant.rbac)]))
  let fallback: AccessPolicy | undefined
  return {
    of: (tenantId) => byTenant.get(tenantId) ?? (fallback ??= createAccessPolicy(RbacConfig.parse({}))),
  }
}
