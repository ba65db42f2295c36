/**
 * Text search dictionaries and configurations. Both are created right after extensions (a
 * generated column or an index may name a configuration) and dropped after the tables,
 * configurations before the dictionaries they map to. A dictionary's options are altered in
 * place: ALTER TEXT SEARCH DICTIONARY first removes every named option, then appends those with
 * a value, so naming the old ones bare and then the new ones with values yields the declared
 * order. A changed template or parser means dropping and creating again (configurations mapping
 * to a re-created dictionary with it); mappings are added, altered and dropped per token type.
 */
import type { TsConfigurationInfo, TsDictionaryInfo } from '../model.ts'
import { detectedLine, PHASE, type Change, type ObjectKind } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs } from './sql-text.ts'

const DICT: ObjectKind = 'text search dictionary'
const CONF: ObjectKind = 'text search configuration'

/** `stopwords = 'english', accept = 'false'` → [["stopwords", "'english'"], ...]. */
function parseOptions(text: string | null): [string, string][] {
  const out: [string, string][] = []
  for (const m of (text ?? '').matchAll(/("(?:[^"]|"")*"|[^\s=,]+)\s*=\s*(E?'(?:[^']|'')*'|[^,]+)/g)) out.push([m[1]!, m[2]!.trim()])
  return out
}

function createDictionary(key: string, d: TsDictionaryInfo): string[] {
  const options = parseOptions(d.options).map(([k, v]) => `, ${k} = ${v}`).join('')
  const sql = [`CREATE TEXT SEARCH DICTIONARY ${key} (TEMPLATE = ${d.template}${options})`]
  if (d.comment !== null) sql.push(commentOn(`TEXT SEARCH DICTIONARY ${key}`, d.comment))
  return sql
}

function mappingSql(key: string, verb: 'ADD' | 'ALTER', token: string, dicts: string[]): string {
  return `ALTER TEXT SEARCH CONFIGURATION ${key} ${verb} MAPPING FOR ${token} WITH ${dicts.join(', ')}`
}

function createConfiguration(key: string, c: TsConfigurationInfo): string[] {
  const sql = [`CREATE TEXT SEARCH CONFIGURATION ${key} (PARSER = ${c.parser})`]
  for (const [token, dicts] of Object.entries(c.mappings)) sql.push(mappingSql(key, 'ADD', token, dicts))
  if (c.comment !== null) sql.push(commentOn(`TEXT SEARCH CONFIGURATION ${key}`, c.comment))
  return sql
}

const step = (kind: ObjectKind, action: Change['action'], name: string, sql: string[], phase: number, order: number, detected = ''): Change =>
  ({ kind, action, name, detected, sql, phase, order })

export function diffTextSearch(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const dicts = pairs(ctx.from.tsDictionaries ?? {}, ctx.to.tsDictionaries ?? {})
  const recreatedDicts = new Set(dicts.both.filter(([, a, b]) => a.template !== b.template).map(([k]) => k))
  for (const [key, d] of dicts.added) out.push(step(DICT, 'add', key, createDictionary(key, d), PHASE.createExtension, 3, detectedLine('add', DICT, key)))
  for (const [key] of dicts.removed) out.push(step(DICT, 'remove', key, [`DROP TEXT SEARCH DICTIONARY ${key}`], PHASE.dropEnum, 3, detectedLine('remove', DICT, key)))
  for (const [key, a, b] of dicts.both) {
    if (recreatedDicts.has(key)) {
      out.push(step(DICT, 'remove', key, [`DROP TEXT SEARCH DICTIONARY ${key}`], PHASE.dropChangedFunction, 7, detectedLine('change', DICT, key, 'template')))
      out.push(step(DICT, 'add', key, createDictionary(key, b), PHASE.createExtension, 3))
      continue
    }
    if (a.options !== b.options) {
      const next = parseOptions(b.options)
      const bare = parseOptions(a.options).map(([k]) => k).filter((k) => !next.some(([n]) => n === k))
      const list = [...bare, ...next.map(([k, v]) => `${k} = ${v}`)].join(', ')
      out.push(step(DICT, 'change', key, [`ALTER TEXT SEARCH DICTIONARY ${key} (${list})`], PHASE.createExtension, 3, detectedLine('change', DICT, key, 'options')))
    }
    if (a.comment !== b.comment) out.push(step(DICT, 'change', key, [commentOn(`TEXT SEARCH DICTIONARY ${key}`, b.comment)], PHASE.comment, 0, detectedLine('change', DICT, key, 'comment')))
  }
  const confs = pairs(ctx.from.tsConfigurations ?? {}, ctx.to.tsConfigurations ?? {})
  for (const [key, c] of confs.added) out.push(step(CONF, 'add', key, createConfiguration(key, c), PHASE.createExtension, 4, detectedLine('add', CONF, key)))
  for (const [key] of confs.removed) out.push(step(CONF, 'remove', key, [`DROP TEXT SEARCH CONFIGURATION ${key}`], PHASE.dropEnum, 2, detectedLine('remove', CONF, key)))
  for (const [key, a, b] of confs.both) {
    const usesRecreated = Object.values(a.mappings).some((ds) => ds.some((d) => recreatedDicts.has(d)))
    if (a.parser !== b.parser || usesRecreated) {
      out.push(step(CONF, 'remove', key, [`DROP TEXT SEARCH CONFIGURATION ${key}`], PHASE.dropChangedFunction, 6, detectedLine('change', CONF, key, 'parser')))
      out.push(step(CONF, 'add', key, createConfiguration(key, b), PHASE.createExtension, 4))
      continue
    }
    const sql: string[] = []
    for (const token of Object.keys(a.mappings)) if (!b.mappings[token]) sql.push(`ALTER TEXT SEARCH CONFIGURATION ${key} DROP MAPPING FOR ${token}`)
    for (const [token, ds] of Object.entries(b.mappings)) {
      const old = a.mappings[token]
      if (!old) sql.push(mappingSql(key, 'ADD', token, ds))
      else if (old.join() !== ds.join()) sql.push(mappingSql(key, 'ALTER', token, ds))
    }
    if (sql.length) out.push(step(CONF, 'change', key, sql, PHASE.createExtension, 4, detectedLine('change', CONF, key, 'mappings')))
    if (a.comment !== b.comment) out.push(step(CONF, 'change', key, [commentOn(`TEXT SEARCH CONFIGURATION ${key}`, b.comment)], PHASE.comment, 0, detectedLine('change', CONF, key, 'comment')))
  }
  return out
}
