import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { emptyModel, type SchemaModel } from '../../src/schema/model.ts'
import { LARGE_OBJECTS, omitLargeObjects, omitVersionTable } from '../../src/schema/omit-version-table.ts'

function live(): SchemaModel {
  const m = emptyModel()
  m.schemas = { public: { name: 'public', comment: null }, meta: { name: 'meta', comment: null } }
  const table = (schema: string, name: string) => ({
    schema, name, unlogged: false, options: null, partitionKey: null, partitionOf: null, partitionBound: null, columns: [],
    constraints: {}, indexes: {}, triggers: {}, policies: {}, rowSecurity: false, forceRowSecurity: false, comment: null,
  })
  m.tables = { 'meta.versions': table('meta', 'versions'), 'public.users': table('public', 'users') }
  m.security = { 'TABLE meta.versions': { type: 'TABLE', name: 'meta.versions', owner: 'CURRENT_USER', acl: [], columns: {}, baseline: [] } }
  return m
}

test('omitVersionTable() drops a custom version table and its otherwise empty schema', () => {
  const m = omitVersionTable(live(), { schema: 'meta', table: 'versions' }, emptyModel())
  assert.equal(Object.keys(m.tables), ['public.users'])
  assert.equal(Object.keys(m.schemas), ['public'])
  assert.equal(m.security, {})
})

test('omitVersionTable() keeps the schema when the declared schema has it', () => {
  const declared = emptyModel()
  declared.schemas = { meta: { name: 'meta', comment: null } }
  const m = omitVersionTable(live(), { schema: 'meta', table: 'versions' }, declared)
  assert.equal(Object.keys(m.schemas), ['public', 'meta'])
  assert.equal(Object.keys(m.tables), ['public.users'])
})

test('omitVersionTable() quotes a mixed-case name as quote_ident does', () => {
  const m = live()
  m.tables['public."Versions"'] = { ...m.tables['public.users']!, name: '"Versions"' }
  assert.equal(Object.keys(omitVersionTable(m, { schema: 'public', table: 'Versions' }, emptyModel()).tables), ['meta.versions', 'public.users'])
})

test('omitLargeObjects() drops the count of large objects (data in a live database), nothing else that is not modelled', () => {
  const m = { ...emptyModel(), unmodelled: {
    [LARGE_OBJECTS]: { kind: 'large objects', name: 'in the database', attribute: null, value: '3' },
    'operator family public.f USING hash': { kind: 'operator family', name: 'public.f USING hash', attribute: null, value: '' },
  } }
  assert.equal(Object.keys(omitLargeObjects(m).unmodelled!), ['operator family public.f USING hash'])
  assert.is(Object.keys(m.unmodelled).length, 2)
  const none = emptyModel()
  assert.is(omitLargeObjects(none), none)
})

test.run()
