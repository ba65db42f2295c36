import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { compareModels } from '../../src/schema/compare.ts'
import type { SchemaModel } from '../../src/schema/model.ts'

const SEQ = { type: 'integer', start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false }

function base(): SchemaModel {
  return {
    schemas: { public: { name: 'public', comment: null } },
    extensions: { plpgsql: { name: 'plpgsql', schema: 'pg_catalog', comment: null } },
    enums: { 'public.mood': { schema: 'public', name: 'mood', values: ['a', 'b'], comment: null } },
    domains: { 'public.pos': { schema: 'public', name: 'pos', type: 'integer', default: null, notNull: false, collation: null, checks: { pos_check: 'CHECK ((VALUE > 0))' }, comment: null } },
    sequences: { 'public.s': { schema: 'public', name: 's', ...SEQ, ownedBy: null, comment: null } },
    tables: {
      'public.t': {
        schema: 'public', name: 't', unlogged: false, options: null, partitionKey: null, partitionOf: null, partitionBound: null, rowSecurity: false, forceRowSecurity: false, comment: null,
        columns: [
          { name: 'id', type: 'integer', notNull: true, default: null, identity: { kind: 'a', sequence: 'public.t_id_seq', ...SEQ }, generated: null, collation: null, comment: null },
          { name: 'n', type: 'text', notNull: false, default: null, identity: null, generated: null, collation: null, comment: null },
        ],
        constraints: { t_pkey: { name: 't_pkey', type: 'p', definition: 'PRIMARY KEY (id)', comment: null, columns: ['id'], refTable: null, refColumns: [] } },
        indexes: { t_n: { name: 't_n', definition: 'CREATE INDEX t_n ON public.t USING btree (n)', comment: null, columns: ['n'] } },
        triggers: { tr: { name: 'tr', definition: 'CREATE TRIGGER tr BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f()', enabled: 'O', comment: null, function: 'public.f()' } },
        policies: { p: { name: 'p', permissive: true, command: '*', roles: ['PUBLIC'], using: 'true', check: null, comment: null } },
      },
    },
    views: { 'public.v': { schema: 'public', name: 'v', materialized: false, definition: ' SELECT 1;', options: null, indexes: {}, triggers: {}, columnComments: {}, comment: null, dependsOn: [] } },
    composites: { 'public.pair': { schema: 'public', name: 'pair', attributes: [{ name: 'a', type: 'integer', collation: null }], comment: null } },
    functions: { 'public.f()': { schema: 'public', name: 'f', kind: 'f', identityArgs: '', args: '', result: 'trigger', definition: 'CREATE FUNCTION ...', comment: null, usesTypes: [] } },
  }
}

type Mutation = [string, (m: SchemaModel) => void, { kind: string; name: string; what: string }]

const t = (m: SchemaModel) => m.tables['public.t']!

