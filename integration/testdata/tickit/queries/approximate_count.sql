-- APPROXIMATE COUNT(DISTINCT ...).
select approximate count(distinct sellerid) from sales;
