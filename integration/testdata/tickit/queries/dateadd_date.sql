-- DATEADD (a month past the end of a month ends the next month), DATE_PART(dow).
select caldate, dateadd(month, 2, caldate), date_part(dow, caldate)
from date where dateid in (1827, 2192) order by 1;
