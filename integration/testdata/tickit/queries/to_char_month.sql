-- TO_CHAR page: a timestamp with month and day names (documented result).
select to_char(timestamp '2009-12-31 23:15:59', 'MONTH-DY-DD-YYYY HH12:MIPM');