const MUTATIONS: Mutation[] = [
  ['an extra schema', (m) => { m.schemas.app = { name: 'app', comment: null } }, { kind: 'schema', name: 'app', what: 'only in second' }],
  ['a schema comment', (m) => { m.schemas.public!.comment = 'x' }, { kind: 'schema', name: 'public', what: 'comment: null <> "x"' }],
  ['a missing extension', (m) => { delete m.extensions.plpgsql }, { kind: 'extension', name: 'plpgsql', what: 'only in first' }],
  ['an extension in another schema', (m) => { m.extensions.plpgsql!.schema = 'public' }, { kind: 'extension', name: 'plpgsql', what: 'schema: "pg_catalog" <> "public"' }],
  ['an enum value', (m) => { m.enums['public.mood']!.values.push('c') }, { kind: 'enum', name: 'public.mood', what: 'values: ["a","b"] <> ["a","b","c"]' }],
  ['an enum value order', (m) => { m.enums['public.mood']!.values.reverse() }, { kind: 'enum', name: 'public.mood', what: 'values: ["a","b"] <> ["b","a"]' }],
  ['a domain default', (m) => { m.domains['public.pos']!.default = '1' }, { kind: 'domain', name: 'public.pos', what: 'default: null <> "1"' }],
  ['a domain check', (m) => { m.domains['public.pos']!.checks = {} }, { kind: 'domain', name: 'public.pos', what: 'checks: {"pos_check":"CHECK ((VALUE > 0))"} <> {}' }],
  ['a sequence increment', (m) => { m.sequences['public.s']!.increment = '2' }, { kind: 'sequence', name: 'public.s', what: 'increment: "1" <> "2"' }],
  ['a sequence owner', (m) => { m.sequences['public.s']!.ownedBy = 'public.t.id' }, { kind: 'sequence', name: 'public.s', what: 'ownedBy: null <> "public.t.id"' }],
  ['a missing table', (m) => { delete m.tables['public.t'] }, { kind: 'table', name: 'public.t', what: 'only in first' }],
  ['an unlogged table', (m) => { t(m).unlogged = true }, { kind: 'table', name: 'public.t', what: 'unlogged: false <> true' }],
  ['table storage parameters', (m) => { t(m).options = 'fillfactor=70' }, { kind: 'table', name: 'public.t', what: 'options: null <> "fillfactor=70"' }],
  ['a partition key', (m) => { t(m).partitionKey = 'RANGE (id)' }, { kind: 'table', name: 'public.t', what: 'partitionKey' }],
  ['a partition bound', (m) => { t(m).partitionOf = 'public.p'; t(m).partitionBound = 'DEFAULT' }, { kind: 'table', name: 'public.t', what: 'partitionBound' }],
  ['a composite type attribute', (m) => { m.composites['public.pair']!.attributes[0]!.type = 'bigint' }, { kind: 'composite type', name: 'public.pair', what: 'attributes' }],
  ['row level security', (m) => { t(m).rowSecurity = true }, { kind: 'table', name: 'public.t', what: 'rowSecurity: false <> true' }],
  ['forced row level security', (m) => { t(m).forceRowSecurity = true }, { kind: 'table', name: 'public.t', what: 'forceRowSecurity: false <> true' }],
  ['a table comment', (m) => { t(m).comment = 'c' }, { kind: 'table', name: 'public.t', what: 'comment: null <> "c"' }],
  ['an extra column', (m) => { t(m).columns.push({ ...t(m).columns[1]!, name: 'x' }) }, { kind: 'column', name: 'public.t.x', what: 'only in second' }],
  ['a column type', (m) => { t(m).columns[1]!.type = 'varchar' }, { kind: 'column', name: 'public.t.n', what: 'type: "text" <> "varchar"' }],
  ['a column not null', (m) => { t(m).columns[1]!.notNull = true }, { kind: 'column', name: 'public.t.n', what: 'notNull: false <> true' }],
  ['a column default', (m) => { t(m).columns[1]!.default = "'x'::text" }, { kind: 'column', name: 'public.t.n', what: `default: null <> "'x'::text"` }],
  ['a column identity kind', (m) => { t(m).columns[0]!.identity!.kind = 'd' }, { kind: 'column', name: 'public.t.id', what: 'identity' }],
  ['a generated column', (m) => { t(m).columns[1]!.generated = 'upper(n)' }, { kind: 'column', name: 'public.t.n', what: 'generated: null <> "upper(n)"' }],
  ['a column collation', (m) => { t(m).columns[1]!.collation = 'pg_catalog."C"' }, { kind: 'column', name: 'public.t.n', what: 'collation' }],
  ['a column comment', (m) => { t(m).columns[1]!.comment = 'c' }, { kind: 'column', name: 'public.t.n', what: 'comment: null <> "c"' }],
  ['a constraint definition', (m) => { t(m).constraints.t_pkey!.definition = 'PRIMARY KEY (id, n)' }, { kind: 'constraint', name: 'public.t.t_pkey', what: 'definition: "PRIMARY KEY (id)" <> "PRIMARY KEY (id, n)"' }],
  ['a missing constraint', (m) => { t(m).constraints = {} }, { kind: 'constraint', name: 'public.t.t_pkey', what: 'only in first' }],
  ['an index definition', (m) => { t(m).indexes.t_n!.definition = 'CREATE UNIQUE INDEX t_n ON public.t USING btree (n)' }, { kind: 'index', name: 'public.t.t_n', what: 'definition' }],
  ['an index comment', (m) => { t(m).indexes.t_n!.comment = 'i' }, { kind: 'index', name: 'public.t.t_n', what: 'comment: null <> "i"' }],
  ['a trigger state', (m) => { t(m).triggers.tr!.enabled = 'D' }, { kind: 'trigger', name: 'public.t.tr', what: 'enabled: "O" <> "D"' }],
  ['a missing trigger', (m) => { t(m).triggers = {} }, { kind: 'trigger', name: 'public.t.tr', what: 'only in first' }],
  ['a policy expression', (m) => { t(m).policies.p!.using = 'false' }, { kind: 'policy', name: 'public.t.p', what: 'using: "true" <> "false"' }],
  ['policy roles', (m) => { t(m).policies.p!.roles = ['postgres'] }, { kind: 'policy', name: 'public.t.p', what: 'roles: ["PUBLIC"] <> ["postgres"]' }],
  ['a permissive policy made restrictive', (m) => { t(m).policies.p!.permissive = false }, { kind: 'policy', name: 'public.t.p', what: 'permissive: true <> false' }],
  ['a view definition', (m) => { m.views['public.v']!.definition = ' SELECT 2;' }, { kind: 'view', name: 'public.v', what: 'definition' }],
  ['a materialized view', (m) => { m.views['public.v']!.materialized = true }, { kind: 'view', name: 'public.v', what: 'materialized: false <> true' }],
  ['view options', (m) => { m.views['public.v']!.options = 'security_barrier=true' }, { kind: 'view', name: 'public.v', what: 'options' }],
  ['a view column comment', (m) => { m.views['public.v']!.columnComments = { x: 'y' } }, { kind: 'view', name: 'public.v', what: 'columnComments' }],
  ['an index on a materialized view', (m) => { m.views['public.v']!.indexes = { i: { name: 'i', definition: 'CREATE INDEX i ON public.v (x)', comment: null, columns: [] } } }, { kind: 'index', name: 'public.v.i', what: 'only in second' }],
  ['a function body', (m) => { m.functions['public.f()']!.definition = 'CREATE FUNCTION ... 2' }, { kind: 'function', name: 'public.f()', what: 'definition' }],
  ['a function result', (m) => { m.functions['public.f()']!.result = 'integer' }, { kind: 'function', name: 'public.f()', what: 'result: "trigger" <> "integer"' }],
  ['a function comment', (m) => { m.functions['public.f()']!.comment = 'f' }, { kind: 'function', name: 'public.f()', what: 'comment: null <> "f"' }],
  ['a procedure instead of a function', (m) => { m.functions['public.f()']!.kind = 'p' }, { kind: 'function', name: 'public.f()', what: 'kind: "f" <> "p"' }],
]

