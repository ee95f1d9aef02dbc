import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'

export interface MachineInfo {
  cpu: string
  cores: number
  ramGiB: number
  node: string
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (match?.[1]) return match[1].trim()
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown CPU'
}

export function describeMachine(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  }
}

export interface HostTicks {
  /** Time this machine's own processes ran (user, nice, system, irq, softirq). */
  busy: number
  /** Time the hypervisor gave our vCPUs to someone else: noise from neighbours. */
  steal: number
  total: number
}

/** CPU time of the whole host in clock ticks, from the first line of /proc/stat. */
export function hostCpuTicks(): HostTicks {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal; guest time is already inside user.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields
    const busy = user + nice + system + irq + softirq
    return { busy, steal, total: busy + idle + iowait + steal }
  } catch {
    return { busy: Number.NaN, steal: Number.NaN, total: Number.NaN }
  }
}

/** Linux reports process times in USER_HZ ticks, 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100

/** CPU seconds (user + system) in a /proc stat file (a process's or a thread's); NaN when unreadable. */
export function statCpuSeconds(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8')
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return Number.NaN
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN when unreadable. */
export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`)
}

/** CPU seconds the calling thread (main or worker) has used so far; NaN off Linux. */
export function threadCpuSeconds(): number {
  return statCpuSeconds('/proc/thread-self/stat')
}

/**
 * CPU seconds of this process's live threads named `node` other than the main thread (worker
 * threads, V8's platform and GC threads, the libuv pool), from /proc/self/task. The embedded
 * ClickHouse names its threads after their pools, so they are not counted. NaN off Linux.
 */
export function nodeThreadsCpuSeconds(): number {
  try {
    let total = 0
    for (const task of readdirSync('/proc/self/task')) {
      if (task === String(process.pid)) continue
      if (readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() !== 'node') continue
      const seconds = statCpuSeconds(`/proc/self/task/${task}/stat`)
      // A thread may exit between the listing and the read.
      if (Number.isFinite(seconds)) total += seconds
    }
    return total
  } catch {
    return Number.NaN
  }
}
