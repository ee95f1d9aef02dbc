import { PERMISSIONS } from '../../schemas/rbac.js'
import type { UserAction } from './access.js'
import { describePermissions, describeRole, describeRoles, describeUser } from './checks-access.js'
import type { ReportData } from './data.js'
import type { Cell, Column, Section } from './document.js'
import type { ReportText } from './i18n/index.js'

/**
 * The access-control section: calls by role, privileged (write and admin) actions by user and the
 * calls that succeeded without permission. Users appear as stored: keyed pseudonyms, or the names
 * of service accounts kept in clear (`pseudonymization.serviceAccounts`).
 */

function actionColumns(text: ReportText): Column[] {
  const a = text.report.access
  return [
    { label: a.user, width: 2 },
    { label: a.roles, width: 1.7 },
    { label: a.tool, width: 1.9 },
    { label: a.needs, width: 0.8 },
    { label: a.succeeded, align: 'right', width: 1.2 },
    { label: a.denied, align: 'right', width: 0.9 },
    { label: a.permitted, width: 1.2 },
  ]
}

function actionRow(action: UserAction, text: ReportText): Cell[] {
  return [
    describeUser(action.user, text),
    describeRoles(action.roles, text),
    action.tool === '' ? action.method : action.tool,
    text.term('permission', action.permission),
    action.succeeded,
    action.denied,
    text.report.access.verdict[action.verdict],
  ]
}

export function accessSections(data: ReportData, text: ReportText): Section[] {
  const a = text.report.access
  const access = data.access
  const globs = PERMISSIONS.map((permission) =>
    text.format(a.globs, {
      permission: text.term('permission', permission),
      globs: access.toolGlobs[permission].join(' ') || a.none,
    }),
  ).join(text.report.common.listSeparator)
  const columns = actionColumns(text)
  return [
    {
      id: 'access',
      title: a.title,
      blocks: [
        { kind: 'text', text: text.format(a.explanation, { globs }) },
        {
          kind: 'table',
          table: {
            id: 'access-by-role',
            title: a.byRole,
            columns: [
              { label: a.role, width: 2 },
              { label: a.permissions, width: 2.2 },
              { label: a.calls, align: 'right' },
              { label: a.denied, align: 'right' },
              { label: a.errors, align: 'right' },
              { label: a.withoutPermission, align: 'right', width: 1.6 },
            ],
            rows: access.roles.map((role) => [
              describeRole(role.role, text),
              role.inMap ? describePermissions(role.permissions, text) || a.none : a.notInMap,
              role.calls,
              role.denied,
              role.errors,
              role.notPermitted,
            ]),
            empty: a.noCalls,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'access-privileged',
            title: a.privileged,
            columns,
            rows: access.privileged.map((action) => actionRow(action, text)),
            empty: a.noPrivileged,
          },
        },
        {
          kind: 'table',
          table: {
            id: 'access-misuse',
            title: a.misuse,
            columns,
            rows: access.misuse.map((action) => actionRow(action, text)),
            empty: a.noMisuse,
          },
        },
      ],
    },
  ]
}
