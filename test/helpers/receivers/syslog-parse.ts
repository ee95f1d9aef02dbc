/**
 * Parsers of what a syslog receiver got, written from the specifications and independent of the
 * sink's formatting code, so the tests check the wire format rather than our own round trip:
 * RFC 5424 messages with structured data, ArcSight CEF and QRadar LEEF 2.0.
 */

export interface SyslogMessage {
  pri: number
  version: number
  timestamp: string
  hostname: string
  appName: string
  procId: string
  msgId: string
  /** SD-ID → parameters; empty for nil structured data. */
  structuredData: Map<string, Record<string, string>>
  msg: string
}

function fail(what: string, text: string): never {
  throw new Error(`not ${what}: ${JSON.stringify(text.slice(0, 200))}`)
}

/** RFC 5424 §6: header fields separated by single spaces, then SD, then an optional MSG. */
export function parseRfc5424(text: string): SyslogMessage {
  const header = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text)
  if (!header) fail('an RFC 5424 message', text)
  const [, pri, version, timestamp, hostname, appName, procId, msgId] = header as unknown as string[]
  let rest = text.slice(header[0].length)
  const structuredData = new Map<string, Record<string, string>>()
  if (rest.startsWith('-')) {
    rest = rest.slice(1)
  } else {
    while (rest.startsWith('[')) {
      const id = /^\[([^ \]="]+)/.exec(rest)
      if (!id) fail('an SD-ELEMENT', rest)
      rest = rest.slice(id[0].length)
      const params: Record<string, string> = {}
      for (;;) {
        if (rest.startsWith(']')) {
          rest = rest.slice(1)
          break
        }
        const name = /^ ([^ =\]"]{1,32})="/.exec(rest)
        if (!name) fail('an SD-PARAM', rest)
        rest = rest.slice(name[0].length)
        let value = ''
        for (;;) {
          const char = rest[0]
          if (char === undefined) fail('a closed PARAM-VALUE', text)
          if (char === '"') break
          // §6.3.3: `]` MUST be escaped inside a value (receivers scanning for the element's end rely on it).
          if (char === ']') fail('a PARAM-VALUE with "]" escaped', rest)
          if (char === '\\' && (rest[1] === '"' || rest[1] === '\\' || rest[1] === ']')) {
            value += rest[1]
            rest = rest.slice(2)
          } else {
            value += char
            rest = rest.slice(1)
          }
        }
        rest = rest.slice(1)
        params[name[1] as string] = value
      }
      structuredData.set(id[1] as string, params)
    }
  }
  if (rest !== '' && !rest.startsWith(' ')) fail('SD followed by SP MSG', rest)
  return {
    pri: Number(pri),
    version: Number(version),
    timestamp: timestamp as string,
    hostname: hostname as string,
    appName: appName as string,
    procId: procId as string,
    msgId: msgId as string,
    structuredData,
    msg: rest.slice(1),
  }
}

export interface CefEvent {
  version: string
  vendor: string
  product: string
  deviceVersion: string
  signatureId: string
  name: string
  severity: string
  extension: Record<string, string>
}

/** CEF: seven `|`-separated header fields (`\|` and `\\` escaped), then `key=value` pairs. */
export function parseCef(text: string): CefEvent {
  if (!text.startsWith('CEF:')) fail('a CEF line', text)
  const fields: string[] = []
  let field = ''
  let index = 4
  while (fields.length < 7) {
    const char = text[index]
    if (char === undefined) fail('a complete CEF header', text)
    if (char === '\\' && (text[index + 1] === '|' || text[index + 1] === '\\')) {
      field += text[index + 1]
      index += 2
    } else if (char === '|') {
      fields.push(field)
      field = ''
      index += 1
    } else {
      field += char
      index += 1
    }
  }
  const extensionText = text.slice(index)
  // A key starts the text or follows a space and ends at an `=` that no backslash escapes
  // (keys are alphanumeric, so the character before that `=` is never a backslash).
  const keys = [...extensionText.matchAll(/(?:^| )([A-Za-z0-9_]+)=/g)]
  const extension: Record<string, string> = {}
  keys.forEach((match, k) => {
    const start = match.index + match[0].length
    const end = k + 1 < keys.length ? (keys[k + 1] as RegExpExecArray).index : extensionText.length
    extension[match[1] as string] = extensionText
      .slice(start, end)
      .replace(/\\([\\=nr])/g, (_all, escaped: string) =>
        escaped === 'n' ? '\n' : escaped === 'r' ? '\r' : escaped,
      )
  })
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  return { version, vendor, product, deviceVersion, signatureId, name, severity, extension }
}

export interface LeefEvent {
  version: string
  vendor: string
  product: string
  productVersion: string
  eventId: string
  attributes: Record<string, string>
}

/** LEEF 2.0: five header fields, the delimiter (a character or x/0x + hex), then attributes. */
export function parseLeef(text: string): LeefEvent {
  const header = /^LEEF:(2\.0)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|/.exec(text)
  if (!header) fail('a LEEF 2.0 line', text)
  const [, version, vendor, product, productVersion, eventId, declared] = header as unknown as string[]
  const hex = /^0?x([0-9a-fA-F]{1,4})$/.exec(declared as string)
  const delimiter = hex ? String.fromCharCode(parseInt(hex[1] as string, 16)) : (declared as string)
  const attributes: Record<string, string> = {}
  for (const pair of text.slice(header[0].length).split(delimiter)) {
    const at = pair.indexOf('=')
    if (at <= 0) fail('a LEEF key=value attribute', pair)
    attributes[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return {
    version: version as string,
    vendor: vendor as string,
    product: product as string,
    productVersion: productVersion as string,
    eventId: eventId as string,
    attributes,
  }
}
