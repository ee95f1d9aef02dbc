import { describe, expect, it } from 'vitest'
import { compileGlob, globLookup, globProblem } from './glob.js'

describe('name globs', () => {
  it('match with * for any run, ignoring case, and nothing else', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*delete*', 'Delete_File', true],
      ['*delete*', 'undelete', true],
      ['*delete*', 'del_ete', false],
      ['fs_*', 'fs_read', true],
      ['fs_*', 'xfs_read', false],
      ['*_admin', 'grant_admin', true],
      ['*_admin', 'grant_admin_x', false],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'axbyc', true],
      ['a*b*c', 'acb', false],
      ['ab*ba', 'aba', false],
      ['read_file', 'READ_FILE', true],
      ['read_file', 'read_files', false],
      ['*', '', true],
      ['**', 'x', true],
    ]
    for (const [glob, name, expected] of cases) {
      expect(compileGlob(glob)(name), `${glob} ~ ${name}`).toBe(expected)
    }
  })

  it('take time linear in the name, where the regex .*a.*a.*a…b backtracks', () => {
    const glob = `${'*a'.repeat(20)}*b`
    const name = 'a'.repeat(200_000)
    const started = performance.now()
    expect(compileGlob(glob)(name)).toBe(false)
    expect(performance.now() - started).toBeLessThan(200)
  })

  it('refuse what they do not support, saying why', () => {
    expect(globProblem('')).toBe('is empty')
    expect(globProblem('write file')).toMatch(/whitespace/)
    expect(globProblem('file?')).toMatch(/not supported/)
    expect(globProblem('[ab]*')).toMatch(/not supported/)
    expect(globProblem('x'.repeat(201))).toMatch(/longer than 200/)
    expect(globProblem('*admin*')).toBeNull()
  })
})

describe('globLookup', () => {
  it('prefers an exact name (case ignored), then the first matching glob in order', () => {
    const lookup = globLookup({ 'crm-*': 'eu-west-1', 'CRM-us': 'us-east-1', '*': 'ap-south-1' })
    expect(lookup('crm-us')).toBe('us-east-1')
    expect(lookup('crm-de')).toBe('eu-west-1')
    expect(lookup('github')).toBe('ap-south-1')
    expect(globLookup({ 'crm-*': true })('github')).toBeUndefined()
    expect(globLookup({ 'db?': true })('db1')).toBeUndefined()
  })
})
