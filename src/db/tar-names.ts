/**
 * PGlite's dumpDataDir writes tar members with absolute names ("/PG_VERSION", "/base/1/112"):
 * GNU tar strips the "/" with a warning, other extractors write to the root of the file system.
 * A backup holds relative names instead ("PG_VERSION"), so `tar -xzf backup.tar.gz -C dir` puts
 * the database in dir. The ustar header keeps the name in two fields (prefix at 345, name at 0);
 * the checksum at 148 is recomputed.
 */

const BLOCK = 512

/** A copy of the tar archive `tar` whose member names have no leading "/". */
export function relativeTarMembers(tar: Uint8Array): Uint8Array {
  const out = tar.slice()
  for (let at = 0; at + BLOCK <= out.length;) {
    const header = out.subarray(at, at + BLOCK)
    if (header.every((b) => b === 0)) break
    const ustar = text(header, 257, 6).startsWith('ustar')
    const prefix = ustar ? text(header, 345, 155) : ''
    if (prefix.startsWith('/')) writeField(header, 345, 155, prefix.replace(/^\/+/, ''))
    else {
      const name = text(header, 0, 100)
      if (prefix === '' && name.startsWith('/')) writeField(header, 0, 100, name.replace(/^\/+/, '') || './')
    }
    writeChecksum(header)
    const size = parseInt(text(header, 124, 12).trim() || '0', 8)
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK
  }
  return out
}

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length)
  const end = field.indexOf(0)
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end))
}

function writeField(block: Uint8Array, offset: number, length: number, value: string): void {
  block.fill(0, offset, offset + length)
  block.set(new TextEncoder().encode(value).subarray(0, length), offset)
}

/** The header's checksum: the sum of its bytes with the checksum field read as spaces, six octal digits, NUL, space. */
function writeChecksum(block: Uint8Array): void {
  block.fill(0x20, 148, 156)
  const sum = block.reduce((a, b) => a + b, 0)
  writeField(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
}
