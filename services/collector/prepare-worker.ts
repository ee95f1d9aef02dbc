import { prepareBody, type PrepareInput, type PreparedBody } from './prepare.js'

/** Piscina entry point: one request body → prepared events (see prepare-pool.ts). */
export default function prepareOnWorker(input: PrepareInput): PreparedBody {
  return prepareBody(input)
}
