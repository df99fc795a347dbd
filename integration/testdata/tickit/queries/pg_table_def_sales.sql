-- PG_TABLE_DEF: the declared types, encodings and keys of SALES.
select "column", type, encoding, distkey, sortkey from pg_table_def where tablename = 'sales';
