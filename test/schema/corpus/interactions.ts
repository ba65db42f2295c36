import type { CorpusCase } from '../harness.ts'

const SHOP = `
create schema shop;
create type shop.status as enum ('new', 'paid', 'shipped');
create domain shop.money as numeric(12,2) check (value >= 0);
create table shop.customer (id bigint generated always as identity primary key, email text not null unique, created timestamptz default now());
create table shop.orders (
  id serial primary key,
  customer_id bigint not null references shop.customer on delete cascade,
  status shop.status not null default 'new',
  total shop.money,
  note text
);
create index orders_customer on shop.orders (customer_id) where status <> 'shipped';
create function shop.order_count(c bigint) returns bigint language sql stable as 'select count(*) from shop.orders where customer_id = c';
create view shop.open_orders as select o.id, c.email, o.total from shop.orders o join shop.customer c on c.id = o.customer_id where o.status = 'new';
create function shop.stamp() returns trigger language plpgsql as $$ begin new.note := coalesce(new.note, 'none'); return new; end $$;
create trigger orders_stamp before insert on shop.orders for each row execute function shop.stamp();
alter table shop.orders enable row level security;
create policy mine on shop.orders using (shop.order_count(customer_id) >= 0);
comment on table shop.orders is 'orders';
`

export const INTERACTION_CASES: CorpusCase[] = [
  {
    name: 'a column type change under an index, a view and a foreign key',
    before: `create table a (id int primary key); create table b (id int primary key, a_id int references a, score int); create index b_score on b (score); create view bv as select id, a_id, score from b;`,
    after: `create table a (id bigint primary key); create table b (id int primary key, a_id bigint references a, score bigint); create index b_score on b (score); create view bv as select id, a_id, score from b;`,
  },
  { name: 'a dropped column a view referenced, the view dropped too', before: `create table t (a int, b int); create view v as select a, b from t;`, after: `create table t (a int);` },
  { name: 'a table with a view and a referencing table is dropped', before: `create table a (id int primary key); create table b (a_id int references a); create view av as select id from a;`, after: `create table b (a_id int);` },
  { name: 'a table that may be a rename (drop and add)', before: `create table old_name (id int);`, after: `create table new_name (id int);` },
  { name: 'an enum rebuilt under a function argument and a view', before: `create type c as enum ('r', 'g'); create table t (c c); create view v as select c from t; create function isr(x c) returns boolean language sql as $$select x = 'r'$$;`, after: `create type c as enum ('g', 'r', 'b'); create table t (c c); create view v as select c from t; create function isr(x c) returns boolean language sql as $$select x = 'r'$$;` },
  { name: 'a table moves to another schema', before: `create schema a; create schema b; create table a.t (id int);`, after: `create schema a; create schema b; create table b.t (id int);` },
  { name: 'a view and the function it uses are removed together', before: `create function f() returns int language sql as 'select 1'; create view v as select f() as x;`, after: '' },
  { name: 'a whole schema of objects is created from nothing', before: '', after: SHOP },
  { name: 'a whole schema of objects is dropped', before: SHOP, after: '' },
  { name: 'the status enum gains a value used by the partial index', before: SHOP, after: SHOP.replace(`('new', 'paid', 'shipped')`, `('new', 'paid', 'shipped', 'lost')`).replace(`where status <> 'shipped'`, `where status <> 'lost'`) },
  { name: 'an order column type changes under a view, a policy and a trigger', before: SHOP, after: SHOP.replace('customer_id bigint not null', 'customer_id int not null').replace('create function shop.order_count(c bigint)', 'create function shop.order_count(c int)') },
  { name: 'the domain and an index change in a full schema', before: SHOP, after: SHOP.replace('value >= 0', 'value > 0').replace('(customer_id) where', '(customer_id, status) where') },
  { name: 'a column is added to a table a view selects star from', before: `create table t (a int); create view v as select * from t;`, after: `create table t (a int, b int); create view v as select * from t;` },
  { name: 'a referenced primary key column changes type on both sides', before: `create table p (id int primary key); create table c (p_id int references p (id));`, after: `create table p (id bigint primary key); create table c (p_id bigint references p (id));` },
  { name: 'a unique index a foreign key relies on is changed', before: `create table p (code text not null); create unique index p_code on p (code); create table c (code text references p (code));`, after: `create table p (code text not null); create unique index p_code on p (code) include (code); create table c (code text references p (code));` },
]
