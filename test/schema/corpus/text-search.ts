import type { CorpusCase } from '../harness.ts'

const D = `create text search dictionary en_stop (template = simple, stopwords = english, accept = false);`
const C = `${D} create text search configuration cfg (parser = pg_catalog."default"); alter text search configuration cfg add mapping for asciiword, word with en_stop, english_stem; alter text search configuration cfg add mapping for int with simple;`

/** Text search dictionaries and configurations (both targets). */
export const TEXT_SEARCH_CASES: CorpusCase[] = [
  { name: 'text search: a dictionary and a configuration with mappings are added, with comments', before: '', after: `${C} comment on text search dictionary en_stop is 'stop'; comment on text search configuration cfg is 'cfg';` },
  { name: 'text search: dictionary options and configuration mappings change', before: C, after: `create text search dictionary en_stop (template = simple, accept = true); create text search configuration cfg (parser = pg_catalog."default"); alter text search configuration cfg add mapping for asciiword with english_stem; alter text search configuration cfg add mapping for email, word with simple, en_stop;` },
  { name: 'text search: a configuration used by a generated column and an index goes with its table', before: `${C} create table docs (id int primary key, body text, tsv tsvector generated always as (to_tsvector('public.cfg'::regconfig, body)) stored); create index docs_body_idx on docs using gin (to_tsvector('public.cfg'::regconfig, body));`, after: '' },
]
