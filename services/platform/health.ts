/** What one component says about itself: healthy, or not with a reason an operator can act on. */
export type Health = { healthy: true } | { healthy: false; reason: string }

export type HealthProbe = () => Health | Promise<Health>

export interface Readiness {
  ready: boolean
  /** `draining` while the process shuts down: it finishes its work and takes no new work. */
  status: 'ready' | 'not_ready' | 'draining'
  /** One line per unhealthy component, prefixed with its name. */
  reasons: string[]
}

export const healthy: Health = { healthy: true }

export function unhealthy(reason: string): Health {
  return { healthy: false, reason }
}

/**
 * The process's readiness in one place: every consumer loop, writer, scheduler and outbox
 * registers a probe, and every `/readyz` answers from all of them, so a stalled part shows
 * whichever port the probe asks. Draining (shutdown in progress) makes the process not ready at
 * once, so load balancers stop sending work while the components finish theirs.
 */
export class HealthRegistry {
  private readonly probes = new Map<string, HealthProbe>()
  private draining = false

  register(component: string, probe: HealthProbe): void {
    if (this.probes.has(component))
      throw new Error(`a health probe named "${component}" is already registered`)
    this.probes.set(component, probe)
  }

  startDraining(): void {
    this.draining = true
  }

  get isDraining(): boolean {
    return this.draining
  }

  async readiness(): Promise<Readiness> {
    const reasons: string[] = this.draining ? ['shutdown in progress'] : []
    const states = await Promise.all(
      [...this.probes].map(async ([component, probe]) => {
        try {
          return { component, state: await probe() }
        } catch (err) {
          // A probe that throws is a component that cannot say it is fine.
          return { component, state: unhealthy(err instanceof Error ? err.message : String(err)) }
        }
      }),
    )
    for (const { component, state } of states) {
      if (!state.healthy) reasons.push(`${component}: ${state.reason}`)
    }
    if (this.draining) return { ready: false, status: 'draining', reasons }
    return { ready: reasons.length === 0, status: reasons.length === 0 ? 'ready' : 'not_ready', reasons }
  }
}
