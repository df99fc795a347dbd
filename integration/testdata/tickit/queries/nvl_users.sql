-- NVL and NVL2.
select userid, nvl(likesports, false), nvl2(likejazz, 'answered', 'no answer')
from users where userid < 100 order by userid;
