// Korean name check (STANDARDS PII-10..PII-12) for the candidates the korean_name patterns
// capture before 님/씨 or a title, driven by the word lists in patterns/korean-names.json.
import * as v from 'valibot'
import namesJson from '../../patterns/korean-names.json' with { type: 'json' }
import { PiiConfigError } from './errors.ts'
import type { ValidatorResult } from './validators.ts'

const syllables = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(new RegExp(`^[가-힣]{${min},${max}}$`)))

/** Shape of patterns/korean-names.json. */
export const KoreanNameDataSchema = v.strictObject({
  description: v.string(),
  source: v.string(),
  /** Score of a two-syllable name (surname + 1): most such words before 님 are not names. */
  shortNameScore: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  /** One-syllable surnames (PII-10: the top 10 cover 64 % of people; we list ~120). */
  surnames: v.array(syllables(1, 1)),
  /** Two-syllable surnames (남궁, 황보, 제갈, 선우, 독고 …). */
  doubleSurnames: v.array(syllables(2, 2)),
  /** Words that start with a surname syllable and come before 님/씨/a title but are not names. */
  stopWords: v.array(syllables(2, 6)),
  /** Titles written after a name (PII-11); a candidate that is or ends in one is not a name. */
  titles: v.array(syllables(1, 4)),
  /** Final syllables of nouns, particles and modifiers that practically never end a given name. */
  notNameFinal: v.array(syllables(1, 1)),
  /** Syllables that do not occur in given names at all (loanword and suffix syllables). */
  notInGivenName: v.array(syllables(1, 1)),
})

export type KoreanNameData = v.InferOutput<typeof KoreanNameDataSchema>

/** A predicate telling whether a 2–4 syllable candidate reads as surname + given name. */
export type KoreanNameCheck = (candidate: string) => boolean

/** The name check and the score of two-syllable names, from one word-list file. */
export interface KoreanNameRules {
  isKoreanName: KoreanNameCheck
  shortNameScore: number
}

const CANDIDATE = /^[가-힣]{2,4}$/

/** Builds the name rules from word lists (validated here; throws PiiConfigError if malformed). */
export function createKoreanNameRules(data: unknown): KoreanNameRules {
  const parsed = v.safeParse(KoreanNameDataSchema, data)
  if (!parsed.success)
    throw new PiiConfigError(`patterns/korean-names.json: ${v.summarize(parsed.issues)}`)
  const {
    shortNameScore,
    surnames,
    doubleSurnames,
    stopWords,
    titles,
    notNameFinal,
    notInGivenName,
  } = parsed.output
  const single = new Set(surnames)
  const double = new Set(doubleSurnames)
  const stop = new Set(stopWords)
  const title = new Set(titles)
  const badFinal = new Set(notNameFinal)
  const notGiven = new Set(notInGivenName)

  function isKoreanName(candidate: string): boolean {
    if (!CANDIDATE.test(candidate)) return false
    if (stop.has(candidate) || title.has(candidate)) return false
    if (badFinal.has(candidate[candidate.length - 1]!)) return false
    // Surname + 1–3 given syllables; a two-syllable surname needs at least one given syllable.
    let given: string
    if (candidate.length >= 3 && double.has(candidate.slice(0, 2))) given = candidate.slice(2)
    else if (single.has(candidate[0]!)) given = candidate.slice(1)
    else return false
    // 김과장, 이사장 (이 + 사장), 정회원, 한국어: a surname syllable before a title or a word.
    if (title.has(given) || stop.has(given)) return false
    for (const syllable of given) if (notGiven.has(syllable)) return false
    return true
  }
  return { isKoreanName, shortNameScore }
}

const rules = createKoreanNameRules(namesJson)

/** The check built from patterns/korean-names.json (imported statically, no file reads). */
export const isKoreanName: KoreanNameCheck = rules.isKoreanName

/**
 * Validator `korean_name`: not a name → false (dropped); a two-syllable name → the low
 * `shortNameScore` (it then needs a context word); a longer plausible name keeps its base score.
 */
export function koreanName(value: string): ValidatorResult {
  if (!rules.isKoreanName(value)) return false
  return value.length === 2 ? rules.shortNameScore : undefined
}
