import { nodeThreadsCpuSeconds, processCpuSeconds } from './machine.js'
import { mainThreadCpuSeconds } from './normalizer-probes.js'

/**
 * CPU time spent between two readings, split the way the cost table needs it: this process (every
 * thread), its main thread, its other live `node` threads, and the broker's JVM (a process of its
 * own). Thread times come from /proc/self/task; what is left of the process's time after the main
 * and `node` threads is the embedded ClickHouse's pools plus threads that exited in between.
 */

export interface CpuSpent {
  wallSeconds: number
  processSeconds: number
  mainSeconds: number
  nodeThreadSeconds: number
  brokerSeconds: number
}

interface Reading {
  wall: number
  process: number
  main: number
  nodeThreads: number
  broker: number
}

function readAll(brokerPid: number): Reading {
  const usage = process.cpuUsage()
  return {
    wall: performance.now(),
    process: (usage.user + usage.system) / 1e6,
    main: mainThreadCpuSeconds(),
    nodeThreads: nodeThreadsCpuSeconds(),
    broker: processCpuSeconds(brokerPid),
  }
}

export class CpuMeter {
  private readonly start: Reading

  constructor(private readonly brokerPid: number) {
    this.start = readAll(brokerPid)
  }

  read(): CpuSpent {
    const end = readAll(this.brokerPid)
    return {
      wallSeconds: (end.wall - this.start.wall) / 1000,
      processSeconds: end.process - this.start.process,
      mainSeconds: end.main - this.start.main,
      nodeThreadSeconds: end.nodeThreads - this.start.nodeThreads,
      brokerSeconds: end.broker - this.start.broker,
    }
  }
}

/** Microseconds of CPU per event. */
export const microsPerEvent = (seconds: number, events: number) => (seconds / events) * 1e6
