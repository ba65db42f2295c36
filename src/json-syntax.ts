/**
 * Where JSON text goes wrong: the offset of the first character a JSON parser rejects. JSON.parse
 * says what is wrong, but on Node 20 not where, and a config file's error should name line and
 * column.
 */

/** The offset of the first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  let i = 0
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const fail = (): never => {
    throw new JsonAt(i)
  }
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail()
      i++
    }
  }
  const string = () => {
    if (text[i] !== '"') fail()
    i++
    for (;;) {
      if (i >= text.length) fail()
      const c = text[i]!
      if (c === '"') return void i++
      if (c < ' ') fail()
      if (c === '\\') {
        i++
        const e = text[i]
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k
              fail()
            }
          }
          i += 5
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++
        else fail()
      } else i++
    }
  }
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
    if (!m) fail()
    i += m![0].length
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else fail()
      }
    }
    if (c === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else fail()
      }
    }
    if (c === '"') return string()
    if (c === 't') return literal('true')
    if (c === 'f') return literal('false')
    if (c === 'n') return literal('null')
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number()
    fail()
  }
  try {
    // A byte order mark is tolerated by neither JSON.parse nor this scanner.
    value()
    ws()
    if (i < text.length) fail()
    return undefined
  } catch (error) {
    if (error instanceof JsonAt) return error.offset
    throw error
  }
}

class JsonAt {
  readonly offset: number
  constructor(offset: number) {
    this.offset = offset
  }
}
