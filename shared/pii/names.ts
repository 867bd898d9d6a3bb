// What a Korean name looks like (PII-10..PII-12): surname lists, stop words, titles
// and a given-name plausibility model from syllable statistics, all from patterns/korean-names.json.
// Context (labels, particles, titles, lists) is scored by names-recognizer.ts.
import * as v from 'valibot'
import namesJson from '../../patterns/korean-names.json' with { type: 'json' }
import { PiiConfigError } from './errors.ts'
import type { ValidatorResult } from './types.ts'

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
  titles: v.array(syllables(1, 5)),
  /** Final syllables of nouns, particles and modifiers that practically never end a given name. */
  notNameFinal: v.array(syllables(1, 1)),
  /** Syllables that do not occur in given names at all (loanword and suffix syllables). */
  notInGivenName: v.array(syllables(1, 1)),
  /** Korean labels and key names after which a name follows (담당자, 성명, 수신 …). */
  labels: v.array(syllables(1, 8)),
  /** English labels, key names and salutations, lower-case letters only (name, customer, dear). */
  englishLabels: v.array(v.pipe(v.string(), v.regex(/^[a-z]{2,20}$/))),
  /** Particles, postpositions and copulas that may follow a name (excluded from the span). */
  particles: v.array(syllables(1, 5)),
  /** Honorifics written right after a name or after a space (님, 씨, 귀하 …). */
  honorifics: v.array(syllables(1, 2)),
  /** Two-syllable given names, for the syllable statistics of the plausibility model. */
  givenNames: v.array(syllables(2, 2)),
  /** One-syllable given names that are common enough to score (김구, 허균). */
  singleGivenNames: v.array(syllables(1, 1)),
  /**
   * Final syllables of Sino-Korean nouns (-성 -ness, -기 period/device, -원 member, -자 person …)
   * that also end given names: an unlisted given name ending in one counts 0.7 times.
   */
  wordFinal: v.array(syllables(1, 1)),
})

export type KoreanNameData = v.InferOutput<typeof KoreanNameDataSchema>

/** A predicate telling whether a 2–4 syllable candidate reads as surname + given name. */
export type KoreanNameCheck = (candidate: string) => boolean

/** A candidate split into surname and given name. */
export interface NameParts {
  surname: string
  given: string
}

/** The name checks and the score of two-syllable names, from one word-list file. */
export interface KoreanNameRules {
  isKoreanName: KoreanNameCheck
  shortNameScore: number
  /** Surname + given name when the candidate passes isKoreanName, else undefined. */
  split(candidate: string): NameParts | undefined
  /**
   * How much a given name looks like one, in [0, 1]: the geometric mean of each syllable's
   * frequency in that position of `givenNames` (a syllable seen 3 times there counts fully, in
   * the other position half) times 0.8 (and 0.7 after a `wordFinal` syllable), 1 for a listed
   * given name; one-syllable names 0.6 when
   * listed, three-syllable ones 0.3 at most.
   */
  givenPlausibility(given: string): number
  /** The validated word lists (for the recognizer). */
  data: KoreanNameData
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
  const first = new Map<string, number>()
  const second = new Map<string, number>()
  for (const name of parsed.output.givenNames) {
    first.set(name[0]!, (first.get(name[0]!) ?? 0) + 1)
    second.set(name[1]!, (second.get(name[1]!) ?? 0) + 1)
  }
  const singleGiven = new Set(parsed.output.singleGivenNames)
  const givenNames = new Set(parsed.output.givenNames)
  const wordFinal = new Set(parsed.output.wordFinal)
  const frequency = (syllable: string, here: Map<string, number>, other: Map<string, number>) =>
    Math.min(1, Math.max((here.get(syllable) ?? 0) / 3, (other.get(syllable) ?? 0) / 6))

  function givenPlausibility(given: string): number {
    if (given.length === 1) return singleGiven.has(given) ? 0.6 : 0.1
    const a = frequency(given[0]!, first, second)
    const b = frequency(given[given.length - 1]!, second, first)
    const mean = Math.sqrt(a * b)
    if (given.length === 2)
      return givenNames.has(given) ? 1 : 0.8 * mean * (wordFinal.has(given[1]!) ? 0.7 : 1)
    return 0.3 * mean
  }

  function split(candidate: string): NameParts | undefined {
    if (!CANDIDATE.test(candidate)) return undefined
    if (stop.has(candidate) || title.has(candidate)) return undefined
    if (badFinal.has(candidate[candidate.length - 1]!)) return undefined
    // Surname + 1–3 given syllables; a two-syllable surname needs at least one given syllable.
    let surname: string
    if (candidate.length >= 3 && double.has(candidate.slice(0, 2))) surname = candidate.slice(0, 2)
    else if (single.has(candidate[0]!)) surname = candidate[0]!
    else return undefined
    const given = candidate.slice(surname.length)
    // 김과장, 이사장 (이 + 사장), 정회원, 한국어: a surname syllable before a title or a word,
    // unless the given part is a listed given name (백지원, 표수정: 지원 and 수정 are both).
    if (title.has(given) || (stop.has(given) && !givenNames.has(given))) return undefined
    // 정보원, 한국인, 이상은: a common word plus one syllable, unless that leaves a listed name.
    if (candidate.length === 3 && stop.has(candidate.slice(0, 2)) && !givenNames.has(given))
      return undefined
    for (const syllable of given) if (notGiven.has(syllable)) return undefined
    return { surname, given }
  }
  return {
    isKoreanName: (candidate) => split(candidate) !== undefined,
    shortNameScore,
    split,
    givenPlausibility,
    data: parsed.output,
  }
}

/** The rules built from patterns/korean-names.json (imported statically, no file reads). */
export const KOREAN_NAME_RULES: KoreanNameRules = createKoreanNameRules(namesJson)
const rules = KOREAN_NAME_RULES

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
