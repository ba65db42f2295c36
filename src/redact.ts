/**
 * Masks secrets before anything is printed: the password in connection URLs
 * (`postgres://user:secret@host` → `postgres://user:***@host`) and any literal occurrence of
 * a password that was registered with `registerSecret` (a driver may echo it in a message).
 */
const secrets = new Set<string>()

/** Remembers a secret so that `redact` masks it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 3) secrets.add(secret)
}

/** Masks the password of a URL's userinfo (`scheme://user:password@`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@/\s]*)@/i, (_m, head: string) => `${head}:***@`)
}

/** Masks every URL password and every registered secret in a text. */
export function redact(text: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s'"]*):([^@/\s'"]*)@/gi, (_m, head: string) => `${head}:***@`)
  out = out.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***')
  for (const s of secrets) out = out.split(s).join('***')
  return out
}
