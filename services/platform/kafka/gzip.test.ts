import { gunzipSync } from 'node:zlib'
import kafkajs from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { useFastGzip } from './gzip.js'

/** The codec kafkajs would use for a gzip record batch now. */
const currentCodec = () =>
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP]() as {
    compress: (encoder: { buffer: Buffer }) => Promise<Buffer>
    decompress: (buffer: Buffer) => Promise<Buffer>
  }

describe('useFastGzip', () => {
  const records = Buffer.from(JSON.stringify({ method: 'tools/call', tool: 'search' }).repeat(200))

  it('makes every gzip record batch of the process fastest-level gzip that any reader inflates', async () => {
    useFastGzip()
    const compressed = await currentCodec().compress({ buffer: records })
    // RFC 1952: XFL (byte 8) is 4 when the compressor used its fastest algorithm.
    expect(compressed[8]).toBe(4)
    expect(gunzipSync(compressed).equals(records)).toBe(true)
    expect((await currentCodec().decompress(compressed)).equals(records)).toBe(true)
  })
})
