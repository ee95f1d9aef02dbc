import type { Locale } from '../../../schemas/locale.js'

/**
 * Messages with placeholders, a small subset of ICU MessageFormat: `{name}`,
 * `{name, plural, =0 {…} one {# row} other {# rows}}` (`#` is the number) and
 * `{name, select, yes {…} other {…}}`. A sentence is one
 * message in every language, never glued from translated pieces: word order is the translator's.
 */

export type MessageValue = string | number

/** Intl tag per locale: `en` formats as en-US did before catalogs (1,234.5). */
export const INTL_TAG: Record<Locale, string> = { en: 'en-US', 'zh-CN': 'zh-CN' }

function closingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1
    else if (text[i] === '}') {
      depth -= 1
      if (depth === 0) return i
    }
  }
  throw new Error(`unbalanced braces in message "${text}"`)
}

/** `=0 {…} one {…} other {…}` → selector → sub-message. */
function choiceOptions(spec: string): Map<string, string> {
  const options = new Map<string, string>()
  let i = 0
  while (i < spec.length) {
    const open = spec.indexOf('{', i)
    if (open < 0) break
    const selector = spec.slice(i, open).trim()
    const close = closingBrace(spec, open)
    options.set(selector, spec.slice(open + 1, close))
    i = close + 1
  }
  return options
}

export function formatMessage(
  template: string,
  values: Readonly<Record<string, MessageValue>>,
  locale: Locale,
): string {
  const number = new Intl.NumberFormat(INTL_TAG[locale])
  const show = (value: MessageValue) => (typeof value === 'number' ? number.format(value) : value)
  let out = ''
  let i = 0
  while (i < template.length) {
    const open = template.indexOf('{', i)
    if (open < 0) {
      out += template.slice(i)
      break
    }
    out += template.slice(i, open)
    const close = closingBrace(template, open)
    const body = template.slice(open + 1, close)
    const choice = /^\s*([\w-]+)\s*,\s*(plural|select)\s*,([\s\S]*)$/.exec(body)
    const name = (choice?.[1] ?? body).trim()
    const value = values[name]
    if (value === undefined) throw new Error(`message "${template}" needs a value for {${name}}`)
    if (choice) {
      const options = choiceOptions(choice[3]!)
      const n = Number(value)
      const chosen =
        choice[2] === 'select'
          ? (options.get(String(value)) ?? options.get('other'))
          : (options.get(`=${n}`) ??
            options.get(new Intl.PluralRules(INTL_TAG[locale]).select(n)) ??
            options.get('other'))
      if (chosen === undefined) throw new Error(`message "${template}" has no "other" case for {${name}}`)
      out +=
        choice[2] === 'select'
          ? formatMessage(chosen, values, locale)
          : formatMessage(chosen.replaceAll('#', '{#}'), { ...values, '#': n }, locale)
    } else {
      out += show(value)
    }
    i = close + 1
  }
  return out
}
