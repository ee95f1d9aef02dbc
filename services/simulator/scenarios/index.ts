import { commandInjection, pathTraversal, promptInjection, rugPull, secretExfiltration } from './attacks.js'
import {
  credentialBruteForce,
  newUnknownServer,
  offHours,
  runawayLoop,
  silentGateway,
  unauthenticated,
} from './behaviour.js'
import { SCENARIO_NAMES, type ScenarioContext, type ScenarioName, type ScenarioPlan } from './context.js'

export { SCENARIO_NAMES } from './context.js'
export type { Incident, ScenarioName, ScenarioPlan } from './context.js'

const SCENARIOS: Record<ScenarioName, (ctx: ScenarioContext) => ScenarioPlan> = {
  'path-traversal': pathTraversal,
  'command-injection': commandInjection,
  'secret-exfiltration': secretExfiltration,
  'rug-pull': rugPull,
  'credential-brute-force': credentialBruteForce,
  'off-hours': offHours,
  'runaway-loop': runawayLoop,
  'new-unknown-server': newUnknownServer,
  'silent-gateway': silentGateway,
  unauthenticated,
  'prompt-injection': promptInjection,
}

/**
 * `all`, `benign` (none) or scenario names, validated; unknown names are an error that lists the known
 * ones. Order follows SCENARIO_NAMES so the output does not depend on how the list was written.
 */
export function resolveScenarios(requested: readonly string[]): ScenarioName[] {
  const wanted = new Set<ScenarioName>()
  for (const name of requested
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean)) {
    if (name === 'benign') continue
    if (name === 'all') SCENARIO_NAMES.forEach((known) => wanted.add(known))
    else if ((SCENARIO_NAMES as readonly string[]).includes(name)) wanted.add(name as ScenarioName)
    else
      throw new Error(`unknown scenario "${name}"; use all, benign or any of: ${SCENARIO_NAMES.join(', ')}`)
  }
  return SCENARIO_NAMES.filter((name) => wanted.has(name))
}

/** Plans every wanted scenario, each with its own random stream; the silent gateway first, so others avoid it. */
export function planScenarios(
  ctx: Omit<ScenarioContext, 'mutedGateway'>,
  names: readonly ScenarioName[],
): ScenarioPlan[] {
  const plans: ScenarioPlan[] = []
  let mutedGateway: string | undefined
  if (names.includes('silent-gateway')) {
    const plan = silentGateway({ ...ctx, rng: ctx.rng.fork('silent-gateway') })
    mutedGateway = plan.incident.gateway
    plans.push(plan)
  }
  for (const name of names) {
    if (name === 'silent-gateway') continue
    plans.push(
      SCENARIOS[name]({ ...ctx, rng: ctx.rng.fork(name), ...(mutedGateway ? { mutedGateway } : {}) }),
    )
  }
  return plans
}
