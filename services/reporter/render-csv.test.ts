import { describe, expect, it } from 'vitest'
import { renderCsv } from './render-csv.js'

describe('renderCsv', () => {
  it('quotes, keeps numbers raw and defuses formulas', () => {
    const csv = renderCsv({
      id: 't',
      title: 'T',
      columns: [{ label: 'Name' }, { label: 'Calls' }],
      rows: [
        ['读取文件', 1234],
        ['a,"b"', -5],
        ['=HYPERLINK("x")', 0],
      ],
    })
    expect(csv).toBe('\uFEFFName,Calls\r\n读取文件,1234\r\n"a,""b""",-5\r\n"\'=HYPERLINK(""x"")",0\r\n')
  })
})
