import { promisify } from 'node:util'
import zlib from 'node:zlib'
import kafkajs from 'kafkajs'

const gzip = promisify(zlib.gzip)
const unzip = promisify(zlib.unzip)

/**
 * Level 1 instead of zlib's default 6. Measured on record batches of the collector's envelopes
 * (300 events, ~215 KB): 3.2 instead of 5.8 µs of CPU per event, 7.2 instead of 8.5 times smaller;
 * kafkajs sending them with one request in flight: 35% more events per second, 16% less CPU per
 * event in the client and in the broker.
 * Compression sits on the path of the single request in flight (idempotent producer), so saved
 * time is throughput. The broker stores and serves the batch as it came, still gzip.
 */
export const GZIP_LEVEL = 1

/**
 * kafkajs keeps one gzip codec per process (`CompressionCodecs`); ours replaces it for every
 * producer and consumer of this process. The wire stays gzip, so any reader decompresses it.
 */
export function useFastGzip(): void {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP] = () => ({
    compress: (encoder: { buffer: Buffer }) => gzip(encoder.buffer, { level: GZIP_LEVEL }),
    decompress: (buffer: Buffer) => unzip(buffer),
  })
}
