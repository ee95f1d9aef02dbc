import { PERMISSIONS } from '../../schemas/rbac.js'
import type { UserAction } from './access.js'
import { describeRoles, describeUser } from './checks-access.js'
import type { ReportData } from './data.js'
import type { Cell, Column, Section } from './document.js'

/**
 * The access-control section: calls by role, privileged (write and admin) actions by user and the
 * calls that succeeded without permission. Users appear as stored: keyed pseudonyms, or the names
 * of service accounts kept in clear (`pseudonymization.serviceAccounts`).
 */

const VERDICT_LABEL = { permitted: 'yes', not_permitted: 'NO', unknown: 'unknown role' } as const

const ACTION_COLUMNS: Column[] = [
  { label: 'User (pseudonymized)', width: 2 },
  { label: 'Roles', width: 1.7 },
  { label: 'Tool', width: 1.9 },
  { label: 'Needs', width: 0.8 },
  { label: 'Succeeded', align: 'right', width: 1.2 },
  { label: 'Denied', align: 'right', width: 0.9 },
  { label: 'Permitted', width: 1.2 },
]

function actionRow(action: UserAction): Cell[] {
  return [
    describeUser(action.user),
    describeRoles(action.roles),
    action.tool === '' ? action.method : action.tool,
    action.permission,
    action.succeeded,
    action.denied,
    VERDICT_LABEL[action.verdict],
  ]
}

export function accessSections(data: ReportData): Section[] {
  const access = data.access
  const globs = PERMISSIONS.map(
    (permission) => `${permission}: ${access.toolGlobs[permission].join(' ') || '(none)'}`,
  ).join('; ')
  return [
    {
      id: 'access',
      title: 'Access control (RBAC)',
      blocks: [
        {
          kind: 'text',
          text:
            "Each call is judged against the tenant's rbac map (tenants[].rbac): tools/call needs the most privileged " +
            'permission whose tool globs match the tool, else execute; every other method needs read. A caller ' +
            'has the permissions of its roles that the map names; a caller with none of them is counted as ' +
            `unknown, never as permitted. Tool globs: ${globs}.`,
        },
        {
          kind: 'table',
          table: {
            id: 'access-by-role',
            title: 'Calls by role (a call by several roles counts under each)',
            columns: [
              { label: 'Role', width: 2 },
              { label: 'Permissions', width: 2.2 },
              { label: 'Calls', align: 'right' },
              { label: 'Denied', align: 'right' },
              { label: 'Errors', align: 'right' },
              { label: 'Succeeded without permission', align: 'right', width: 1.6 },
            ],
            rows: access.roles.map((role) => [
              role.role,
              role.inMap ? role.permissions.join(', ') || '(none)' : 'not in rbac map',
              role.calls,
              role.denied,
              role.errors,
              role.notPermitted,
            ]),
            empty: 'No gateway calls in the period.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'access-privileged',
            title: 'Privileged actions (write and admin) by user',
            columns: ACTION_COLUMNS,
            rows: access.privileged.map(actionRow),
            empty: 'No write or admin calls in the period.',
          },
        },
        {
          kind: 'table',
          table: {
            id: 'access-misuse',
            title: "Calls that succeeded although the caller's roles do not permit them",
            columns: ACTION_COLUMNS,
            rows: access.misuse.map(actionRow),
            empty: "No call succeeded beyond the caller's roles.",
          },
        },
      ],
    },
  ]
}
