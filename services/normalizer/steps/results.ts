/**
 * What a step makes of one message. Steps never throw for bad data: they say where it goes, and
 * only the consumer loop decides what is written, dead-lettered and committed.
 */
export type StepResult<T> =
  { kind: 'ok'; value: T } | { kind: 'dlq'; reason: string } | { kind: 'drop'; reason: string }
