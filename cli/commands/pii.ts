// `mcp-docker pii scan|mask`: find PII and secrets in standard input, or rewrite it under a policy.
import { createDetector } from '../../shared/pii/detect.ts'
import {
  createPolicyEngine,
  maskValue,
  PiiError,
  PiiRejectedError,
  type Detector,
  type PolicyAction,
} from '../../shared/pii/index.ts'
import { parseCommandArgs, positionals } from '../args.ts'
import { Exit, UsageError, type CliIo, type Command } from '../command.ts'
import { decodeTextInput } from '../text-input.ts'
import { keyRingFromEnv } from './fernet.ts'

const detectorOptions = {
  types: { type: 'string' },
  'min-score': { type: 'string' },
} as const

const DETECTOR_HELP = `  --types a,b       only these entity types (default: all)
  --min-score X     drop findings scoring below X, 0–1 (default 0.4)`

function detectorFrom(values: { types?: string; 'min-score'?: string }): Detector {
  const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score'])
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) {
    throw new UsageError(`--min-score must be a number from 0 to 1, got ${values['min-score']}`)
  }
  const types = values.types
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean)
  try {
    return createDetector({
      ...(types ? { types } : {}),
      ...(minScore !== undefined ? { minScore } : {}),
    })
  } catch (error) {
    if (error instanceof PiiError) throw new UsageError(error.message)
    throw error
  }
}

const readText = async (io: CliIo): Promise<string> => decodeTextInput(await io.readStdin())

const INPUT_HELP = `Input: UTF-8 text, or UTF-16 with a byte-order mark (as Windows tools write it); UTF-16 or
UTF-32 without one, and invalid UTF-8, are refused with exit 2.`

/** Runs `work`, turning PII errors (input too large, policy problems) into one line and exit 1. */
async function guarded(io: CliIo, name: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof PiiError)) throw error
    io.stderr(`mcp-docker ${name}: ${error.message}\n`)
    return Exit.failed
  }
}

export const piiScan: Command = {
  name: 'pii scan',
  summary: 'print the PII and secrets found in standard input, as JSON',
  usage: `Usage: mcp-docker pii scan [--types a,b] [--min-score X] < text

Prints {"findings": [{type, start, end, score, validated, masked}], "counts": {type: n}}.
Offsets are UTF-16 code units; "masked" is a masked preview, never the raw value.
${INPUT_HELP}
${DETECTOR_HELP}`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, detectorOptions)
    positionals(rest, [])
    const detector = detectorFrom(values)
    const text = await readText(io)
    return guarded(io, 'pii scan', async () => {
      const findings = detector.detect(text).map((f) => ({
        ...f,
        masked: maskValue(f.type, text.slice(f.start, f.end)),
      }))
      const counts: Record<string, number> = {}
      for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1
      io.stdout(`${JSON.stringify({ findings, counts }, null, 2)}\n`)
      return Exit.ok
    })
  },
}

const MASK_POLICIES = ['mask', 'redact', 'encrypt', 'reject'] as const

export const piiMask: Command = {
  name: 'pii mask',
  summary: 'rewrite standard input under a policy (mask, redact, encrypt or reject)',
  usage: `Usage: mcp-docker pii mask [--policy mask|redact|encrypt|reject] [--types a,b] [--min-score X] < text

Prints the text with every finding processed:
  mask      (default) partial masks that keep the type visible: kim***@example.com, 010-****-5678
  redact    labels: [EMAIL], [PHONE]
  encrypt   each value becomes a Fernet token (key from FERNET_KEY / FERNET_KEY_FILE)
  reject    prints nothing and exits 1 naming the types found, if any
${INPUT_HELP} The output is UTF-8.
${DETECTOR_HELP}`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandArgs(args, {
      ...detectorOptions,
      policy: { type: 'string', default: 'mask' },
    })
    positionals(rest, [])
    const action = values.policy as PolicyAction
    if (!(MASK_POLICIES as readonly string[]).includes(action)) {
      throw new UsageError(
        `--policy must be one of ${MASK_POLICIES.join(', ')}, got ${values.policy}`,
      )
    }
    const detector = detectorFrom(values)
    const encryptor = action === 'encrypt' ? await keyRingFromEnv(io) : undefined
    const engine = createPolicyEngine(
      { default: action },
      { detector, ...(encryptor ? { encryptor } : {}) },
    )
    const text = await readText(io)
    return guarded(io, 'pii mask', async () => {
      try {
        io.stdout((await engine.applyToText(text)).value)
        return Exit.ok
      } catch (error) {
        if (!(error instanceof PiiRejectedError)) throw error
        io.stderr(`mcp-docker pii mask: ${error.message}\n`)
        return Exit.failed
      }
    })
  },
}
