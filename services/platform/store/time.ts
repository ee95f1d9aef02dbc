/**
 * How an instant is written for a `DateTime64(3, 'UTC')` column or query parameter:
 * `YYYY-MM-DD hh:mm:ss.sss` in UTC. ClickHouse reads this form as UTC whatever the session's
 * `date_time_input_format`, so inserts and parameters never depend on it.
 */
export function clickhouseTime(at: Date | number): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', '')
}

/**
 * Epoch milliseconds of a time as ClickHouse prints it (`YYYY-MM-DD hh:mm:ss[.sss]`, UTC) or as
 * ISO 8601 (what inserts send); NaN when it is neither.
 */
export function parseClickhouseTime(text: string): number {
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(text)) return Date.parse(`${text.replace(' ', 'T')}Z`)
  return Date.parse(text)
}
