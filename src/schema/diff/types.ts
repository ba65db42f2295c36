/**
 * Enum types and domains. An enum that only gains values gets ALTER TYPE ... ADD VALUE in place;
 * any other change (a value removed or moved, or a new value used in the same migration, which
 * PostgreSQL refuses inside the transaction that added it: "unsafe use of new value") rebuilds
 * the type: rename the old one away, create the new one, convert the columns through text (the
 * columns diff does that), drop the old one.
 */
import { literal, type DomainInfo, type EnumInfo } from '../model.ts'
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import { commentOn, pairs, quoted, unquote } from './sql-text.ts'

/** The name an enum (or domain) is renamed to while it is rebuilt. */
export function oldEnumName(e: Pick<EnumInfo, 'name'>): string {
  return quoted(`${unquote(e.name)}__sqlmig_old`)
}

function createEnum(key: string, e: EnumInfo): string {
  return `CREATE TYPE ${key} AS ENUM (${e.values.map(literal).join(', ')})`
}

export function diffEnums(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.enums, ctx.to.enums)
  for (const [key, e] of added) {
    const sql = [createEnum(key, e)]
    if (e.comment !== null) sql.push(commentOn(`TYPE ${key}`, e.comment))
    out.push({ kind: 'enum', action: 'add', name: key, detected: detectedLine('add', 'enum', key), sql, phase: PHASE.enumStart })
  }
  for (const [key] of removed) {
    out.push({ kind: 'enum', action: 'remove', name: key, detected: detectedLine('remove', 'enum', key), sql: [`DROP TYPE ${key}`], phase: PHASE.dropEnum, destructive: true })
  }
  for (const [key, a, b] of both) {
    if (ctx.rebuiltEnums.has(key)) {
      const old = `${a.schema}.${oldEnumName(a)}`
      const lost = a.values.filter((v) => !b.values.includes(v))
      out.push({
        kind: 'enum', action: 'change', name: key,
        detected: detectedLine('change', 'enum', key, lost.length ? `removed values ${lost.map(literal).join(', ')}` : 'values reordered or used at once'),
        sql: [`ALTER TYPE ${key} RENAME TO ${oldEnumName(a)}`, createEnum(key, b)], phase: PHASE.enumStart,
        notes: ['the type is rebuilt: columns are converted through text further down'],
      })
      if (b.comment !== null) out.push({ kind: 'enum', action: 'change', name: key, detected: '', sql: [commentOn(`TYPE ${key}`, b.comment)], phase: PHASE.comment })
      out.push({ kind: 'enum', action: 'change', name: key, detected: '', sql: [`DROP TYPE ${old}`], phase: PHASE.enumFinish, destructive: lost.length > 0 })
      continue
    }
    if (JSON.stringify(a.values) !== JSON.stringify(b.values)) {
      const sql: string[] = []
      const have = [...a.values]
      b.values.forEach((v, i) => {
        if (have.includes(v)) return
        sql.push(have.length === 0 ? `ALTER TYPE ${key} ADD VALUE ${literal(v)}` : i === 0 ? `ALTER TYPE ${key} ADD VALUE ${literal(v)} BEFORE ${literal(have[0]!)}` : `ALTER TYPE ${key} ADD VALUE ${literal(v)} AFTER ${literal(b.values[i - 1]!)}`)
        have.push(v)
      })
      const addedValues = b.values.filter((v) => !a.values.includes(v))
      out.push({ kind: 'enum', action: 'change', name: key, detected: detectedLine('change', 'enum', key, `added values ${addedValues.map(literal).join(', ')}`), sql, phase: PHASE.enumStart })
    }
    if (a.comment !== b.comment) {
      out.push({ kind: 'enum', action: 'change', name: key, detected: detectedLine('change', 'enum', key, 'comment'), sql: [commentOn(`TYPE ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}

function createDomain(key: string, d: DomainInfo): string[] {
  let s = `CREATE DOMAIN ${key} AS ${d.type}`
  if (d.collation) s += ` COLLATE ${d.collation}`
  if (d.default !== null) s += ` DEFAULT ${d.default}`
  if (d.notNull) s += ' NOT NULL'
  for (const [name, def] of Object.entries(d.checks)) s += ` CONSTRAINT ${name} ${def}`
  const sql = [s]
  if (d.comment !== null) sql.push(commentOn(`DOMAIN ${key}`, d.comment))
  return sql
}

export function diffDomains(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.domains, ctx.to.domains)
  for (const [key, d] of added) {
    out.push({ kind: 'domain', action: 'add', name: key, detected: detectedLine('add', 'domain', key), sql: createDomain(key, d), phase: PHASE.createDomain })
  }
  for (const [key] of removed) {
    out.push({ kind: 'domain', action: 'remove', name: key, detected: detectedLine('remove', 'domain', key), sql: [`DROP DOMAIN ${key}`], phase: PHASE.dropDomain, destructive: true })
  }
  for (const [key, a, b] of both) {
    if (ctx.rebuiltEnums.has(key)) {
      // Rebuilt like an enum, so that columns using it are converted rather than lost.
      out.push({
        kind: 'domain', action: 'change', name: key, detected: detectedLine('change', 'domain', key, 'base type'),
        sql: [`ALTER DOMAIN ${key} RENAME TO ${oldEnumName(a)}`, ...createDomain(key, b)], phase: PHASE.createDomain, destructive: true,
        notes: ['the domain is rebuilt: columns are converted through text further down'],
      })
      out.push({ kind: 'domain', action: 'change', name: key, detected: '', sql: [`DROP DOMAIN ${a.schema}.${oldEnumName(a)}`], phase: PHASE.enumFinish })
      continue
    }
    const sql: string[] = []
    const what: string[] = []
    if (a.default !== b.default) {
      sql.push(b.default === null ? `ALTER DOMAIN ${key} DROP DEFAULT` : `ALTER DOMAIN ${key} SET DEFAULT ${b.default}`)
      what.push('default')
    }
    if (a.notNull !== b.notNull) {
      sql.push(`ALTER DOMAIN ${key} ${b.notNull ? 'SET' : 'DROP'} NOT NULL`)
      what.push('not null')
    }
    const checks = pairs(a.checks, b.checks)
    for (const [name] of checks.removed) sql.push(`ALTER DOMAIN ${key} DROP CONSTRAINT ${name}`)
    for (const [name, x, y] of checks.both) if (x !== y) sql.push(`ALTER DOMAIN ${key} DROP CONSTRAINT ${name}`)
    for (const [name, x, y] of checks.both) if (x !== y) sql.push(`ALTER DOMAIN ${key} ADD CONSTRAINT ${name} ${y}`)
    for (const [name, def] of checks.added) sql.push(`ALTER DOMAIN ${key} ADD CONSTRAINT ${name} ${def}`)
    if (checks.removed.length + checks.added.length + checks.both.filter(([, x, y]) => x !== y).length > 0) what.push('checks')
    if (sql.length > 0) out.push({ kind: 'domain', action: 'change', name: key, detected: detectedLine('change', 'domain', key, what.join(', ')), sql, phase: PHASE.createDomain })
    if (a.comment !== b.comment) {
      out.push({ kind: 'domain', action: 'change', name: key, detected: detectedLine('change', 'domain', key, 'comment'), sql: [commentOn(`DOMAIN ${key}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}
