import type { Rng } from '../rng.js'
import type { ServerSpec, ToolContext } from '../types.js'
import { int, jsonResult, login, schema, str, tool } from './define.js'

function channel(rng: Rng, ctx: ToolContext) {
  return rng.pick(ctx.tenant.world.channels)
}

function slackTs(rng: Rng): string {
  return `${rng.int(1_767_000_000, 1_799_000_000)}.${String(rng.int(0, 999_999)).padStart(6, '0')}`
}

const MESSAGES = [
  'Deploy of payments-api to staging is done, smoke tests green.',
  'Can someone review the retry PR before standup?',
  'Heads-up: the nightly export ran 20 minutes late.',
  'Incident closed, postmortem draft is in the wiki.',
  'Reminder: change freeze starts Thursday 18:00.',
]

export const slack: ServerSpec = {
  name: 'slack',
  version: '2025.4.25',
  transport: 'stdio',
  roles: [],
  origin: 'builtin',
  tools: [
    tool({
      name: 'slack_list_channels',
      description: 'List public or pre-defined channels in the workspace with pagination',
      inputSchema: schema({ limit: int(), cursor: str() }),
      weight: 4,
      latency: { medianMs: 160, sigma: 0.45 },
      args: () => ({ limit: 100 }),
      result: (_rng, _args, ctx) =>
        jsonResult({
          ok: true,
          channels: ctx.tenant.world.channels.map((c) => ({ id: c.id, name: c.name })),
        }),
    }),
    tool({
      name: 'slack_post_message',
      description: 'Post a new message to a Slack channel',
      inputSchema: schema({ channel_id: str(), text: str() }, ['channel_id', 'text']),
      weight: 8,
      latency: { medianMs: 190, sigma: 0.4 },
      freeTextArg: 'text',
      args: (rng, ctx) => ({ channel_id: channel(rng, ctx).id, text: rng.pick(MESSAGES) }),
      result: (rng, args) => jsonResult({ ok: true, channel: args.channel_id, ts: slackTs(rng) }),
      toolError: () => 'Error: not_in_channel',
    }),
    tool({
      name: 'slack_reply_to_thread',
      description: 'Reply to a specific message thread in Slack',
      inputSchema: schema({ channel_id: str(), thread_ts: str(), text: str() }, [
        'channel_id',
        'thread_ts',
        'text',
      ]),
      weight: 5,
      latency: { medianMs: 190, sigma: 0.4 },
      freeTextArg: 'text',
      args: (rng, ctx) => ({
        channel_id: channel(rng, ctx).id,
        thread_ts: slackTs(rng),
        text: 'On it, will report back.',
      }),
      result: (rng, args) => jsonResult({ ok: true, channel: args.channel_id, ts: slackTs(rng) }),
      toolError: () => 'Error: thread_not_found',
    }),
    tool({
      name: 'slack_get_channel_history',
      description: 'Get recent messages from a channel',
      inputSchema: schema({ channel_id: str(), limit: int() }, ['channel_id']),
      weight: 8,
      latency: { medianMs: 210, sigma: 0.45 },
      args: (rng, ctx) => ({ channel_id: channel(rng, ctx).id, limit: rng.pick([10, 20, 50]) }),
      result: (rng, _args, ctx) =>
        jsonResult({
          ok: true,
          messages: [
            {
              user: `U0${rng.chars(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`,
              text: rng.pick(MESSAGES),
              ts: slackTs(rng),
            },
            { user: login(ctx), text: rng.pick(MESSAGES), ts: slackTs(rng) },
          ],
        }),
      toolError: () => 'Error: channel_not_found',
    }),
    tool({
      name: 'slack_get_thread_replies',
      description: 'Get all replies in a message thread',
      inputSchema: schema({ channel_id: str(), thread_ts: str() }, ['channel_id', 'thread_ts']),
      weight: 3,
      latency: { medianMs: 180, sigma: 0.4 },
      args: (rng, ctx) => ({ channel_id: channel(rng, ctx).id, thread_ts: slackTs(rng) }),
      result: (rng) => jsonResult({ ok: true, messages: [{ text: rng.pick(MESSAGES), ts: slackTs(rng) }] }),
    }),
    tool({
      name: 'slack_get_users',
      description: 'Get a list of all users in the workspace with their basic profile information',
      inputSchema: schema({ limit: int(), cursor: str() }),
      weight: 2,
      latency: { medianMs: 240, sigma: 0.4 },
      args: () => ({ limit: 100 }),
      result: (rng) =>
        jsonResult({
          ok: true,
          members: [{ id: `U0${rng.chars(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`, is_bot: false }],
        }),
    }),
    tool({
      name: 'slack_add_reaction',
      description: 'Add a reaction emoji to a message',
      inputSchema: schema({ channel_id: str(), timestamp: str(), reaction: str() }, [
        'channel_id',
        'timestamp',
        'reaction',
      ]),
      weight: 3,
      latency: { medianMs: 150, sigma: 0.4 },
      args: (rng, ctx) => ({
        channel_id: channel(rng, ctx).id,
        timestamp: slackTs(rng),
        reaction: rng.pick(['eyes', 'white_check_mark', '+1']),
      }),
      result: () => jsonResult({ ok: true }),
      toolError: () => 'Error: already_reacted',
    }),
  ],
}
