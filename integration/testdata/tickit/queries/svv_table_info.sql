-- SVV_TABLE_INFO: distribution style and first sort key column of each table.
select "table", diststyle, sortkey1, tbl_rows from svv_table_info order by 1;
