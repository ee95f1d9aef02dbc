/**
 * Growth measurements for the linear-time tests of the redaction engine and the rule regexes. Not
 * used by the redactor itself.
 *
 * A backtracking regex that is quadratic on some input takes four times as long when that input
 * doubles; a linear one takes twice as long. Timing one run of a fast input is noise on a shared
 * machine, so time is the CPU time of this process (waiting for a core does not count), each size is
 * run in batches of at least {@link BATCH_MS} and the fastest batch counts (interference only ever
 * adds time).
 */

const BATCH_MS = 4
const BATCHES = 5
/** A single run slower than this is already a finding; measuring it more would only slow the suite. */
const SLOW_RUN_MS = 250

export interface Growth {
  /** Milliseconds per run at size n and 2n. */
  small: number
  large: number
  ratio: number
}

/** Milliseconds of CPU time used by this process so far. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function msPerRun(run: (input: string) => unknown, input: string): number {
  let best = Infinity
  for (let batch = 0; batch < BATCHES; batch++) {
    let runs = 0
    const started = cpuMs()
    let elapsed = 0
    do {
      run(input)
      runs++
      elapsed = cpuMs() - started
    } while (elapsed < BATCH_MS)
    best = Math.min(best, elapsed / runs)
    if (elapsed > SLOW_RUN_MS) break
  }
  return best
}

/** How the time of `run` grows from `make(n)` to `make(2n)`. */
export function measureGrowth(
  run: (input: string) => unknown,
  make: (n: number) => string,
  n: number,
): Growth {
  const smallInput = make(n)
  const largeInput = make(2 * n)
  run(smallInput) // warm up: compile the regexes and the JIT code before timing
  const small = msPerRun(run, smallInput)
  const large = msPerRun(run, largeInput)
  return { small, large, ratio: large / Math.max(small, 1e-6) }
}

/** `unit` repeated until the result is `length` characters long (cut there). */
export function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
}

/**
 * Adversarial inputs of about `n` characters built from a detector's triggers (`seeds`, text that
 * makes the detector start a match) and the characters its classes accept (`fill`): long runs of one
 * class, a trigger followed by a run with no terminator, triggers repeated back to back (every one a
 * near-miss), and (`dense`, the default) trigger-run pairs repeated, so that many start positions each
 * see a tail.
 */
export function adversarialInputs(
  seeds: readonly string[],
  fill: readonly string[],
  options: { dense?: boolean } = {},
): Array<{ name: string; make: (n: number) => string }> {
  const dense = options.dense ?? true
  const inputs: Array<{ name: string; make: (n: number) => string }> = []
  for (const char of fill) {
    inputs.push({ name: `run of ${JSON.stringify(char)}`, make: (n) => repeatTo(char, n) })
  }
  for (const seed of seeds) {
    inputs.push({ name: `${JSON.stringify(seed)} repeated`, make: (n) => repeatTo(seed, n) })
    for (const char of fill) {
      const label = `${JSON.stringify(seed)} + run of ${JSON.stringify(char)}`
      inputs.push({ name: label, make: (n) => seed + repeatTo(char, n - seed.length) })
      if (!dense) continue
      inputs.push({
        name: `(${JSON.stringify(seed + char)}) repeated`,
        make: (n) => repeatTo(seed + char, n),
      })
      inputs.push({
        name: `(${JSON.stringify(seed)} + 7 × ${JSON.stringify(char)}) repeated`,
        make: (n) => repeatTo(seed + char.repeat(7), n),
      })
    }
  }
  return inputs
}

/** One character of each class in `source` (a regex source), picked from a fixed sample. */
export function classSamples(source: string): string[] {
  const sample = [...'aA0 \t.-_@:/\'=+%#,"\\()[]{}<>|;&$`*?!~^\n', 'é', 'ß', '\u00a0', '中', '：']
  const classes = source.match(/\\[dswDSW]|\[(?:\\.|[^\]\\])*\]/g) ?? []
  const picked = new Set<string>()
  for (const cls of classes) {
    const re = new RegExp(`^${cls}$`, 'u')
    const hits = sample.filter((char) => re.test(char))
    // Two per class: the first and the last accepted sample, so ranges and unions are both covered.
    if (hits.length > 0) picked.add(hits[0]!).add(hits[hits.length - 1]!)
  }
  return [...picked]
}
