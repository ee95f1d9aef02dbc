import { Session } from 'node:inspector/promises'
import type { Profiler, Runtime } from 'node:inspector'
import path from 'node:path'
import { packageRoot } from '../../services/platform/paths.js'

/**
 * A sampling CPU profile of the main thread (V8's profiler through the inspector) over one burst,
 * summed into self time by area of the code and by function: where the event loop's time goes,
 * and how much of it is idle. Worker threads and the embedded engine's pools are not in it.
 */

const SAMPLING_MICROS = 1_000
const TOP_FUNCTIONS = 12
const TOP_AREAS = 10

export interface ProfileSummary {
  totalMs: number
  /** Self time by area (idle, GC, our services by folder, a package), largest first. */
  areas: Array<{ area: string; ms: number }>
  functions: Array<{ name: string; area: string; ms: number }>
}

/** What a call frame belongs to: V8's own pseudo-frames, our folders, a package, or Node. */
function areaOf(frame: Runtime.CallFrame): string {
  if (frame.url === '') {
    if (frame.functionName === '(idle)') return 'idle (waiting for I/O, timers)'
    if (frame.functionName === '(garbage collector)') return 'garbage collector'
    if (frame.functionName === '(program)') return 'V8 and native code (program)'
    return 'native functions (socket writes, microtasks, …)'
  }
  if (frame.url.startsWith('node:')) return 'Node.js internals (node:*)'
  const file = frame.url.replace(/^file:\/\//, '')
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)
  if (packageMatch) return packageMatch[1]!
  const relative = path.relative(path.join(packageRoot(), 'dist'), file)
  const [top, second] = relative.split(path.sep)
  return top === 'services' && second ? `services/${second}` : (top ?? relative)
}

export class MainThreadProfiler {
  private readonly session = new Session()

  async start(): Promise<void> {
    this.session.connect()
    await this.session.post('Profiler.enable')
    await this.session.post('Profiler.setSamplingInterval', { interval: SAMPLING_MICROS })
    await this.session.post('Profiler.start')
  }

  async stop(): Promise<ProfileSummary> {
    const { profile } = await this.session.post('Profiler.stop')
    await this.session.post('Profiler.disable')
    this.session.disconnect()
    return summarize(profile)
  }
}

/** The largest areas, the rest summed into one line. */
function topAreas(areas: Array<{ area: string; ms: number }>) {
  const sorted = areas.sort((a, b) => b.ms - a.ms)
  const rest = sorted.slice(TOP_AREAS)
  if (rest.length === 0) return sorted
  const ms = rest.reduce((sum, entry) => sum + entry.ms, 0)
  return [...sorted.slice(0, TOP_AREAS), { area: `${rest.length} other areas`, ms }]
}

function summarize(profile: Profiler.Profile): ProfileSummary {
  const selfMicros = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  // Each sample's time is the delta to the next one (the last sample gets none).
  samples.forEach((nodeId, index) => {
    const delta = deltas[index + 1] ?? 0
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + delta)
  })
  const areas = new Map<string, number>()
  const functions = new Map<string, { name: string; area: string; ms: number }>()
  let totalMs = 0
  for (const node of profile.nodes) {
    const ms = (selfMicros.get(node.id) ?? 0) / 1000
    if (ms === 0) continue
    totalMs += ms
    const area = areaOf(node.callFrame)
    areas.set(area, (areas.get(area) ?? 0) + ms)
    const { functionName, url, lineNumber } = node.callFrame
    const where = url ? ` (${path.basename(url)}:${lineNumber + 1})` : ''
    const name = `${functionName || '(anonymous)'}${where}`
    const entry = functions.get(name) ?? { name, area, ms: 0 }
    entry.ms += ms
    functions.set(name, entry)
  }
  return {
    totalMs,
    areas: topAreas([...areas].map(([area, ms]) => ({ area, ms }))),
    functions: [...functions.values()]
      .filter((entry) => !entry.name.startsWith('('))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP_FUNCTIONS),
  }
}
