-- TO_CHAR with a 24-hour clock, and a cast.
select to_char(saletime, 'YYYY-MM-DD HH24:MI'), saletime::date from sales where salesid = 1;
