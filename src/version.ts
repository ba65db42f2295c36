/** sqlmig's version (kept equal to package.json and deno.json; a test checks it). */
export const VERSION = '0.1.0'
