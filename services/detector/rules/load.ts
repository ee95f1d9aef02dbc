import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { LineCounter, parseAllDocuments, type Document } from 'yaml'
import { RULE_KINDS, RULE_SCHEMAS, type Rule } from '../../../schemas/rules.js'
import { checkRule } from './checks.js'
import { describeIssues, formatPath, type PathMessage } from './issues.js'

/** One problem with one rule file: where it is, and what to do about it. */
export interface RuleError {
  file: string
  ruleId?: string
  /** Key path inside the rule, e.g. `threshold.aggregate.numerator.regex`; '' for the file or rule as a whole. */
  path: string
  /** 1-based line in the file, when known. */
  line?: number
  message: string
}

export interface LoadedRules {
  rules: Rule[]
  errors: RuleError[]
  /** Every rule file read, in order. */
  files: string[]
}

export function formatRuleError(error: RuleError): string {
  const where = error.line === undefined ? error.file : `${error.file}:${error.line}`
  const rule = error.ruleId ? ` rule ${error.ruleId}:` : ''
  const path = error.path ? ` ${error.path}:` : ''
  return `${where}:${rule}${path} ${error.message}`
}

const RULE_EXTENSIONS = new Set(['.yaml', '.yml'])

/** Rule files under a folder, sorted; `tests/` (rule tests) and hidden folders are not rules. */
function ruleFilesIn(folder: string): string[] {
  const files: string[] = []
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'tests') files.push(...ruleFilesIn(path))
    } else if (RULE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      files.push(path)
    }
  }
  return files
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Validates one rule: its kind key first, then that kind's schema, then fields, regexes and networks. */
export function validateRule(raw: unknown): { rule?: Rule; problems: PathMessage[] } {
  if (!isObject(raw)) {
    return {
      problems: [
        {
          path: [],
          message:
            'a rule must be a mapping with id, title, severity and one of match, threshold, new_term, sequence or absence',
        },
      ],
    }
  }
  const kinds = RULE_KINDS.filter((kind) => kind in raw)
  if (kinds.length === 0) {
    return {
      problems: [
        {
          path: [],
          message: `no detection: add one of ${RULE_KINDS.join(', ')} (match looks at one event; the others at windows of events)`,
        },
      ],
    }
  }
  if (kinds.length > 1) {
    return {
      problems: [
        {
          path: [kinds[1]!],
          message: `a rule has exactly one detection, this one has ${kinds.join(' and ')}: split it into ${kinds.length} rules`,
        },
      ],
    }
  }
  const parsed = RULE_SCHEMAS[kinds[0]!].safeParse(raw, { reportInput: true })
  if (!parsed.success) return { problems: describeIssues(parsed.error.issues) }
  const rule = parsed.data
  return { rule, problems: checkRule(rule) }
}

function lineOf(doc: Document, counter: LineCounter, path: Array<string | number>): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true)
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range) return counter.linePos(range[0]).line
  }
  return undefined
}

interface FileRules {
  rules: Rule[]
  errors: RuleError[]
}

function loadFile(file: string): FileRules {
  const rules: Rule[] = []
  const errors: RuleError[] = []
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    return {
      rules,
      errors: [
        {
          file,
          path: '',
          message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path and permissions`,
        },
      ],
    }
  }
  const counter = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false })
  let seen = 0
  for (const doc of docs) {
    const [syntax] = doc.errors
    if (syntax) {
      // Later errors in a document usually follow from the first.
      const message = `not valid YAML: ${syntax.message.split('\n')[0]!}`
      errors.push({ file, path: '', line: counter.linePos(syntax.pos[0]).line, message })
      continue
    }
    const content: unknown = doc.toJS()
    if (content === null || content === undefined) continue
    const entries: Array<{ raw: unknown; prefix: Array<string | number> }> = []
    if (isObject(content) && 'rules' in content) {
      const list = content.rules
      const extra = Object.keys(content).filter((key) => key !== 'rules')
      if (!Array.isArray(list) || list.length === 0) {
        errors.push({
          file,
          path: 'rules',
          line: lineOf(doc, counter, ['rules']),
          message: 'must be a list of rules',
        })
        continue
      }
      if (extra.length > 0) {
        errors.push({
          file,
          path: extra[0]!,
          line: lineOf(doc, counter, [extra[0]!]),
          message: 'a rule list file holds only `rules:`; move this key into a rule',
        })
      }
      list.forEach((raw, index) => entries.push({ raw, prefix: ['rules', index] }))
    } else if (isObject(content) && 'rule' in content && 'cases' in content) {
      errors.push({
        file,
        path: '',
        line: 1,
        message:
          'this is a rule test (rule + cases), not a rule: keep it under a tests/ folder, which rule folders skip',
      })
      continue
    } else if (isObject(content) && 'detection' in content && 'logsource' in content) {
      errors.push({
        file,
        path: '',
        line: 1,
        message:
          'this is a Sigma rule: convert it with `mcp-audit rules import-sigma FILE --out rules/FILE.yaml`',
      })
      continue
    } else {
      entries.push({ raw: content, prefix: [] })
    }
    seen += entries.length
    for (const { raw, prefix } of entries) {
      const { rule, problems } = validateRule(raw)
      const ruleId = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined
      for (const problem of problems) {
        errors.push({
          file,
          ...(ruleId === undefined ? {} : { ruleId }),
          path: formatPath(problem.path) || (prefix.length > 0 ? formatPath(prefix) : ''),
          line: lineOf(doc, counter, [...prefix, ...problem.path]),
          message: problem.message,
        })
      }
      if (rule && problems.length === 0) rules.push(rule)
    }
  }
  if (seen === 0 && errors.length === 0) {
    errors.push({ file, path: '', message: 'the file holds no rule; add one or remove the file' })
  }
  return { rules, errors }
}

/**
 * Reads rule files and folders (recursively, `*.yaml` / `*.yml`, skipping `tests/`). A file holds
 * one rule, `rules: [...]`, or several YAML documents. Every rule is checked on its own: good rules
 * load even when a neighbour is bad. Rule ids are unique across everything loaded.
 */
export function loadRules(paths: string[]): LoadedRules {
  const files: string[] = []
  const errors: RuleError[] = []
  for (const path of paths) {
    let isFolder: boolean
    try {
      isFolder = statSync(path).isDirectory()
    } catch {
      errors.push({
        file: path,
        path: '',
        message: 'no such file or folder; check the path (rule files are *.yaml or *.yml)',
      })
      continue
    }
    if (!isFolder) {
      files.push(path)
      continue
    }
    const found = ruleFilesIn(path)
    if (found.length === 0)
      errors.push({ file: path, path: '', message: 'the folder holds no *.yaml or *.yml rule files' })
    files.push(...found)
  }

  const rules: Rule[] = []
  const origin = new Map<string, string>()
  for (const file of [...new Set(files)]) {
    const loaded = loadFile(file)
    errors.push(...loaded.errors)
    for (const rule of loaded.rules) {
      const first = origin.get(rule.id)
      if (first !== undefined) {
        errors.push({
          file,
          ruleId: rule.id,
          path: 'id',
          message: `duplicate rule id: ${rule.id} is also defined in ${first}; rule ids must be unique, rename one (this one is not loaded)`,
        })
        continue
      }
      origin.set(rule.id, file)
      rules.push(rule)
    }
  }
  return { rules, errors, files: [...new Set(files)] }
}
