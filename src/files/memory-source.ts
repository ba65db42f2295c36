/** An in-memory FileSource for tests: paths are plain strings joined with "/". */
import type { FileSource } from './file-source.ts'

export class MemorySource implements FileSource {
  readonly files: Map<string, string>
  constructor(files: Record<string, string> = {}) {
    this.files = new Map(Object.entries(files))
  }
  list(dir: string): string[] | undefined {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`
    const names = [...this.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)).filter((n) => !n.includes('/'))
    return names.length === 0 && ![...this.files.keys()].some((p) => p.startsWith(prefix)) ? undefined : names
  }
  read(path: string): string {
    const text = this.files.get(path)
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
    return text
  }
  create(path: string, text: string): void {
    if (this.files.has(path)) throw Object.assign(new Error(`EEXIST: ${path}`), { code: 'EEXIST' })
    this.files.set(path, text)
  }
  exists(path: string): boolean {
    return this.files.has(path) || [...this.files.keys()].some((p) => p.startsWith(`${path}/`))
  }
  mkdirp(dir: string): void {
    if (!this.exists(dir)) this.files.set(`${dir}/.keep`, '')
  }
  join(...parts: string[]): string {
    return parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/')
  }
}
