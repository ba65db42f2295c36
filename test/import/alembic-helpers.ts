/** The Alembic fixture the import and switch tests share: revision files as `alembic revision` writes them, a project made by the real `alembic init`. */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { alembicPython } from '../../src/files/alembic-project.ts'
import { tempProject } from '../helpers/cli.ts'

/** A Python that imports alembic, or undefined. */
export const PYTHON = alembicPython()

export function revision(id: string, down: string | null | string[], doc: string, upgrade: string, downgrade: string, extra = ''): string {
  const d = down === null ? 'None' : typeof down === 'string' ? `'${down}'` : `(${down.map((x) => `'${x}'`).join(', ')})`
  return `"""${doc}

Revision ID: ${id}
Revises: ${down ?? ''}
Create Date: 2024-03-0${id.length % 9 + 1} 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '${id}'
down_revision = ${d}
${extra}

def upgrade():
${upgrade.split('\n').map((l) => `    ${l}`).join('\n')}


def downgrade():
${downgrade.split('\n').map((l) => `    ${l}`).join('\n')}
`
}

export const VERSIONS: Record<string, string> = {
  'a1_users.py': revision('1a2b3c4d5e6f', null, 'create users', `op.create_table('users', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False))`, `op.drop_table('users')`, "branch_labels = ('core',)"),
  'a2_email.py': revision('2b3c4d5e6f70', '1a2b3c4d5e6f', 'add email', `op.add_column('users', sa.Column('email', sa.Text))\nop.create_index('users_email', 'users', ['email'], unique=True)`, `op.drop_index('users_email')\nop.drop_column('users', 'email')`),
  'b1_audit.py': revision('b1b1b1b1b1b1', null, 'audit schema (a second base)', `op.execute("CREATE SCHEMA audit")\nop.create_table('log', sa.Column('id', sa.BigInteger, primary_key=True), sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()')), schema='audit')`, `op.drop_table('log', schema='audit')\nop.execute("DROP SCHEMA audit")`),
  'c1_posts.py': revision('c1c1c1c1c1c1', '1a2b3c4d5e6f', 'posts (a branch)', `op.create_table('posts', sa.Column('id', sa.Integer, primary_key=True), sa.Column('author', sa.Integer, sa.ForeignKey('users.id')), sa.Column('body', sa.Text, server_default="it's; here"))`, `op.drop_table('posts')`),
  'm1_merge.py': revision('m1m1m1m1m1m1', ['2b3c4d5e6f70', 'c1c1c1c1c1c1'], 'merge email and posts', `op.add_column('posts', sa.Column('title', sa.String(200)))`, `op.drop_column('posts', 'title')`),
  'm2_merge.py': revision('m2m2m2m2m2m2', ['m1m1m1m1m1m1', 'b1b1b1b1b1b1'], 'merge audit', `op.execute("CREATE FUNCTION audit.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit.log DEFAULT VALUES; RETURN NEW; END; $$")`, `op.execute("DROP FUNCTION audit.touch()")`),
  'd1_concurrently.py': revision('d1d1d1d1d1d1', 'm2m2m2m2m2m2', 'index concurrently', `op.add_column('posts', sa.Column('slug', sa.Text))\nwith op.get_context().autocommit_block():\n    op.create_index('posts_slug', 'posts', ['slug'], postgresql_concurrently=True)`, `with op.get_context().autocommit_block():\n    op.drop_index('posts_slug', postgresql_concurrently=True)\nop.drop_column('posts', 'slug')`),
  'x1_side.py': revision('x1x1x1x1x1x1', 'm2m2m2m2m2m2', 'side table', `op.create_table('side', sa.Column('id', sa.Integer, primary_key=True))`, `op.drop_table('side')`),
  'e1_merge.py': revision('e1e1e1e1e1e1', ['d1d1d1d1d1d1', 'x1x1x1x1x1x1'], 'merge heads (as alembic merge writes it)', 'pass', 'pass'),
}

/** A project made by `alembic init alembic`, its versions/ holding `versions`, alembic.ini pointing at `url`. */
export function alembicProject(versions: Record<string, string>, url = 'driver://user:pass@localhost/dbname') {
  const p = tempProject({})
  execFileSync(PYTHON!, ['-m', 'alembic', 'init', 'alembic'], { cwd: p.dir, encoding: 'utf8' })
  for (const [name, text] of Object.entries(versions)) writeFileSync(join(p.dir, 'alembic', 'versions', name), text)
  const ini = join(p.dir, 'alembic.ini')
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${url.replace(/^postgres:/, 'postgresql:')}`))
  return p
}

