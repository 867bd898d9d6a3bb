import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createLineSplitter, type OversizeLine } from './lines.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

function split(chunks: Array<string | Uint8Array>, maxLineBytes?: number) {
  const lines: string[] = []
  const oversize: OversizeLine[] = []
  const splitter = createLineSplitter({
    ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
    onLine: (line) => lines.push(line),
    onOversize: (line) => oversize.push(line),
  })
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? bytes(chunk) : chunk)
  splitter.end()
  return { lines, oversize }
}

test('lines across chunks, several per chunk, CRLF, an unterminated last line', () => {
  assert.equal(split(['{"a":', '1}\n{"b":2}\r\n{"c"', ':3}\n{"d":4}']).lines, [
    '{"a":1}',
    '{"b":2}',
    '{"c":3}',
    '{"d":4}',
  ])
  assert.equal(split(['\n\n']).lines, ['', ''])
})

test('a multi-byte character split between chunks is decoded whole', () => {
  const text = bytes('"김철수"\n')
  assert.equal(split([text.slice(0, 2), text.slice(2, 5), text.slice(5)]).lines, ['"김철수"'])
})

test('the caller may reuse its buffer: a partial line is copied', () => {
  const lines: string[] = []
  const splitter = createLineSplitter({ onLine: (l) => lines.push(l), onOversize: () => undefined })
  const buffer = bytes('abc')
  splitter.push(buffer)
  buffer.set(bytes('xyz'))
  splitter.push(bytes('d\n'))
  assert.equal(lines, ['abcd'])
})

test('a line over the cap is dropped and reported once with its size, head and tail', () => {
  const long = `{"id":7,"x":"${'a'.repeat(2000)}"}`
  const { lines, oversize } = split(['ok\n', long.slice(0, 900), long.slice(900), '\nnext\n'], 1000)
  assert.equal(lines, ['ok', 'next'])
  assert.is(oversize.length, 1)
  assert.is(oversize[0]?.bytes, long.length)
  assert.ok(oversize[0]?.head.startsWith('{"id":7,'))
  assert.ok(oversize[0]?.tail.endsWith('aa"}'))
  assert.ok((oversize[0]?.tail.length ?? 0) <= 512)
  // Exactly at the cap is kept.
  assert.equal(split(['x'.repeat(1000) + '\n'], 1000).lines.length, 1)
})

test('the default cap is 16 MiB', () => {
  const { lines, oversize } = split([new Uint8Array(16 * 1024 * 1024 + 1).fill(0x61), '\n'])
  assert.equal([lines.length, oversize.length], [0, 1])
})

test.run()
