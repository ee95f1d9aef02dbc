import { BROKER_HEAP_MB } from './lib/bench-broker.js'
import { KAFKA_VERSION } from '../services/platform/local-kafka.js'
import { idlePhase, loadedPhase, MATCH_RULE, type MatchPlan } from './lib/detector-match.js'
import { measureCatchUp, type CatchUpPlan } from './lib/detector-catchup.js'
import { setUp, storedAlerts } from './lib/detector-rig.js'
import { detectorSections } from './lib/detector-tables.js'
import {
  firstBucketEnd,
  measureBucket,
  nextBucketEnd,
  TEMPLATE_ROWS,
  templateRows,
  type WindowRun,
} from './lib/detector-window.js'
import { ResourceProbe } from './lib/probes.js'
import type { Benchmark, BenchmarkContext, BenchmarkReport } from './lib/report.js'

/**
 * Time from ingest to webhook, end to end, in one process the way `mcp-audit start` runs: a local
 * broker, an embedded store, the collector, the normalizer (with the in-stream match rules) and the
 * detector (windowed rules on a schedule, webhook outbox), a gateway and a SIEM on a thread of
 * their own. A match rule is timed from the POST to the signed webhook, idle and under benign
 * background traffic; a threshold rule from the scheduler tick that judges its bucket to the
 * webhook, at two bucket sizes, with the bound from the bucket's end that follows; and the catch-up
 * of a 25-hour day of windowed rules, bucket by bucket and by range (detector-catchup.ts).
 */

interface Plan {
  match: MatchPlan
  bucketRows: number[]
  queryRepeats: number
  catchUp: CatchUpPlan
}

const FULL: Plan = {
  match: { probes: 15, warmup: 2, backgroundRate: 1_500, backgroundWarmupMs: 3_000, loadedMaxMs: 80_000 },
  bucketRows: [10_000, 100_000],
  queryRepeats: 3,
  // The old path on every third bucket: ~6,000 one-bucket queries take minutes, and a third of them
  // gives its time per query as well; the full `npm run bench` must stay near 15 minutes.
  catchUp: { stride: 10, sampleEvery: 3 },
}

const QUICK: Plan = {
  match: { probes: 8, warmup: 1, backgroundRate: 1_500, backgroundWarmupMs: 2_000, loadedMaxMs: 20_000 },
  bucketRows: [10_000],
  queryRepeats: 1,
  catchUp: { stride: 20, sampleEvery: 10 },
}

async function runDetectorBenchmark(ctx: BenchmarkContext): Promise<BenchmarkReport> {
  const plan = ctx.quick ? QUICK : FULL
  const rig = await setUp(ctx)

  const match = [await idlePhase(ctx, rig, plan.match), await loadedPhase(ctx, rig, plan.match)]
  const otherWebhooks = rig.endpoints.received().filter((arrival) => arrival.ruleId !== MATCH_RULE)

  ctx.progress(
    `threshold rule: ${TEMPLATE_ROWS.toLocaleString('en-US')} calls of simulator traffic through the collector and normalizer CPU path`,
  )
  const problems = match.flatMap((phase) => phase.problems)
  const probe = new ResourceProbe(rig.brokerPid)
  let bucketEnd = firstBucketEnd(Date.now())
  const templates = { rows: templateRows(rig, bucketEnd), bucketEnd }
  const windows: WindowRun[] = []
  for (const rows of plan.bucketRows) {
    ctx.progress(`threshold rule: ${rows.toLocaleString('en-US')} rows in the bucket, tick, webhook`)
    windows.push(
      await measureBucket(
        rig,
        templates,
        { end: bucketEnd, rows, queryRepeats: plan.queryRepeats },
        problems,
      ),
    )
    bucketEnd = nextBucketEnd(bucketEnd)
  }

  const thresholdResources = probe.read()
  const alerts = { fired: rig.alertWrittenAt.size, stored: await storedAlerts(rig) }
  // Last: its day of rows and alerts must not reach the parts above.
  const catchUp = await measureCatchUp(rig, templates, plan.catchUp, problems, ctx.progress)
  return {
    environment: {
      Kafka: `Apache Kafka ${KAFKA_VERSION} (KRaft, one local node, ${BROKER_HEAP_MB} MB heap)`,
    },
    problems,
    sections: detectorSections({
      config: rig.config,
      match,
      otherWebhooks,
      windows,
      thresholdResources,
      alerts,
      catchUp,
      sampleEvery: plan.catchUp.sampleEvery,
    }),
  }
}

export const detectorBenchmark: Benchmark = {
  name: 'detector',
  summary:
    'ingest → signed webhook: a match rule end to end (idle, under load), a threshold rule from its scheduler tick, with the bound from the bucket end; windowed catch-up of a 25-hour day, before and after',
  run: runDetectorBenchmark,
}
