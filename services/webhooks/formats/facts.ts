import type { Alert } from '../../../schemas/alert.js'
import { plainLine, toIso } from './common.js'

/**
 * What a chat message tells about an alert, as label/value pairs, for Slack and Teams alike. The
 * values are plain single lines: the renderers put them where the receiver shows text literally
 * (Slack rich_text `text` elements, Adaptive Card `TextRun`s), never into Markdown or mrkdwn, which
 * have no reliable escape (Teams clients differ on backslashes; Slack has none for `*_~`).
 */

export interface Fact {
  label: string
  value: string
}

/** A tool or server name longer than this is cut: a chat message is read, not parsed. */
export const FACT_VALUE_MAX = 500
/** Slack's limit for a section's text; Teams cards stay well under their 28 KB. */
export const SUMMARY_MAX = 3_000

export function alertFacts(alert: Alert): Fact[] {
  const facts: Fact[] = [
    { label: 'Severity', value: alert.rule.severity },
    { label: 'Rule', value: `${alert.rule.id} (${alert.rule.kind})` },
    { label: 'Tenant', value: alert.tenant_id },
    {
      label: 'Count',
      value: alert.value === null ? String(alert.count) : `${alert.count} (value ${alert.value})`,
    },
    { label: 'First seen', value: toIso(alert.first_seen) },
    { label: 'Last seen', value: toIso(alert.last_seen) },
    ...Object.keys(alert.group)
      .sort()
      .map((key) => ({ label: key, value: alert.group[key]! })),
    ...(alert.rule.tags.length ? [{ label: 'Tags', value: alert.rule.tags.join(', ') }] : []),
  ]
  return facts.map(({ label, value }) => ({
    label: plainLine(label, FACT_VALUE_MAX),
    value: plainLine(value, FACT_VALUE_MAX),
  }))
}

/** The alert's title line: severity and rule title, plain. */
export function alertTitle(alert: Alert): string {
  return plainLine(`${alert.rule.severity.toUpperCase()}: ${alert.rule.title}`, FACT_VALUE_MAX)
}

export function alertSummary(alert: Alert): string {
  return plainLine(alert.summary, SUMMARY_MAX)
}
