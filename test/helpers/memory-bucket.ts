import type { Bucket, PutRequest } from '../../services/exporter/sinks/s3/bucket.js'

/**
 * A bucket in a map, for unit tests of the S3 sink's layout, manifests and verification (the
 * integration tests use a real SeaweedFS). Keeps every put, so a test sees what was replaced.
 */
export interface MemoryBucket extends Bucket {
  objects: Map<string, PutRequest>
  puts: PutRequest[]
}

export function memoryBucket(): MemoryBucket {
  const objects = new Map<string, PutRequest>()
  const puts: PutRequest[] = []
  return {
    name: 'memory',
    objects,
    puts,
    put(object) {
      objects.set(object.key, object)
      puts.push(object)
      return Promise.resolve()
    },
    get: (key) => Promise.resolve(objects.get(key)?.body),
    head(key) {
      const object = objects.get(key)
      return Promise.resolve(object && { bytes: object.body.length, metadata: object.metadata })
    },
    list(prefix) {
      const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort()
      return (async function* () {
        for (const key of keys) yield await Promise.resolve({ key, bytes: objects.get(key)!.body.length })
      })()
    },
    close: () => undefined,
  }
}
