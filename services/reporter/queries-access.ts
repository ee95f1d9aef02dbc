import type { RbacConfig } from '../../schemas/rbac.js'
import { createAccessPolicy } from '../platform/access-policy.js'
import type { Store } from '../platform/clickhouse.js'
import {
  roleActivity,
  userActions,
  wantsUserDetail,
  type AccessFacts,
  type CallGroup,
  type UserCallGroup,
} from './access.js'
import { num, periodEvents, queryRows, type ReportParams } from './query.js'

/** Access-control figures: calls by role, privileged actions and misuse by user (gateway calls only). */

/** (roles, method, tool) groups judged at most: made-up tool names cannot blow up a report. */
const MAX_GROUPS = 20_000
/** User rows of privileged or misused tools listed at most. */
const MAX_USER_ROWS = 1_000

const COUNTS = `count() AS calls, countIf(status = 'success') AS succeeded,
  countIf(status = 'denied') AS denied, countIf(status IN ('error', 'timeout')) AS errors`

interface CountRow {
  roles: string[]
  calls: string
  succeeded: string
  denied: string
  errors: string
}

const counts = (row: CountRow) => ({
  roles: row.roles,
  calls: num(row.calls),
  succeeded: num(row.succeeded),
  denied: num(row.denied),
  errors: num(row.errors),
})

export async function queryAccess(
  store: Store,
  params: ReportParams,
  rbac: RbacConfig,
): Promise<AccessFacts> {
  const policy = createAccessPolicy(rbac)
  const events = `${periodEvents(store.database)} AND origin = 'gateway'`
  const totals = await queryRows<CountRow>(
    store,
    `SELECT user_roles AS roles, ${COUNTS} FROM ${events} GROUP BY roles`,
    params,
  )
  const groupRows = await queryRows<CountRow & { method: string; tool: string }>(
    store,
    `SELECT user_roles AS roles, method, tool, ${COUNTS} FROM ${events}
     GROUP BY roles, method, tool ORDER BY calls DESC, method, tool LIMIT ${MAX_GROUPS + 1}`,
    params,
  )
  const groups: CallGroup[] = groupRows
    .slice(0, MAX_GROUPS)
    .map((row) => ({ ...counts(row), method: row.method, tool: row.tool }))
  const activity = roleActivity(rbac, policy, totals.map(counts), groups)

  const detailed = groups.filter((group) => wantsUserDetail(policy, group))
  let userRows: Array<CountRow & { method: string; tool: string; user: string; user_kind: string }> = []
  if (detailed.length > 0) {
    userRows = await queryRows(
      store,
      `SELECT user_id AS user, toString(user_id_kind) AS user_kind, user_roles AS roles, method, tool, ${COUNTS}
       FROM ${events} AND method IN {access_methods:Array(String)} AND tool IN {access_tools:Array(String)}
       GROUP BY user, user_kind, roles, method, tool
       ORDER BY calls DESC, user, method, tool LIMIT ${MAX_USER_ROWS + 1}`,
      {
        ...params,
        access_methods: [...new Set(detailed.map((group) => group.method))],
        access_tools: [...new Set(detailed.map((group) => group.tool))],
      },
    )
  }
  const users: UserCallGroup[] = userRows.slice(0, MAX_USER_ROWS).map((row) => ({
    ...counts(row),
    method: row.method,
    tool: row.tool,
    user: row.user,
    userKind: row.user_kind,
  }))
  return {
    roleMap: Object.entries(rbac.roles).map(([role, permissions]) => ({ role, permissions })),
    toolGlobs: rbac.tools,
    ...activity,
    ...userActions(policy, users),
    truncated: groupRows.length > MAX_GROUPS || userRows.length > MAX_USER_ROWS,
  }
}
