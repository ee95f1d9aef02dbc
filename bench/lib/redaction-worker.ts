import { parentPort, workerData } from 'node:worker_threads'
import { loadEngines } from './redaction-engines.js'
import { engineRound, throughputInputs } from './redaction-throughput.js'

/** One engine of the redaction benchmark, alone in its thread; measures one round per request. */
const { engine: name, baseline } = workerData as { engine: string; baseline?: string }
const { engines } = await loadEngines(baseline)
const engine = engines.find((candidate) => candidate.name === name)
if (engine === undefined) throw new Error(`engine ${name} is not installed`)
const inputs = throughputInputs()
parentPort!.on('message', ({ round }: { round: number }) => {
  parentPort!.postMessage(engineRound(engine, inputs, round > 0))
})
