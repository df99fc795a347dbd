-- TOP n.
select top 3 salesid, qtysold from sales order by qtysold desc, salesid;
