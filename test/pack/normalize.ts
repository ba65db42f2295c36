/** Masks what legitimately differs between two runs of one sqlmig command (for side-by-side comparisons). */

/**
 * Replaces the project folder, the database URL and name, durations (`17 ms`, `1.01 s`), applied dates and the
 * runtime in `--version` with placeholders.
 */
export function normalize(text: string, dir: string, url?: string): string {
  let t = text.replaceAll(dir, '<project>')
  if (url !== undefined) t = t.replaceAll(url, '<url>').replaceAll(new URL(url).pathname.slice(1), '<db>')
  return t
    .replace(/\b[\d.]+ (ms|s)\)/g, '<time>)')
    .replace(/"(ms|execution_ms)": [\d.]+/g, '"$1": <ms>')
    .replace(/applied \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, 'applied <date>')
    .replace(/"applied_at": "[^"]+"/g, '"applied_at": "<date>"')
    .replace(/\b(node|deno)-v[\d.]+/g, '<runtime>')
}
