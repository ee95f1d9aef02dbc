/**
 * English texts of the compliance checks, keyed by check id: the title, then one message per
 * summary or evidence sentence. The source language: every other catalog has the same keys.
 */
export const checksEn = {
  'retention-minimum': {
    title: 'Retention meets each framework minimum',
    pass: 'events are kept at least {days} days',
    failExpiring: '{count} stored events expire before the required {days} days',
    failConfigured: 'retention is configured below the required {days} days',
    warnHistory:
      'the store holds {history} days of history, less than the {days} required: fine only if collection began then',
    required: 'required minimum: {days} days ({sources})',
    requiredByTenant: 'required minimum: {days} days (tenant retention.minDays)',
    source: '{source} ({days} days)',
    policy: 'tenant policy: minDays {min}, maxDays {max} (events are kept maxDays)',
    ttl: 'table TTL: {clause}',
    noTtl: 'audit_events has no TTL clause',
    keep: 'stored events keep {min} to {max} days (retention_until − event time)',
    oldest: 'oldest stored event: {oldest} ({days} days before the period end)',
  },
  'retention-maximum': {
    title: 'Retention within the tenant maximum',
    pass: 'no event is kept beyond {days} days',
    fail: 'events are kept beyond the tenant maximum',
    maximum: 'tenant maximum (storage limitation): {days} days',
    ttl: 'table TTL: {clause}',
    noTtl: 'audit_events has no TTL clause',
    beyond: 'events kept beyond the maximum: {count}',
    oldest: 'oldest stored event: {oldest} ({days} days old at the period end)',
  },
  'retention-availability': {
    title: 'Recent events immediately available',
    pass: '{days} days are kept on the hot tier',
    fail: 'hot tier holds {days} days, {required} required',
    hotDays: 'retention.hotDays: {days}',
    required: 'required: {days} days',
    requiredPci: 'required: {days} days (PCI DSS 10.5.1)',
  },
  'completeness-receipts': {
    title: 'Acknowledged events are all stored',
    fail: '{missing} acknowledged events are missing in {hours} gateway-hours',
    warn: 'no collector receipts in the period to reconcile against',
    pass: '{accepted} acknowledged events reconciled per gateway and hour',
    gateways: 'gateways: {gateways}; hours checked: {hours}',
    receipts: 'receipts accepted {accepted}, stored for those gateway-hours {stored}',
    shortfall: '{gateway} {hour}: accepted {accepted}, stored {stored}',
    more: '… and {n} more gateway-hours (see completeness.csv)',
  },
  'completeness-gaps': {
    title: 'No gateway fell silent',
    fail: '{hours} silent gateway-hours in {gaps} gaps',
    warn: 'no gateway sent events in the period',
    pass: 'every gateway sent events in each of the {hours} hours',
    silent: '{gateway} silent {from} → {to} ({hours} h)',
    more: '… and {n} more gaps (see completeness.csv)',
  },
  'ingestion-lag': {
    title: 'Ingestion lag',
    none: 'no events to measure',
    summary: 'p95 {seconds} s from collector receipt to storage',
    percentiles: 'p50 {p50} ms, p95 {p95} ms, max {max} ms',
    thresholds: 'warn above {warn} s, fail above {fail} s',
  },
  'record-content': {
    title: 'Records carry every required field (PCI DSS 10.2.2, NIST AU-3)',
    summary: '{share} of {events} events carry user, type, time, outcome, origin and resource',
    field: '{field}: {share} ({present})',
  },
  'security-alerts': {
    title: 'Security events reviewed',
    warn: '{open} high or critical alerts are still open',
    pass: '{alerts} alerts in the period, none high or critical left open',
    byStatus: '{status}: {alerts}',
    open: 'open: {severity} {rule} ({alert})',
  },
  authentication: {
    title: 'Calls are authenticated',
    summary: '{count} unauthenticated calls ({share})',
    method: '{method}: {calls} ({share})',
  },
  redaction: {
    title: 'Personal data and secrets redacted before storage',
    summary: '{count} findings redacted; user ids stored as keyed pseudonyms',
    type: '{type}: {findings} in {events} events',
  },
  'access-control': {
    title: "Calls stay within the caller's roles (least privilege)",
    fail: "{count} calls succeeded that the caller's roles do not permit ({users} users)",
    noCalls: 'no gateway calls in the period to judge',
    warn: '{unknown} of {calls} calls ({share}) came from callers without a role the rbac map names; none of the others exceeded its roles',
    pass: "all {calls} calls were within the caller's roles",
    misuse: '{user} (roles {roles}): {action} needs {permission}, succeeded {count} times',
    more: '… and {n} more (see access-misuse.csv)',
    withoutRole: 'calls without a known role: {count} ({share})',
    unknownRoles: 'roles not in the rbac map: {roles}',
    roleMap: 'role map: {entries}',
    roleMapEntry: '{role} [{permissions}]',
    truncated: 'some call groups were beyond the report limits; counts shown are lower bounds',
  },
  'storage-encryption': {
    title: 'Audit data encrypted at rest and in transit (PCI DSS 3.5.1, 4.2.1; HIPAA 164.312(a)(2)(iv))',
    summary:
      '{store, select, pass {store encrypted at rest} fail {store in clear} other {store not verified}}; {kafka, select, pass {Kafka protected in transit} fail {Kafka in clear} other {Kafka TLS unverified}}; report files signed, not encrypted',
    storeNotVerified: '{mode} store ({location}): disks not verified: {reason}',
    storeNoTables: '{mode} store ({location}): the engine reports no tables to check',
    storeClear:
      '{mode} store ({location}): {clear} of {tables} tables can be written to a disk in clear (system.disks is_encrypted = 0)',
    storeEncrypted:
      '{mode} store ({location}): all {tables} tables on encrypted disks ({disks}), as the engine reports them',
    table: '{table}: policy {policy}, disks {disks}',
    disk: '{name} ({encrypted, select, yes {encrypted} other {clear}})',
    moreTables: '… and {n} more tables',
    kafkaLocal: 'Kafka: the local broker of `start`, on loopback only (plaintext)',
    kafkaClear:
      'Kafka: events travel in clear to {brokers} (no kafka.ssl; {sasl, select, none {no SASL} other {SASL {sasl}}})',
    kafkaLoopback:
      'Kafka: plaintext to loopback brokers {brokers} ({sasl, select, none {no SASL} other {SASL {sasl}}})',
    kafkaVerified:
      'Kafka: {mutual, select, yes {TLS with a client certificate} other {TLS}} to {brokers}, broker certificates verified; {sasl, select, none {no SASL} other {SASL {sasl}}}',
    kafkaUnverified:
      'Kafka: {mutual, select, yes {TLS with a client certificate} other {TLS}} to {brokers}, but broker certificates are not verified (kafka.ssl.rejectUnauthorized: false); {sasl, select, none {no SASL} other {SASL {sasl}}}',
    kafkaAtRest:
      "Kafka at rest: the raw topic keeps events before redaction for {raw} h and the DLQ for {dlq} h on the brokers' disks, whose encryption is the brokers' own (not verified here)",
    reportFiles:
      'report files: signed (manifest.json, Ed25519 key {key}), written in clear: keep the reports directory on an encrypted volume',
  },
  'clock-skew': {
    title: 'Event times consistent with receipt times',
    pass: 'no event is stamped later than the collector received it',
    warn: '{count} events are stamped over a minute after the collector received them',
    checked: 'events checked: {count}',
  },
  integrity: {
    title: 'Report integrity',
    fail: '{broken} earlier reports no longer match their signed manifests',
    pass: 'signed manifest (Ed25519, key {key}); {previous} earlier reports verified',
    manifest:
      'this report: manifest.json lists the SHA-256 of every file, signed with key {key}; check with `mcp-audit report verify`',
    verified: '{report}: verified',
    problems: '{report}: {problems}',
  },
  'audit-trail-integrity': {
    title: 'Audit trail integrity (PCI DSS 10.3, NIST AU-9, AU-10)',
    notVerified: 'not verified: {reason}',
    checked:
      '{seals, plural, one {# seal} other {# seals}} and {rows, plural, one {# stored row} other {# stored rows}} checked against seal key {key}{expired, plural, =0 {} one {; # sealed row expired by retention (expected)} other {; # sealed rows expired by retention (expected)}}',
    firstSeal:
      'first seal {seal}, sealed {at}, {rows, plural, one {# row} other {# rows}}: digest {digest}, seal hash {hash}',
    lastSeal:
      'last seal {seal}, sealed {at}, {rows, plural, one {# row} other {# rows}}: digest {digest}, seal hash {hash}',
    problem:
      '{kind}{sealed, select, yes { seal {seal}} other {}}: {detail}{listed, select, yes {; event ids ({count}): {ids}{more, plural, =0 {} other { … and # more}}} other {}}',
    fail: '{problems, plural, one {# integrity problem} other {# integrity problems}}: {seals, plural, one {# seal} other {# seals}} broken, {events, plural, one {# event} other {# events}} changed, deleted or added',
    moreProblems: '… and {n} more problems (see report.json, or run {command})',
    nothingStored: 'not applicable: no events stored in the period, so there is nothing sealed to verify',
    notSealedYet:
      "not yet applicable: the period's {rows, plural, one {# row} other {# rows}} still wait for a first seal",
    checkLater: 'check again later with {command}',
    pass: '{seals, plural, =1 {the one seal of the period verifies} other {all # seals of the period verify}}; no sealed row was changed, deleted or added',
    recheck: 're-check with {command}',
  },
  'review-evidence': {
    title: 'Audit logs are reviewed',
    pass: '{entries} report generations and downloads in the 90 days to the period end',
    warn: 'no earlier report was generated or downloaded in the 90 days to the period end',
    entry: '{at} {action} by {actor} ({resource})',
    more: '… and {n} more',
  },
  'data-residency': {
    title: 'Calls ran in the allowed regions (data residency)',
    noPolicy: 'no residency policy: tenants[].residency.allowedRegions is not set for this tenant',
    fail: '{calls, plural, one {# call} other {# calls}} ran outside the allowed regions, in {regions}, on {servers, plural, one {# server} other {# servers}}: {names}',
    warn: '{calls, plural, one {# call} other {# calls}} ({share}) have no known region, above the {limit} allowed unknown',
    noCalls: 'no gateway calls in the period',
    pass: 'every call of known region ran in an allowed region ({calls, plural, one {# call} other {# calls}})',
    allowed: 'allowed regions: {regions}',
    regions: "regions of the period's calls: {regions}",
    region: '{region}: {calls, plural, one {# call} other {# calls}}',
    noRegion: 'none known',
    outside:
      'outside: server {server}, tool {tool}, region {region}: {calls, plural, one {# call} other {# calls}}',
    moreOutside: '… and {n} more server, tool and region combinations (see report.json)',
    unknown:
      '{calls, plural, one {# call} other {# calls}} ({share}) of unknown region, by server: {servers}; set tenants[].residency.serverRegions or gatewayRegions for them',
    server: '{server} ({calls})',
    moreServers: '{servers}, … {n} more',
  },
  'transport-encryption': {
    title: 'Calls to MCP servers travel over TLS (PCI DSS 4.2.1, HIPAA 164.312(e), ISO 27001 A.8.24)',
    tally:
      '{share} of {calls, plural, one {# call} other {# calls}} over TLS; {plaintext} in clear, {unknown} unknown',
    plaintext:
      'plaintext: server {server}: {calls, plural, one {# call} other {# calls}}{where, select, remote {} loopback { (loopback)} other { ({remote} not on loopback)}}',
    morePlaintext: '… and {n} more plaintext servers (see report.json)',
    unknown:
      'unknown TLS, by server: {servers}; have the gateway report the upstream scheme or set tenants[].serverTls',
    server: '{server} ({calls})',
    moreServers: '{servers}, … {n} more',
    fail: '{calls, plural, one {# call} other {# calls}} went in clear to {servers, plural, one {# server} other {# servers}} not on loopback: {names}',
    warn: '{calls, plural, one {# call} other {# calls}} ({share}) without TLS information; {tls} known to be over TLS',
    noCalls: 'no gateway calls in the period',
    passLoopback:
      '{share} of {calls, plural, one {# call} other {# calls}} over TLS; {plaintext} in clear, {unknown} unknown; plaintext only to loopback servers',
    pass: 'all {calls, plural, one {# call} other {# calls}} over TLS',
  },
}
