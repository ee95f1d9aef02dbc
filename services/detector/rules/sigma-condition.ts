/**
 * The Sigma `condition` expression: `and`, `or`, `not`, parentheses, `1 of selection*`,
 * `all of selection*`, `1 of them`, `all of them`. Pipes (`| count() by …`, Sigma v1 aggregations)
 * are refused: correlation rules replace them.
 */
export type ConditionNode =
  | { kind: 'ref'; name: string }
  | { kind: 'and' | 'or'; parts: ConditionNode[] }
  | { kind: 'not'; part: ConditionNode }

export type ParsedCondition = { ok: true; node: ConditionNode } | { ok: false; message: string }

class ConditionError extends Error {}

function tokenize(text: string): string[] {
  const tokens: string[] = text.match(/\(|\)|\||[^\s()|]+/g) ?? []
  if (tokens.includes('|')) {
    throw new ConditionError(
      'aggregations after | (count, near…) are Sigma v1; rewrite them as a correlation rule (event_count / value_count)',
    )
  }
  return tokens
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`)
}

/** Parses `text` against the selections defined in the rule's detection. */
export function parseSigmaCondition(text: string, selections: readonly string[]): ParsedCondition {
  let tokens: string[]
  try {
    tokens = tokenize(text)
  } catch (err) {
    return { ok: false, message: (err as Error).message }
  }
  let position = 0
  const peek = (): string | undefined => tokens[position]?.toLowerCase()
  const next = (): string => {
    const token = tokens[position++]
    if (token === undefined) throw new ConditionError(`condition "${text}" ends too early`)
    return token
  }

  function quantified(quantifier: string): ConditionNode {
    next() // "of"
    const target = next()
    const names =
      target.toLowerCase() === 'them'
        ? selections.filter((name) => !name.startsWith('_'))
        : selections.filter((name) => globToRegExp(target).test(name))
    if (names.length === 0) throw new ConditionError(`"${quantifier} of ${target}" matches no selection`)
    const parts = names.map((name): ConditionNode => ({ kind: 'ref', name }))
    if (parts.length === 1) return parts[0]!
    return { kind: quantifier === 'all' ? 'and' : 'or', parts }
  }

  function primary(): ConditionNode {
    const token = next()
    const lower = token.toLowerCase()
    if (token === '(') {
      const inner = or()
      if (next() !== ')') throw new ConditionError(`missing ) in condition "${text}"`)
      return inner
    }
    if ((lower === '1' || lower === 'all' || lower === 'any') && peek() === 'of')
      return quantified(lower === 'all' ? 'all' : '1')
    if (/^\d+$/.test(lower) && peek() === 'of') {
      throw new ConditionError(
        `"${token} of …" is not supported: only "1 of" and "all of" have a single-event meaning`,
      )
    }
    if (['and', 'or', 'not', ')', 'of'].includes(lower))
      throw new ConditionError(`unexpected "${token}" in condition "${text}"`)
    if (!selections.includes(token))
      throw new ConditionError(`condition names "${token}", which is not a selection of this rule`)
    return { kind: 'ref', name: token }
  }

  function unary(): ConditionNode {
    if (peek() === 'not') {
      next()
      return { kind: 'not', part: unary() }
    }
    return primary()
  }

  function chain(kind: 'and' | 'or', operand: () => ConditionNode): ConditionNode {
    const parts = [operand()]
    while (peek() === kind) {
      next()
      parts.push(operand())
    }
    return parts.length === 1 ? parts[0]! : { kind, parts }
  }

  const and = (): ConditionNode => chain('and', unary)
  const or = (): ConditionNode => chain('or', and)

  try {
    const node = or()
    if (position < tokens.length)
      throw new ConditionError(`unexpected "${tokens[position]!}" in condition "${text}"`)
    return { ok: true, node }
  } catch (err) {
    if (err instanceof ConditionError) return { ok: false, message: err.message }
    throw err
  }
}
