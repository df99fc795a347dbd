-- LISTAGG ... WITHIN GROUP over the documented CATEGORY rows.
select catgroup, listagg(catname, ', ') within group (order by catname)
from category group by catgroup order by catgroup;
