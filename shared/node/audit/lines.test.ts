import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { linesBackward } from './lines.ts'

async function backward(content: string, chunk: number) {
  const dir = await mkdtemp(join(tmpdir(), 'audit-lines-'))
  const path = join(dir, 'f')
  await writeFile(path, content)
  const handle = await open(path, 'r')
  try {
    const out: string[] = []
    for await (const line of linesBackward(handle, (await handle.stat()).size, chunk))
      out.push(line)
    return out
  } finally {
    await handle.close()
    await rm(dir, { recursive: true, force: true })
  }
}

test('yields lines last to first; the first value is what follows the last newline', async () => {
  for (const chunk of [1, 2, 3, 7, 64 * 1024]) {
    assert.equal(await backward('a\nbb\nccc\n', chunk), ['', 'ccc', 'bb', 'a'], `chunk ${chunk}`)
    assert.equal(await backward('a\nbb\ncut', chunk), ['cut', 'bb', 'a'], `chunk ${chunk}`)
    assert.equal(await backward('\n\nx\n', chunk), ['', 'x', '', ''], `chunk ${chunk}`)
  }
})

test('multi-byte UTF-8 split across chunk boundaries decodes intact', async () => {
  const text = 'été 😀 한국어\n第二行 ✓\n'
  for (const chunk of [1, 2, 3, 5]) {
    assert.equal(await backward(text, chunk), ['', '第二行 ✓', 'été 😀 한국어'])
  }
})

test('an empty file yields one empty value', async () => {
  assert.equal(await backward('', 4), [''])
})

test.run()
