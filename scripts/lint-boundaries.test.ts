import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The folder boundaries and the kafkajs restriction are both import rules of eslint.config.js; a
 * block that sets the same rule for the same files replaces the other one without a word. This
 * lints made-up code under a real file's name (the type-aware parser wants a file of the project)
 * to show that each still bites. Type-aware linting takes seconds: a generous hang guard.
 */
describe('eslint.config.js import rules', { timeout: 120_000 }, () => {
  const eslint = new ESLint()
  const messagesOf = async (filePath: string, code: string) =>
    (await eslint.lintText(code, { filePath }))[0]!.messages.map((message) => message.ruleId)

  it('refuses an import across a service boundary and kafkajs outside platform/kafka, together', async () => {
    const rules = await messagesOf(
      'services/webhooks/backoff.ts',
      "import { Kafka } from 'kafkajs'\nimport { startSealer } from '../integrity/index.js'\nexport const probe = [Kafka, startSealer]\n",
    )
    expect(rules.sort()).toEqual(['@typescript-eslint/no-restricted-imports', 'no-restricted-imports'])
  })

  it('lets a service import platform/ and schemas/', async () => {
    const rules = await messagesOf(
      'services/webhooks/backoff.ts',
      "import { createLogger } from '../platform/logger.js'\nimport { AppConfig } from '../../schemas/config.js'\nexport const probe = [createLogger, AppConfig]\n",
    )
    expect(rules).toEqual([])
  })
})
