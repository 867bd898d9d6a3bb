import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readStreamBounded } from './stream.ts'

function streamOf(chunks: Uint8Array[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!)
      else controller.close()
    },
    cancel: onCancel,
  })
}

test('joins every chunk up to and including the limit; null is empty', async () => {
  const bytes = await readStreamBounded(streamOf([new Uint8Array([1, 2]), new Uint8Array([3])]), 3)
  assert.equal([...bytes!], [1, 2, 3])
  assert.is((await readStreamBounded(null, 0))!.byteLength, 0)
})

test('past the limit: undefined, and the stream is cancelled (an endless body stops)', async () => {
  let cancelled = false
  const endless = new ReadableStream<Uint8Array>({
    pull: (controller) => controller.enqueue(new Uint8Array(1024)),
    cancel: () => void (cancelled = true),
  })
  assert.is(await readStreamBounded(endless, 4096), undefined)
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.ok(cancelled)
  assert.is(await readStreamBounded(streamOf([new Uint8Array(5)]), 4), undefined)
})

test('read errors propagate', async () => {
  const broken = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error('reset')) })
  try {
    await readStreamBounded(broken, 10)
    assert.unreachable()
  } catch (error) {
    assert.match((error as Error).message, /reset/)
  }
})

test.run()
