import type { Cell, ReportTable } from './document.js'

/** One CSV per table (RFC 4180, CRLF, UTF-8 with BOM so spreadsheets read Chinese names right). */

function escape(cell: Cell): string {
  const text = typeof cell === 'number' ? String(cell) : cell
  // A leading =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof cell !== 'number' ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export function renderCsv(table: ReportTable): string {
  const lines = [table.columns.map((c) => escape(c.label)), ...table.rows.map((row) => row.map(escape))]
  return `\uFEFF${lines.map((line) => line.join(',')).join('\r\n')}\r\n`
}
