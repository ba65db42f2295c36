/** Schemas and extensions: created first, dropped last. */
import { detectedLine, PHASE, type Change } from './change.ts'
import type { DiffContext } from './context.ts'
import type { ExtensionInfo } from '../model.ts'
import { commentOn, pairs } from './sql-text.ts'

export function diffSchemas(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.schemas, ctx.to.schemas)
  for (const [name, s] of added) {
    const sql = [`CREATE SCHEMA ${name}`]
    if (s.comment !== null) sql.push(commentOn(`SCHEMA ${name}`, s.comment))
    out.push({ kind: 'schema', action: 'add', name, detected: detectedLine('add', 'schema', name), sql, phase: PHASE.createSchema })
  }
  for (const [name] of removed) {
    out.push({ kind: 'schema', action: 'remove', name, detected: detectedLine('remove', 'schema', name), sql: [`DROP SCHEMA ${name}`], phase: PHASE.dropSchema, destructive: true })
  }
  for (const [name, a, b] of both) {
    if (a.comment !== b.comment) {
      out.push({ kind: 'schema', action: 'change', name, detected: detectedLine('change', 'schema', name, 'comment'), sql: [commentOn(`SCHEMA ${name}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}

/** True when CREATE EXTENSION alone gives the extension its comment (its control file's): no COMMENT ON to write. */
function commentIsDefault(e: ExtensionInfo): boolean {
  return e.comment === (e.defaultComment ?? null)
}

export function diffExtensions(ctx: DiffContext): Change[] {
  const out: Change[] = []
  const { removed, added, both } = pairs(ctx.from.extensions, ctx.to.extensions)
  for (const [name, e] of added) {
    const sql = [`CREATE EXTENSION IF NOT EXISTS ${name} WITH SCHEMA ${e.schema}`]
    out.push({ kind: 'extension', action: 'add', name, detected: detectedLine('add', 'extension', name), sql, phase: PHASE.createExtension })
    if (!commentIsDefault(e)) out.push({ kind: 'extension', action: 'add', name, detected: '', sql: [commentOn(`EXTENSION ${name}`, e.comment)], phase: PHASE.comment })
  }
  for (const [name] of removed) {
    out.push({ kind: 'extension', action: 'remove', name, detected: detectedLine('remove', 'extension', name), sql: [`DROP EXTENSION ${name}`], phase: PHASE.dropExtension, destructive: true })
  }
  for (const [name, a, b] of both) {
    const moved = a.schema !== b.schema
    const recreated = moved && a.relocatable === false
    if (recreated) out.push(recreateExtension(name, b.schema))
    else if (moved) {
      out.push({ kind: 'extension', action: 'change', name, detected: detectedLine('change', 'extension', name, 'schema'), sql: [`ALTER EXTENSION ${name} SET SCHEMA ${b.schema}`], phase: PHASE.createExtension })
    }
    // Created again, the extension has its control file's comment: set the declared one.
    if (recreated && a.comment === b.comment && !commentIsDefault(b)) {
      out.push({ kind: 'extension', action: 'change', name, detected: '', sql: [commentOn(`EXTENSION ${name}`, b.comment)], phase: PHASE.comment })
    } else if (a.comment !== b.comment) {
      out.push({ kind: 'extension', action: 'change', name, detected: detectedLine('change', 'extension', name, 'comment'), sql: [commentOn(`EXTENSION ${name}`, b.comment)], phase: PHASE.comment })
    }
  }
  return out
}

/**
 * An extension that is not relocatable (pg_extension.extrelocatable false, e.g. xml2) cannot SET
 * SCHEMA: it is dropped and created in the new schema. Without CASCADE the drop fails while
 * objects outside the extension depend on it (drop and re-create those by hand).
 */
function recreateExtension(name: string, to: string): Change {
  return {
    kind: 'extension', action: 'change', name, detected: detectedLine('change', 'extension', name, 'schema'),
    sql: [`DROP EXTENSION ${name}`, `CREATE EXTENSION ${name} WITH SCHEMA ${to}`], phase: PHASE.createExtension, destructive: true,
    notes: [`${name} is not relocatable: it is dropped and created again in ${to} (objects that use it must be dropped first and re-created after)`],
  }
}
