import type { Condition } from '../../../schemas/rules.js'
import { AUDIT_EVENTS } from '../../platform/store/audit-events.js'
import { tableName } from '../../platform/store/table.js'
import { compileCondition, groupValueOf, QueryParams, RuleCompileError } from './sql.js'
import type { WindowedRule } from './windows.js'

/** The pieces the one-window (compile.ts) and the range (compile-range.ts) compilers share. */

export interface CompiledQuery {
  sql: string
  params: Record<string, unknown>
}

/** Where a query looks: the store's database, and one tenant or all of them. */
export interface QueryScope {
  /** A validated identifier (schemas/config.ts); checked again here because it is spliced. */
  database: string
  /** Only this tenant's events; all tenants when absent (rows carry their tenant_id). */
  tenantId?: string
}

export const MAX_SAMPLE_EVENT_IDS = 10

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
export const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/** Group expressions selected as g0, g1, … (`select`), their names, and the map that names them. */
export interface GroupColumns {
  select: string[]
  names: string[]
  map: string
}

export interface Builder {
  params: QueryParams
  table: string
  /** Tenant, `where` and exceptions, as conditions joined with AND. */
  filters: (where: Condition | undefined) => string[]
  groups: (fields: readonly string[]) => GroupColumns
}

export function builder(rule: WindowedRule, scope: QueryScope): Builder {
  if (!IDENTIFIER.test(scope.database)) {
    throw new RuleCompileError(`database "${scope.database}" is not a plain identifier`)
  }
  const params = new QueryParams()
  return {
    params,
    table: tableName(scope.database, AUDIT_EVENTS),
    filters(where) {
      const out: string[] = []
      if (scope.tenantId !== undefined) out.push(`tenant_id = ${params.add('String', scope.tenantId)}`)
      if (where) out.push(compileCondition(where, params))
      if (rule.exceptions.length > 0) {
        out.push(`NOT (${rule.exceptions.map((c) => compileCondition(c, params)).join(' OR ')})`)
      }
      return out
    },
    groups(fields) {
      const unique = [...new Set(fields)]
      const names = unique.map((_, index) => `g${index}`)
      const select = unique.map((field, index) => `${groupValueOf(field, params)} AS g${index}`)
      const pairs = unique.map((field, index) => `${params.add('String', field)}, g${index}`)
      return { select, names, map: `CAST(map(${pairs.join(', ')}), 'Map(String, String)')` }
    },
  }
}

export function between(params: QueryParams, from: Date | number, to: Date | number): string {
  return `occurred_at >= ${params.time(from)} AND occurred_at < ${params.time(to)}`
}

export function where(conditions: string[]): string {
  return conditions.map((c) => `(${c})`).join('\n    AND ')
}

/** The candidate columns of a group: count, value, first and last seen, samples ('last': newest first). */
export function candidateColumns(map: string, value: string, samples: 'first' | 'last'): string {
  const order = samples === 'first' ? 'occurred_at' : '-toUnixTimestamp64Milli(occurred_at)'
  return [
    'tenant_id',
    `${map} AS \`group\``,
    'count() AS count',
    `CAST(${value}, 'Nullable(Float64)') AS value`,
    'min(occurred_at) AS first_seen',
    'max(occurred_at) AS last_seen',
    `arrayMap(e -> e.2, groupArraySorted(${MAX_SAMPLE_EVENT_IDS})((${order}, event_id))) AS sample_event_ids`,
  ].join(',\n  ')
}
