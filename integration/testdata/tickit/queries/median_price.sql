-- MEDIAN.
select median(pricepaid) from sales where eventid = 3;
