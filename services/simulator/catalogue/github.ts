import type { Rng } from '../rng.js'
import type { ServerSpec, ToolContext } from '../types.js'
import { fileBody, SOURCE_FILES } from './workspace.js'
import { dateBetween, int, jsonResult, login, LOREM_TOPICS, schema, str, textResult, tool } from './define.js'

const OWNER_REPO = (rng: Rng, ctx: ToolContext) => ({
  owner: ctx.tenant.org,
  repo: rng.pick(ctx.tenant.world.repos),
})

function issue(rng: Rng, ctx: ToolContext) {
  return {
    number: rng.int(100, 4000),
    title: rng.pick(LOREM_TOPICS),
    state: rng.bool(0.7) ? 'open' : 'closed',
    user: { login: login(ctx) },
    created_at: dateBetween(rng, '2026-01-01T00:00:00Z', 300),
  }
}

export const github: ServerSpec = {
  name: 'github',
  version: '0.13.0',
  transport: 'streamable-http',
  roles: ['developer', 'sre', 'security-analyst', 'support', 'service-account'],
  origin: 'builtin',
  resource: (rng, ctx) => {
    const { owner, repo } = OWNER_REPO(rng, ctx)
    return { uri: `repo://${owner}/${repo}/contents/README.md`, text: `# ${repo}\n\nOwned by ${owner}.` }
  },
  prompts: ['summarize_pr', 'triage_issue'],
  tools: [
    tool({
      name: 'search_issues',
      description: 'Search for issues in GitHub repositories using issues search syntax.',
      inputSchema: schema({ query: str(), perPage: int() }, ['query']),
      weight: 10,
      latency: { medianMs: 280, sigma: 0.45 },
      args: (rng, ctx) => ({
        query: `repo:${ctx.tenant.org}/${rng.pick(ctx.tenant.world.repos)} is:open ${rng.pick(['label:bug', 'label:p1', 'retry', 'timeout'])}`,
        perPage: 10,
      }),
      result: (rng, _args, ctx) => jsonResult({ total_count: 2, items: [issue(rng, ctx), issue(rng, ctx)] }),
      toolError: () =>
        'failed to search issues: GET https://api.github.com/search/issues: 422 Validation Failed',
    }),
    tool({
      name: 'get_issue',
      description: 'Get details of a specific issue in a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), issue_number: int() }, [
        'owner',
        'repo',
        'issue_number',
      ]),
      weight: 8,
      latency: { medianMs: 220, sigma: 0.4 },
      args: (rng, ctx) => ({ ...OWNER_REPO(rng, ctx), issue_number: rng.int(100, 4000) }),
      result: (rng, _args, ctx) =>
        jsonResult({ ...issue(rng, ctx), body: `Steps to reproduce: ${rng.pick(LOREM_TOPICS)}` }),
      toolError: (_rng, args) =>
        `failed to get issue: GET https://api.github.com/repos/${String(args.owner)}/${String(args.repo)}/issues/${String(args.issue_number)}: 404 Not Found []`,
    }),
    tool({
      name: 'list_pull_requests',
      description: 'List pull requests in a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), state: str(), perPage: int() }, ['owner', 'repo']),
      weight: 8,
      latency: { medianMs: 260, sigma: 0.45 },
      args: (rng, ctx) => ({ ...OWNER_REPO(rng, ctx), state: 'open', perPage: 20 }),
      result: (rng, _args, ctx) =>
        jsonResult([{ ...issue(rng, ctx), head: { ref: `feature/${rng.hex(6)}` } }]),
    }),
    tool({
      name: 'get_pull_request',
      description: 'Get details of a specific pull request.',
      inputSchema: schema({ owner: str(), repo: str(), pullNumber: int() }, ['owner', 'repo', 'pullNumber']),
      weight: 6,
      latency: { medianMs: 240, sigma: 0.4 },
      args: (rng, ctx) => ({ ...OWNER_REPO(rng, ctx), pullNumber: rng.int(100, 4000) }),
      result: (rng, _args, ctx) =>
        jsonResult({ ...issue(rng, ctx), mergeable: rng.bool(0.8), additions: rng.int(1, 400) }),
    }),
    tool({
      name: 'get_file_contents',
      description: 'Get the contents of a file or directory from a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), path: str(), ref: str() }, ['owner', 'repo', 'path']),
      weight: 10,
      latency: { medianMs: 230, sigma: 0.45 },
      args: (rng, ctx) => ({ ...OWNER_REPO(rng, ctx), path: rng.pick(SOURCE_FILES), ref: 'main' }),
      result: (rng, args) => textResult(fileBody(rng, String(args.path))),
    }),
    tool({
      name: 'search_code',
      description: 'Search for code across GitHub repositories.',
      inputSchema: schema({ query: str() }, ['query']),
      weight: 5,
      latency: { medianMs: 350, sigma: 0.45 },
      args: (rng, ctx) => ({
        query: `org:${ctx.tenant.org} ${rng.pick(['retry(', 'TODO', 'createClient', 'rateLimit'])}`,
      }),
      result: (rng, _args, ctx) =>
        jsonResult({
          total_count: 1,
          items: [
            {
              path: rng.pick(SOURCE_FILES),
              repository: { full_name: `${ctx.tenant.org}/${rng.pick(ctx.tenant.world.repos)}` },
            },
          ],
        }),
    }),
    tool({
      name: 'create_issue',
      description: 'Create a new issue in a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), title: str(), body: str() }, [
        'owner',
        'repo',
        'title',
      ]),
      weight: 3,
      latency: { medianMs: 420, sigma: 0.35 },
      freeTextArg: 'body',
      args: (rng, ctx) => ({
        ...OWNER_REPO(rng, ctx),
        title: rng.pick(LOREM_TOPICS),
        body: 'Seen in production since the last deploy.',
      }),
      result: (rng, _args, ctx) =>
        jsonResult({
          ...issue(rng, ctx),
          html_url: `https://github.com/${ctx.tenant.org}/issues/${rng.int(100, 4000)}`,
        }),
      toolError: () => "Invalid params: 'title' is required",
    }),
    tool({
      name: 'add_issue_comment',
      description: 'Add a comment to a specific issue in a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), issue_number: int(), body: str() }, [
        'owner',
        'repo',
        'issue_number',
        'body',
      ]),
      weight: 4,
      latency: { medianMs: 380, sigma: 0.35 },
      freeTextArg: 'body',
      args: (rng, ctx) => ({
        ...OWNER_REPO(rng, ctx),
        issue_number: rng.int(100, 4000),
        body: `Reproduced on ${rng.pick(['staging', 'main', 'v2.3.1'])}; looking into it.`,
      }),
      result: (rng) =>
        jsonResult({
          id: rng.int(1_000_000, 9_999_999),
          created_at: dateBetween(rng, '2026-01-01T00:00:00Z', 300),
        }),
    }),
    tool({
      name: 'list_commits',
      description: 'Get list of commits of a branch in a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), sha: str(), perPage: int() }, ['owner', 'repo']),
      weight: 4,
      latency: { medianMs: 250, sigma: 0.45 },
      args: (rng, ctx) => ({ ...OWNER_REPO(rng, ctx), sha: 'main', perPage: 10 }),
      result: (rng) =>
        jsonResult([{ sha: rng.hex(40), commit: { message: `fix: ${rng.pick(LOREM_TOPICS)}` } }]),
    }),
    tool({
      name: 'create_pull_request',
      description: 'Create a new pull request in a GitHub repository.',
      inputSchema: schema(
        { owner: str(), repo: str(), title: str(), head: str(), base: str(), body: str() },
        ['owner', 'repo', 'title', 'head', 'base'],
      ),
      weight: 2,
      latency: { medianMs: 520, sigma: 0.3 },
      freeTextArg: 'body',
      args: (rng, ctx) => ({
        ...OWNER_REPO(rng, ctx),
        title: `fix: ${rng.pick(LOREM_TOPICS)}`,
        head: `feature/${rng.hex(6)}`,
        base: 'main',
        body: 'Closes the linked issue.',
      }),
      result: (rng, _args, ctx) =>
        jsonResult({
          number: rng.int(100, 4000),
          html_url: `https://github.com/${ctx.tenant.org}/pull/${rng.int(100, 4000)}`,
        }),
    }),
    tool({
      name: 'merge_pull_request',
      description: 'Merge a pull request in a GitHub repository.',
      inputSchema: schema({ owner: str(), repo: str(), pullNumber: int(), merge_method: str() }, [
        'owner',
        'repo',
        'pullNumber',
      ]),
      weight: 1,
      requiredRole: 'maintainer',
      latency: { medianMs: 600, sigma: 0.3 },
      args: (rng, ctx) => ({
        ...OWNER_REPO(rng, ctx),
        pullNumber: rng.int(100, 4000),
        merge_method: 'squash',
      }),
      result: (rng) => jsonResult({ merged: true, sha: rng.hex(40) }),
      toolError: () => 'failed to merge pull request: 405 Pull Request is not mergeable',
    }),
  ],
}
