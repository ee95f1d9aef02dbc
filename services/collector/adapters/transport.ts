import { SERVER_ADDRESS_ATTRIBUTE } from '../../../schemas/residency.js'
import { compact, hostOf, isObject, text, type JsonObject } from './shared.js'

/**
 * Where a call ran and whether it was encrypted, as far as a gateway record says: the event's
 * `data_region` and `tls` and the server's address (attribute `server.address`). Whatever a record
 * does not say stays unset; the normalizer then falls back to the tenant's configuration, and the
 * reports count what remains as unknown, never as compliant.
 */
export type TransportFacts = {
  data_region?: string
  tls?: boolean
  serverAddress?: string
}

/** Schemes and protocol names that mean TLS (Kong `service.protocol` includes tls_passthrough). */
const TLS_SCHEMES = new Set(['https', 'wss', 'grpcs', 'tls', 'ssl', 'tls_passthrough', 'mqtts'])
const CLEAR_SCHEMES = new Set(['http', 'ws', 'grpc', 'tcp', 'h2c', 'mqtt'])

/** `true` for `https`, `wss`, …, `false` for `http`, `ws`, …, from a bare scheme or a URL; else undefined. */
export function tlsFromScheme(value: unknown): boolean | undefined {
  const scheme = text(value)
    ?.toLowerCase()
    .replace(/:(\/\/.*)?$/s, '')
  if (scheme === undefined) return undefined
  if (TLS_SCHEMES.has(scheme)) return true
  if (CLEAR_SCHEMES.has(scheme)) return false
  return undefined
}

/** The host of an absolute URL (`https://crm.internal:8443/mcp` → `crm.internal`); undefined for a path. */
export function urlHost(value: unknown): string | undefined {
  const url = text(value)
  if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1') || undefined
  } catch {
    return undefined
  }
}

function region(value: unknown): string | undefined {
  return text(value)?.toLowerCase()
}

/**
 * OTel semantic conventions in flat records (log attributes, then the resource; agentgateway and
 * Envoy access logs that add these keys): `cloud.region`; `url.scheme` or the scheme of `url.full`,
 * `tls.established`, and `network.protocol.name` when it names a TLS protocol (`http` alone says
 * nothing about encryption); `server.address` or the host of `url.full`.
 */
export function semconvTransport(...records: JsonObject[]): TransportFacts {
  const first = (key: string): unknown => records.find((record) => record[key] !== undefined)?.[key]
  const established = first('tls.established')
  const protocol = tlsFromScheme(first('network.protocol.name'))
  return compact({
    data_region: region(first('cloud.region')),
    tls:
      tlsFromScheme(first('url.scheme')) ??
      tlsFromScheme(first('url.full')) ??
      (typeof established === 'boolean' ? established : undefined) ??
      (protocol === true ? true : undefined),
    serverAddress: text(first('server.address')) ?? urlHost(first('url.full')),
  })
}

/**
 * Envoy's `%UPSTREAM_TLS_VERSION%` (commonly logged as `upstream_tls_version`): a version on a TLS
 * connection to the upstream, `-` or null on a plaintext one; `%UPSTREAM_HOST%` its `ip:port`.
 */
export function envoyTransport(record: JsonObject): TransportFacts {
  const version = record.upstream_tls_version
  return compact({
    tls: 'upstream_tls_version' in record ? text(version) !== undefined : undefined,
    serverAddress: hostOf(record.upstream_host),
  })
}

/** Kong's log serializer: `service.protocol` (http, https, grpcs, tls, …) and `service.host`. */
export function kongTransport(service: unknown): TransportFacts {
  if (!isObject(service)) return {}
  return compact({ tls: tlsFromScheme(service.protocol), serverAddress: text(service.host) })
}

/** An upstream URL (ToolHive `target.endpoint` when it is absolute): its scheme and host. */
export function urlTransport(url: unknown): TransportFacts {
  return compact({ tls: tlsFromScheme(urlHost(url) ? url : undefined), serverAddress: urlHost(url) })
}

/** The first fact each source states, in order of precedence. */
export function mergeFacts(...sources: TransportFacts[]): TransportFacts {
  return compact({
    data_region: sources.find((facts) => facts.data_region !== undefined)?.data_region,
    tls: sources.find((facts) => facts.tls !== undefined)?.tls,
    serverAddress: sources.find((facts) => facts.serverAddress !== undefined)?.serverAddress,
  })
}

/** The event fields and the attribute for `facts`, to spread into a mapped event and its attributes. */
export function transportFields(facts: TransportFacts): {
  event: { data_region?: string; tls?: boolean }
  attributes: JsonObject
} {
  return {
    event: compact({ data_region: facts.data_region, tls: facts.tls }),
    attributes: facts.serverAddress ? { [SERVER_ADDRESS_ATTRIBUTE]: facts.serverAddress } : {},
  }
}