test('compareModels() finds nothing between a model and its copy', () => {
  assert.equal(compareModels(base(), structuredClone(base())), [])
})

for (const [label, mutate, expected] of MUTATIONS) {
  test(`compareModels() reports ${label}`, () => {
    const b = base()
    mutate(b)
    const diffs = compareModels(base(), b)
    const hit = diffs.find((d) => d.kind === expected.kind && d.name === expected.name && d.what.includes(expected.what))
    assert.ok(hit, `expected ${JSON.stringify(expected)} in ${JSON.stringify(diffs)}`)
  })
}

test('compareModels() ignores derived fields (dependency lists, constraint column lists)', () => {
  const b = base()
  b.views['public.v']!.dependsOn = ['public.t']
  t(b).constraints.t_pkey!.columns = []
  t(b).triggers.tr!.function = 'public.g()'
  assert.equal(compareModels(base(), b), [])
})

test('compareModels() ignores the order of table columns and composite attributes (issue 13, case 1)', () => {
  const b = base()
  t(b).columns.reverse()
  b.composites['public.pair']!.attributes.push({ name: '0', type: 'text', collation: null })
  const a = base()
  a.composites['public.pair']!.attributes.unshift({ name: '0', type: 'text', collation: null })
  assert.equal(compareModels(a, b), [])
})

test.run()
