/**
 * JSON with object keys sorted at every level, so equal values serialize to equal bytes whatever
 * the key order: event ids, content hashes, the tools/list fingerprint and signed report manifests
 * hash these bytes, so they must never change. Members whose value is undefined are left out;
 * array items that are undefined are `null`, holes are empty. Written as loops: the collector and
 * the normalizer run it on every event.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) {
    let out = '['
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ','
      if (index in value) out += canonicalJson(value[index])
    }
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  // The default sort compares UTF-16 code units, as `<` does on strings.
  const keys = Object.keys(record).sort()
  let out = '{'
  for (const key of keys) {
    const item = record[key]
    if (item === undefined) continue
    if (out.length > 1) out += ','
    out += `${JSON.stringify(key)}:${canonicalJson(item)}`
  }
  return `${out}}`
}
