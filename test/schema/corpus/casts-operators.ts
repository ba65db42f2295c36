import type { CorpusCase } from '../harness.ts'

const PT = `create type pt as (x int, y int); create function pt_text(pt) returns text language sql immutable as $$select $1.x || ',' || $1.y$$;`
const EQ = `create function int_eq3(int, int) returns boolean language sql immutable as 'select $1 = $2'; create function int_ne3(int, int) returns boolean language sql immutable as 'select $1 <> $2'; create function int_neg3(int) returns int language sql immutable as 'select -$1';`

/** Casts (both targets). */
export const CAST_CASES: CorpusCase[] = [
  { name: 'casts: a cast through a function and an inout cast are added, with a comment', before: PT, after: `${PT} create cast (pt as text) with function pt_text(pt) as assignment; create cast (text as pt) with inout; comment on cast (pt as text) is 'show';` },
  { name: 'casts: a cast changes context and one goes with its function', before: `${PT} create cast (pt as text) with function pt_text(pt); create function pt_int(pt) returns int language sql as 'select $1.x'; create cast (pt as int) with function pt_int(pt) as implicit;`, after: `${PT} create cast (pt as text) with function pt_text(pt) as implicit; create table t (p pt default '(1,2)'::pt, s text);` },
]

/** Operators (both targets). */
export const OPERATOR_CASES: CorpusCase[] = [
  { name: 'operators: operators with commutator, negator, estimators and a prefix operator are added', before: EQ, after: `${EQ} create operator === (function = int_eq3, leftarg = int, rightarg = int, commutator = ===, negator = !==, restrict = eqsel, join = eqjoinsel, hashes); create operator !== (function = int_ne3, leftarg = int, rightarg = int, commutator = !==, negator = ===); create operator ~~~ (function = int_neg3, rightarg = int); comment on operator === (int, int) is 'eq';` },
  { name: 'operators: estimators and comment change, an operator with a commutator is added and one goes with its function', before: `${EQ} create operator === (function = int_eq3, leftarg = int, rightarg = int, restrict = eqsel); create operator ~~~ (function = int_neg3, rightarg = int); comment on operator === (int, int) is 'a';`, after: `create function int_eq3(int, int) returns boolean language sql immutable as 'select $1 = $2'; create function int_ne3(int, int) returns boolean language sql immutable as 'select $1 <> $2'; create operator === (function = int_eq3, leftarg = int, rightarg = int, restrict = scalarltsel, join = scalarltjoinsel); create operator !== (function = int_ne3, leftarg = int, rightarg = int, commutator = !==); comment on operator === (int, int) is 'b'; create table t (a int check (a !== 0));` },
  { name: 'operators: an operator gains a negator and is re-created', before: `${EQ} create operator === (function = int_eq3, leftarg = int, rightarg = int);`, after: `${EQ} create operator === (function = int_eq3, leftarg = int, rightarg = int, negator = !==); create operator !== (function = int_ne3, leftarg = int, rightarg = int, negator = ===);` },
]
