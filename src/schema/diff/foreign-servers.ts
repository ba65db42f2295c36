/**
 * Foreign data wrappers, foreign servers and user mappings. All three are created after
 * functions (a wrapper names its handler and validator) and before tables (foreign tables name a
 * server), and dropped near the end, mappings before servers before wrappers. Handler, validator,
 * version and options are altered in place; a server whose wrapper or type changes is dropped
 * and created again, and so are its user mappings (and its foreign tables, in foreign-tables.ts).
 */
import { literal, type ForeignDataWrapperInfo, type ForeignServerInfo, type UserMappingInfo } from '../model.ts'
import { detectedLine, PHASE, type Change, type ObjectKind } from './change.ts'
import type { DiffContext } from './context.ts'
import { serversToRecreate } from './foreign-recreate.ts'
import { alterOptions, optionsClause } from './generic-options.ts'
import { commentOn, pairs } from './sql-text.ts'

const step = (kind: ObjectKind, action: Change['action'], name: string, sql: string[], phase: number, order: number, detected = ''): Change =>
  ({ kind, action, name, detected, sql, phase, order })

function createWrapper(key: string, w: ForeignDataWrapperInfo): string[] {
  const handler = w.handler ? ` HANDLER ${w.handler}` : ''
  const validator = w.validator ? ` VALIDATOR ${w.validator}` : ''
  const sql = [`CREATE FOREIGN DATA WRAPPER ${key}${handler}${validator}${optionsClause(w.options)}`]
  if (w.comment !== null) sql.push(commentOn(`FOREIGN DATA WRAPPER ${key}`, w.comment))
  return sql
}

function diffWrappers(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const kind = 'foreign data wrapper'
  const { removed, added, both } = pairs(ctx.from.foreignDataWrappers ?? {}, ctx.to.foreignDataWrappers ?? {})
  for (const [key, w] of added) out.push(step(kind, 'add', key, createWrapper(key, w), PHASE.createFunction, 10, detectedLine('add', kind, key)))
  for (const [key] of removed) out.push(step(kind, 'remove', key, [`DROP FOREIGN DATA WRAPPER ${key}`], PHASE.dropSequence, 3, detectedLine('remove', kind, key)))
  for (const [key, a, b] of both) {
    const parts: string[] = []
    if (a.handler !== b.handler) parts.push(b.handler ? `HANDLER ${b.handler}` : 'NO HANDLER')
    if (a.validator !== b.validator) parts.push(b.validator ? `VALIDATOR ${b.validator}` : 'NO VALIDATOR')
    const options = alterOptions(a.options, b.options)
    if (options) parts.push(options)
    if (parts.length) out.push(step(kind, 'change', key, [`ALTER FOREIGN DATA WRAPPER ${key} ${parts.join(' ')}`], PHASE.createFunction, 10, detectedLine('change', kind, key)))
    if (a.comment !== b.comment) out.push(step(kind, 'change', key, [commentOn(`FOREIGN DATA WRAPPER ${key}`, b.comment)], PHASE.comment, 0, detectedLine('change', kind, key, 'comment')))
  }
  return out
}

function createServer(key: string, s: ForeignServerInfo): string[] {
  const type = s.type !== null ? ` TYPE ${literal(s.type)}` : ''
  const version = s.version !== null ? ` VERSION ${literal(s.version)}` : ''
  const sql = [`CREATE SERVER ${key}${type}${version} FOREIGN DATA WRAPPER ${s.fdw}${optionsClause(s.options)}`]
  if (s.comment !== null) sql.push(commentOn(`SERVER ${key}`, s.comment))
  return sql
}

function diffServers(ctx: DiffContext, recreated: Set<string>): Change[] {
  const out: Change[] = []
  const kind = 'foreign server'
  const { removed, added, both } = pairs(ctx.from.foreignServers ?? {}, ctx.to.foreignServers ?? {})
  for (const [key, s] of added) out.push(step(kind, 'add', key, createServer(key, s), PHASE.createFunction, 11, detectedLine('add', kind, key)))
  for (const [key] of removed) out.push(step(kind, 'remove', key, [`DROP SERVER ${key}`], PHASE.dropSequence, 2, detectedLine('remove', kind, key)))
  for (const [key, a, b] of both) {
    if (recreated.has(key)) {
      out.push(step(kind, 'remove', key, [`DROP SERVER ${key}`], PHASE.dropChangedFunction, 3, detectedLine('change', kind, key, 'wrapper or type')))
      out.push(step(kind, 'add', key, createServer(key, b), PHASE.createFunction, 11))
      continue
    }
    const parts: string[] = []
    if (a.version !== b.version) parts.push(`VERSION ${b.version === null ? 'NULL' : literal(b.version)}`)
    const options = alterOptions(a.options, b.options)
    if (options) parts.push(options)
    if (parts.length) out.push(step(kind, 'change', key, [`ALTER SERVER ${key} ${parts.join(' ')}`], PHASE.createFunction, 11, detectedLine('change', kind, key)))
    if (a.comment !== b.comment) out.push(step(kind, 'change', key, [commentOn(`SERVER ${key}`, b.comment)], PHASE.comment, 0, detectedLine('change', kind, key, 'comment')))
  }
  return out
}

function createMapping(m: UserMappingInfo): string[] {
  return [`CREATE USER MAPPING FOR ${m.user} SERVER ${m.server}${optionsClause(m.options)}`]
}

function diffMappings(ctx: DiffContext, recreated: Set<string>): Change[] {
  const out: Change[] = []
  const kind = 'user mapping'
  const { removed, added, both } = pairs(ctx.from.userMappings ?? {}, ctx.to.userMappings ?? {})
  const drop = (m: UserMappingInfo) => [`DROP USER MAPPING FOR ${m.user} SERVER ${m.server}`]
  const show = (m: UserMappingInfo) => `for ${m.user} server ${m.server}`
  for (const [, m] of added) out.push(step(kind, 'add', show(m), createMapping(m), PHASE.createFunction, 12, detectedLine('add', kind, show(m))))
  for (const [, m] of removed) {
    const early = recreated.has(m.server)
    out.push(step(kind, 'remove', show(m), drop(m), early ? PHASE.dropChangedFunction : PHASE.dropSequence, early ? 2 : 1, detectedLine('remove', kind, show(m))))
  }
  for (const [, a, b] of both) {
    if (recreated.has(b.server)) {
      out.push(step(kind, 'remove', show(a), drop(a), PHASE.dropChangedFunction, 2))
      out.push(step(kind, 'add', show(b), createMapping(b), PHASE.createFunction, 12))
      continue
    }
    const options = alterOptions(a.options, b.options)
    if (options) out.push(step(kind, 'change', show(b), [`ALTER USER MAPPING FOR ${b.user} SERVER ${b.server} ${options}`], PHASE.createFunction, 12, detectedLine('change', kind, show(b))))
  }
  return out
}

export function diffForeignServers(ctx: DiffContext): Change[] {
  const recreated = serversToRecreate(ctx.from, ctx.to)
  return [...diffWrappers(ctx), ...diffServers(ctx, recreated), ...diffMappings(ctx, recreated)]
}
