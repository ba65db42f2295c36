/**
 * The Python program `sqlmig import --from alembic` runs: it loads the Alembic project with
 * Alembic's own ScriptDirectory and, per revision, renders its upgrade and its downgrade in
 * offline mode exactly as `alembic upgrade <parents>:<rev> --sql` and `alembic downgrade
 * <rev>:<parents> --sql` do (alembic/command.py: an EnvironmentContext with as_sql=True and
 * starting_rev, then the project's env.py), one step each, all in one process (a Python start
 * with SQLAlchemy per revision would take minutes for a long history). For a merge the start is
 * the tuple of its parents, which MigrationContext.get_current_heads accepts and the command
 * line cannot spell. No database is touched; the URL only picks the dialect.
 * Prints one JSON document on stdout; everything env.py or logging prints goes to stderr.
 */
export const ALEMBIC_RENDER_PY = String.raw`
import io, json, os, re, sys
from argparse import Namespace
sys.path = [p for p in sys.path if p not in ('', '.')]
out = sys.stdout
sys.stdout = sys.stderr
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationStep

folder = os.path.abspath(sys.argv[1])
url = os.environ.get('SQLMIG_ALEMBIC_URL')
x = ['url=' + url] if url else []
ini = None
for candidate in (os.path.join(folder, 'alembic.ini'), os.path.join(os.path.dirname(folder), 'alembic.ini')):
    if os.path.exists(candidate):
        ini = candidate
        break
here = os.path.dirname(ini) if ini else folder
os.chdir(here)
cfg = Config(ini, cmd_opts=Namespace(x=x)) if ini else Config(cmd_opts=Namespace(x=x))
if not ini or os.path.exists(os.path.join(folder, 'env.py')):
    cfg.set_main_option('script_location', folder)
if url:
    cfg.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
script = ScriptDirectory.from_config(cfg)
version_table = ['alembic_version']

def render(step, starting_rev):
    buf = io.StringIO()
    def fn(rev, context):
        version_table[0] = context.version_table
        return [step]
    with EnvironmentContext(cfg, script, fn=fn, as_sql=True, starting_rev=starting_rev, destination_rev=None, output_buffer=buf):
        script.run_env()
    return buf.getvalue()

revisions = []
for sc in reversed(list(script.walk_revisions('base', 'heads'))):
    down = sc.down_revision
    parents = [] if down is None else [down] if isinstance(down, str) else list(down)
    deps = sc.dependencies
    deps = [] if deps is None else [deps] if isinstance(deps, str) else list(deps)
    up = render(MigrationStep.upgrade_from_script(script.revision_map, sc), tuple(parents) if parents else None)
    downsql = render(MigrationStep.downgrade_from_script(script.revision_map, sc), sc.revision)
    text = open(sc.path, encoding='utf-8').read()
    lines = text.split('\n')
    def line_of(pattern):
        for i, l in enumerate(lines):
            if re.match(pattern, l):
                return i + 1
        return 1
    labels = getattr(sc.module, 'branch_labels', None) or ()
    labels = [labels] if isinstance(labels, str) else list(labels)
    created = re.search(r'^Create Date:\s*(.+?)\s*$', sc.longdoc or '', re.M)
    revisions.append({
        'revision': sc.revision, 'down_revision': parents, 'depends_on': deps,
        'branch_labels': sorted(labels), 'doc': sc.doc or '',
        'created': created.group(1) if created else None,
        'path': os.path.relpath(sc.path, folder), 'depends_on_line': line_of(r'\s*depends_on\s*='),
        'upgrade_line': line_of(r'\s*def upgrade'), 'downgrade_line': line_of(r'\s*def downgrade'),
        'up': up, 'down': downsql,
    })
json.dump({'version_table': version_table[0], 'revisions': revisions}, out)
`
