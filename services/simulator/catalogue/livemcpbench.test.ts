import { describe, expect, test } from 'vitest'
import { loadCatalogue } from './index.js'
import { pythonTextLiteral } from './livemcpbench.js'
import { Rng } from '../rng.js'
import { SAMPLE_TENANTS } from '../population.js'

describe('Python repr text literals', () => {
  test('unescapes quotes, newlines and code points', () => {
    expect(
      pythonTextLiteral(
        `meta=None content=[TextContent(type='text', text='a\\'b\\nc\\u00e9\\x41', annotations=None)]`,
      ),
    ).toBe("a'b\ncéA")
    expect(pythonTextLiteral(`content=[TextContent(type="text", text="say \\"hi\\"")]`)).toBe('say "hi"')
    expect(pythonTextLiteral('no literal here')).toBeUndefined()
  })
})

describe('the LiveMCPBench recording', () => {
  const catalogue = loadCatalogue('auto')
  const recorded = catalogue.servers.filter((server) => server.origin === 'livemcpbench')

  test('adds the recorded servers, their tools and argument shapes beside the built-in ones', () => {
    expect(recorded.length).toBeGreaterThan(20)
    const wikipedia = recorded.find((server) => server.name === 'wikipedia')
    expect(wikipedia?.tools.map((tool) => tool.name)).toContain('search_wikipedia')
    const args = wikipedia!.tools
      .find((tool) => tool.name === 'search_wikipedia')!
      .args(new Rng('x'), {
        tenant: undefined as never,
        user: null,
      })
    expect(args).toHaveProperty('query')
  })

  test('recorded results replay, and paths under /root read as workspace paths', () => {
    for (const server of recorded) {
      for (const tool of server.tools) {
        const result = tool.result(new Rng('r'), {}, { tenant: undefined as never, user: null })
        expect(result.content[0]?.type).toBe('text')
        expect(JSON.stringify(result)).not.toContain('/root/')
      }
    }
    expect(SAMPLE_TENANTS.length).toBe(3)
  })
})
