import { z } from 'zod'
import { globProblem } from './glob.js'

/**
 * `tenants[].rbac`: what the roles a gateway sends in `user.roles` may do, and which permission
 * each MCP call needs. The privilege-misuse rule and the report's access-control section judge
 * stored calls against it (services/platform/access-policy.ts).
 */

/** Least to most privileged; a tool matched by globs of several permissions needs the last of them. */
export const PERMISSIONS = ['read', 'execute', 'write', 'admin'] as const
export const Permission = z.enum(PERMISSIONS, {
  error: (issue) => `unknown permission ${JSON.stringify(issue.input)}: use read, write, execute or admin`,
})
export type Permission = z.infer<typeof Permission>

/** The seed design's roles, used when a tenant names none. */
export const DEFAULT_ROLES: Record<string, Permission[]> = {
  'mcp-user': ['read'],
  'mcp-developer': ['read', 'execute'],
  'mcp-admin': ['read', 'write', 'execute', 'admin'],
}

/**
 * Tool names that change state (write) or change who may do what, or run arbitrary commands
 * (admin). Other tools need `execute`; methods other than `tools/call` need `read`. Broad on
 * purpose: a tool wrongly taken for a write raises an alert to review, a write taken for a plain
 * call raises nothing.
 */
export const DEFAULT_TOOL_GLOBS: Record<Permission, string[]> = {
  read: [],
  execute: [],
  write: [
    '*write*',
    '*delete*',
    '*remove*',
    '*create*',
    '*update*',
    '*edit*',
    '*move*',
    '*rename*',
    '*insert*',
    '*upsert*',
    '*drop*',
    '*truncate*',
    '*upload*',
    '*push*',
    '*git_commit*',
    '*merge*',
    '*patch*',
    '*publish*',
    '*deploy*',
    '*send*',
    'set_*',
    '*_set_*',
  ],
  admin: ['*admin*', '*sudo*', '*grant*', '*revoke*', '*permission*', '*role*', '*shell*', '*terminal*'],
}

const Glob = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob)
  if (problem) {
    ctx.addIssue({
      code: 'custom',
      message: `glob ${JSON.stringify(glob)} ${problem}; a glob is a tool name with * for any run of characters`,
    })
  }
})
const GlobList = z.array(Glob).max(500, 'at most 500 globs per permission')

const RoleName = z.string().min(1, 'a role name must not be empty').max(128)

export const RbacConfig = z
  .object({
    /** Role name → permissions. Replaces the default roles as a whole: list every role gateways send. */
    roles: z
      .record(RoleName, z.array(Permission))
      .refine((roles) => Object.keys(roles).length > 0, {
        message: 'name at least one role (or leave roles out for mcp-user, mcp-developer and mcp-admin)',
      })
      .default(DEFAULT_ROLES),
    /** Tool-name globs per permission; each permission given replaces its default list. */
    tools: z
      .object({
        read: GlobList.default(DEFAULT_TOOL_GLOBS.read),
        execute: GlobList.default(DEFAULT_TOOL_GLOBS.execute),
        write: GlobList.default(DEFAULT_TOOL_GLOBS.write),
        admin: GlobList.default(DEFAULT_TOOL_GLOBS.admin),
      })
      .strict()
      .prefault({}),
  })
  .strict()
export type RbacConfig = z.infer<typeof RbacConfig>
