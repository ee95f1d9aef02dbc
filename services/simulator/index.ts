/** The traffic simulator's programmatic API (`mcp-audit simulate` is a thin shell around it). */
export { buildRequest, toRequests, type OutgoingRequest } from './batches.js'
export { BUILTIN_SERVERS, loadCatalogue } from './catalogue/index.js'
export { createTraffic, generateTraffic, type Traffic, type TrafficOptions } from './generate.js'
export { FatalResponseError, type HttpStats } from './http-sink.js'
export { SIMULATED_ROLE_PERMISSIONS } from './people.js'
export { regionOf, SAMPLE_TENANTS } from './population.js'
export {
  runSimulation,
  type SimulationOptions,
  type SimulationProgress,
  type SimulationSummary,
} from './run.js'
export { resolveScenarios, SCENARIO_NAMES, type Incident, type ScenarioName } from './scenarios/index.js'
export {
  MARK_PRESERVING_FORMATS,
  SIM_FORMATS,
  type SimFormat,
  type SimRecord,
  type TenantSpec,
} from './types.js'
