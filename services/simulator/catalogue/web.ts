import type { ServerSpec } from '../types.js'
import { int, LOREM_TOPICS, schema, str, textResult, tool } from './define.js'

const PUBLIC_URLS = [
  'https://nodejs.org/api/http.html',
  'https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/429',
  'https://kubernetes.io/docs/concepts/workloads/pods/',
  'https://docs.python.org/3/library/asyncio-task.html',
  'https://www.postgresql.org/docs/current/sql-explain.html',
  'https://modelcontextprotocol.io/specification/2025-11-25',
  'https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replacingmergetree',
]

export const fetchServer: ServerSpec = {
  name: 'fetch',
  version: '2025.4.7',
  transport: 'stdio',
  roles: [],
  origin: 'builtin',
  tools: [
    tool({
      name: 'fetch',
      description: 'Fetches a URL from the internet and optionally extracts its contents as markdown.',
      inputSchema: schema({ url: str(), max_length: int(), start_index: int(), raw: { type: 'boolean' } }, [
        'url',
      ]),
      weight: 1,
      latency: { medianMs: 220, sigma: 0.7 },
      errors: { tool: 0.03, rpc: 0.001, timeout: 0.002 },
      args: (rng, ctx) => ({
        url: rng.bool(0.8)
          ? rng.pick(PUBLIC_URLS)
          : `https://${rng.pick(ctx.tenant.world.intranetHosts)}/runbooks/${rng.pick(['deploy', 'oncall', 'rollback'])}`,
        max_length: 5000,
      }),
      result: (rng, args) =>
        textResult(
          `Contents of ${String(args.url)}:\n# ${rng.pick(LOREM_TOPICS)}\n\nThis page describes how the component behaves under load.`,
        ),
      toolError: (rng, args) =>
        `Failed to fetch ${String(args.url)} - status code ${rng.pick([404, 403, 500])}`,
    }),
  ],
}

export const playwright: ServerSpec = {
  name: 'playwright',
  version: '0.0.41',
  transport: 'stdio',
  roles: ['developer', 'support', 'data-analyst'],
  origin: 'builtin',
  tools: [
    tool({
      name: 'browser_navigate',
      description: 'Navigate to a URL',
      inputSchema: schema({ url: str() }, ['url']),
      weight: 6,
      latency: { medianMs: 420, sigma: 0.35 },
      errors: { tool: 0.02, rpc: 0.001, timeout: 0.002 },
      args: (rng, ctx) => ({
        url: `https://${rng.pick(ctx.tenant.world.intranetHosts)}/${rng.pick(['login', 'dashboard', 'orders', 'settings'])}`,
      }),
      result: (_rng, args) =>
        textResult(
          `### Ran Playwright code\n\`\`\`js\nawait page.goto('${String(args.url)}');\n\`\`\`\n### Page state\n- Page URL: ${String(args.url)}`,
        ),
      toolError: (_rng, args) => `Error: page.goto: net::ERR_NAME_NOT_RESOLVED at ${String(args.url)}`,
    }),
    tool({
      name: 'browser_snapshot',
      description: 'Capture accessibility snapshot of the current page',
      inputSchema: schema({}),
      weight: 6,
      latency: { medianMs: 110, sigma: 0.5 },
      args: () => ({}),
      result: (rng) =>
        textResult(
          `- heading "Orders" [level=1] [ref=e${rng.int(2, 40)}]\n- button "Export CSV" [ref=e${rng.int(41, 90)}]`,
        ),
    }),
    tool({
      name: 'browser_click',
      description: 'Perform click on a web page',
      inputSchema: schema({ element: str(), ref: str() }, ['element', 'ref']),
      weight: 5,
      latency: { medianMs: 160, sigma: 0.5 },
      args: (rng) => ({
        element: rng.pick(['Export CSV button', 'Next page link', 'Save button']),
        ref: `e${rng.int(2, 90)}`,
      }),
      result: () =>
        textResult("### Ran Playwright code\n```js\nawait page.getByRole('button').click();\n```"),
      toolError: () => 'TimeoutError: locator.click: Timeout 5000ms exceeded.',
    }),
    tool({
      name: 'browser_type',
      description: 'Type text into editable element',
      inputSchema: schema({ element: str(), ref: str(), text: str() }, ['element', 'ref', 'text']),
      weight: 3,
      latency: { medianMs: 140, sigma: 0.5 },
      freeTextArg: 'text',
      args: (rng) => ({
        element: 'Search field',
        ref: `e${rng.int(2, 90)}`,
        text: rng.pick(['order 4211', 'refund', 'status:failed']),
      }),
      result: () =>
        textResult("### Ran Playwright code\n```js\nawait page.getByRole('textbox').fill('…');\n```"),
    }),
    tool({
      name: 'browser_take_screenshot',
      description: 'Take a screenshot of the current page',
      inputSchema: schema({ filename: str(), fullPage: { type: 'boolean' } }),
      weight: 2,
      latency: { medianMs: 240, sigma: 0.4 },
      args: (rng) => ({ filename: `page-${rng.hex(6)}.png` }),
      result: (_rng, args) =>
        textResult(`Took the viewport screenshot and saved it as ${String(args.filename)}`),
    }),
  ],
}
