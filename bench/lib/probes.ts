import os from 'node:os'
import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import type { Registry } from 'prom-client'
import { hostCpuTicks, processCpuSeconds, type HostTicks } from './machine.js'

/** Where the CPU went during one run: this thread's event loop, the broker's JVM, the whole host. */
export interface ResourceUse {
  /** Share of wall time the collector's event loop (this thread) was busy, 0–1. */
  collectorElu: number
  /** CPU cores the broker process used on average. */
  brokerCores: number
  /** Share of the host's CPU capacity used by every process on it, 0–1. */
  hostBusy: number
  /** Share of the host's CPU capacity the hypervisor gave to other machines (steal), 0–1. */
  hostSteal: number
  /** CPU cores used by this Node process (every thread: collector, load generator, libuv pool, GC). */
  ownCores: number
  /** CPU cores used by everything else on the host: other test suites, the OS. */
  otherCores: number
}

export class ResourceProbe {
  private readonly elu: EventLoopUtilization
  private readonly brokerCpu: number
  private readonly host: HostTicks
  private readonly own = process.cpuUsage()
  private readonly started = performance.now()

  constructor(private readonly brokerPid: number) {
    this.elu = performance.eventLoopUtilization()
    this.brokerCpu = processCpuSeconds(brokerPid)
    this.host = hostCpuTicks()
  }

  read(): ResourceUse {
    const seconds = (performance.now() - this.started) / 1000
    const host = hostCpuTicks()
    const hostBusy = (host.busy - this.host.busy) / (host.total - this.host.total)
    const own = process.cpuUsage(this.own)
    const ownCores = (own.user + own.system) / 1e6 / seconds
    const brokerCores = (processCpuSeconds(this.brokerPid) - this.brokerCpu) / seconds
    return {
      collectorElu: performance.eventLoopUtilization(this.elu).utilization,
      brokerCores,
      hostBusy,
      hostSteal: (host.steal - this.host.steal) / (host.total - this.host.total),
      ownCores,
      otherCores: Math.max(0, hostBusy * os.availableParallelism() - ownCores - brokerCores),
    }
  }
}

/** Sum and count of a prom-client histogram over all its label sets. */
export async function histogramTotals(
  registry: Registry,
  name: string,
): Promise<{ sum: number; count: number }> {
  const metric = registry.getSingleMetric(name)
  if (!metric) return { sum: 0, count: 0 }
  const { values } = await metric.get()
  let sum = 0
  let count = 0
  // Histogram values carry the series name (_bucket, _sum, _count), which the generic type omits.
  for (const value of values as Array<{ metricName?: string; value: number }>) {
    if (value.metricName === `${name}_sum`) sum += value.value
    if (value.metricName === `${name}_count`) count += value.value
  }
  return { sum, count }
}
