-- DATEDIFF page: weeks between two dates (documented result).
select datediff(week,'2009-01-01','2009-12-31') as numweeks;
