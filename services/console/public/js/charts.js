// Time-series charts with uPlot, served from the package's own node_modules (no CDN).
import uPlot from '/vendor/uplot/uPlot.esm.js'
import { h } from './dom.js'

const AXIS = { stroke: '#64748b', grid: { stroke: '#eef2f7', width: 1 }, ticks: { show: false } }

/** Fills missing buckets with zeros so gaps read as "no traffic", not as interpolated lines. */
export function fillBuckets(points, from, to, bucket, keys) {
  const byT = new Map(points.map((p) => [p.t, p]))
  const start = Math.floor(from / 1000 / bucket) * bucket
  const xs = []
  const ys = keys.map(() => [])
  for (let t = start; t <= to / 1000; t += bucket) {
    xs.push(t)
    const point = byT.get(t)
    keys.forEach((key, i) => ys[i].push(point ? (point[key] ?? null) : key === 'p95_ms' ? null : 0))
  }
  return [xs, ...ys]
}

/**
 * @param {{series: Array<{label: string, color: string, fill?: string, bars?: boolean, scale?: string}>,
 *          data: number[][], height?: number, yFormat?: (v: number) => string, y2Format?: (v: number) => string}} spec
 */
export function timeChart(spec) {
  const host = h('div.chart')
  const barPaths = uPlot.paths.bars({ size: [0.7, 40] })
  const axes = [
    { ...AXIS },
    {
      ...AXIS,
      size: 64,
      // Counts get whole-number ticks only.
      incrs: spec.integer ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 1e5, 1e6] : undefined,
      values: (_u, vals) => vals.map((v) => (spec.yFormat ? spec.yFormat(v) : v)),
    },
  ]
  const scales = {
    x: { time: true },
    y: spec.integer ? { range: (_u, _min, max) => [0, Math.max(max, 4)] } : {},
  }
  if (spec.series.some((s) => s.scale === 'y2')) {
    axes.push({
      ...AXIS,
      scale: 'y2',
      side: 1,
      grid: { show: false },
      size: 60,
      values: (_u, vals) => vals.map((v) => (spec.y2Format ? spec.y2Format(v) : v)),
    })
    scales.y2 = { auto: true }
  }
  const options = {
    height: spec.height ?? 220,
    width: 600,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales,
    axes,
    series: [
      {},
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.bars ? 0 : 2,
        fill: s.fill ?? (s.bars ? s.color : undefined),
        paths: s.bars ? barPaths : undefined,
        points: { show: false },
        scale: s.scale ?? 'y',
        spanGaps: false,
      })),
    ],
  }
  const plot = new uPlot(options, spec.data, host)
  const resize = () => {
    const width = host.clientWidth
    if (width > 0) plot.setSize({ width, height: options.height })
  }
  const observer = new ResizeObserver(resize)
  observer.observe(host)
  requestAnimationFrame(resize)
  const legend = h(
    'div.legend',
    {},
    spec.series.map((s) => h('span', {}, h('i', { style: { background: s.color } }), s.label)),
  )
  return h('div', {}, host, legend)
}
