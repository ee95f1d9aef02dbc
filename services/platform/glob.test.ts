import { describe, expect, it } from 'vitest'
import { globLookup, globPattern } from './glob.js'

describe('globPattern', () => {
  it('matches * and ? over the whole name, other characters literally', () => {
    expect(globPattern('crm-*').test('crm-eu')).toBe(true)
    expect(globPattern('crm-*').test('xcrm-eu')).toBe(false)
    expect(globPattern('db?').test('db1')).toBe(true)
    expect(globPattern('db?').test('db12')).toBe(false)
    expect(globPattern('a.b').test('axb')).toBe(false)
    expect(globPattern('(x)+').test('(x)+')).toBe(true)
  })
})

describe('globLookup', () => {
  it('prefers an exact name, then the first matching glob', () => {
    const lookup = globLookup({ 'crm-*': 'eu-west-1', 'crm-us': 'us-east-1', '*': 'ap-south-1' })
    expect(lookup('crm-us')).toBe('us-east-1')
    expect(lookup('crm-de')).toBe('eu-west-1')
    expect(lookup('github')).toBe('ap-south-1')
    expect(globLookup({ 'crm-*': true })('github')).toBeUndefined()
  })
})
