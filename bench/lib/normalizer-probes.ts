import { statCpuSeconds } from './machine.js'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { ResourceProbe, type ResourceUse } from './probes.js'

/**
 * CPU seconds (user + system) this process's main thread has used so far: its task has the
 * process id. process.cpuUsage() counts every thread (workers, libuv pool, GC, the embedded
 * ClickHouse's pools); this is the one the event loop runs on. NaN off Linux.
 */
export function mainThreadCpuSeconds(): number {
  return statCpuSeconds(`/proc/self/task/${process.pid}/stat`)
}

export interface RunUse extends ResourceUse {
  /** CPU cores the main thread used (its event loop, and anything that blocks it). */
  mainThreadCores: number
  /** Longest and 99th-percentile event-loop delay: how long the loop was blocked at a stretch. */
  loopDelayMaxMs: number
  loopDelayP99Ms: number
}

/** ResourceProbe plus the main thread's own CPU and the event loop's longest stalls. */
export class RunProbe {
  private readonly resources: ResourceProbe
  private readonly mainCpu = mainThreadCpuSeconds()
  private readonly started = performance.now()
  private readonly delay: IntervalHistogram

  constructor(brokerPid: number) {
    this.resources = new ResourceProbe(brokerPid)
    this.delay = monitorEventLoopDelay({ resolution: 10 })
    this.delay.enable()
  }

  read(): RunUse {
    this.delay.disable()
    const seconds = (performance.now() - this.started) / 1000
    return {
      ...this.resources.read(),
      mainThreadCores: (mainThreadCpuSeconds() - this.mainCpu) / seconds,
      loopDelayMaxMs: this.delay.max / 1e6,
      loopDelayP99Ms: this.delay.percentile(99) / 1e6,
    }
  }
}
