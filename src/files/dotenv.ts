/**
 * `.env` files as dbmate and most tools read them: `KEY=VALUE` lines, `#` comments, an optional
 * `export ` prefix, values optionally in single or double quotes (double quotes understand \n,
 * \" and \\). No variable expansion. Pure: the caller reads the file.
 */

/** The variables a .env text defines (a later line wins). */
export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>()
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    vars.set(m[1]!, valueOf(m[2]!))
  }
  return vars
}

function valueOf(rest: string): string {
  const q = rest[0]
  if (q === '"' || q === "'") {
    const end = rest.indexOf(q, 1)
    // An unterminated quote: the text as written.
    if (end < 0) return rest
    let close = end
    if (q === '"') {
      // The closing quote is the first one not escaped.
      close = 1
      while (close < rest.length && rest[close] !== '"') close += rest[close] === '\\' ? 2 : 1
      if (close >= rest.length) return rest
      return rest.slice(1, close).replace(/\\([n"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c))
    }
    return rest.slice(1, close)
  }
  // Unquoted: a " #" starts a comment.
  const hash = rest.search(/\s#/)
  return (hash < 0 ? rest : rest.slice(0, hash)).trim()
}
