import type { Check } from './check.js'
import { evaluateChecks, type IntegrityFacts } from './checks.js'
import type { ReportData } from './data.js'
import { buildDocument, type ReportDocument } from './document.js'
import { frameworkSections, type FrameworkSection } from './frameworks.js'
import type { ReportText } from './i18n/index.js'
import { complianceSections, securitySections } from './sections.js'
import { accessSections } from './sections-access.js'
import { activitySections } from './sections-activity.js'

/** From a report's figures to its document: checks, framework sections and every section, in one language. */
export function composeReport(
  data: ReportData,
  integrity: IntegrityFacts,
  text: ReportText,
): { checks: Check[]; frameworks: FrameworkSection[]; document: ReportDocument } {
  const checks = evaluateChecks(data, integrity, undefined, text)
  const frameworks = frameworkSections(data.tenant.frameworks, checks, text)
  const document = buildDocument({
    data,
    checks,
    frameworks,
    activitySections: activitySections(data, text),
    securitySections: [...securitySections(data, text), ...accessSections(data, text)],
    complianceSections: complianceSections(data, checks, frameworks, text),
    text,
  })
  return { checks, frameworks, document }
}
