-- A small TICKIT data set written for fakeshift's tests: the CATEGORY table as the
-- documentation lists it, and a few rows of the other tables chosen so that the documented
-- queries of queries/ give the documented answers.
insert into category values
	(1, 'Sports', 'MLB', 'Major League Baseball'),
	(2, 'Sports', 'NHL', 'National Hockey League'),
	(3, 'Sports', 'NFL', 'National Football League'),
	(4, 'Sports', 'NBA', 'National Basketball Association'),
	(5, 'Sports', 'MLS', 'Major League Soccer'),
	(6, 'Shows', 'Musicals', 'Musical theatre'),
	(7, 'Shows', 'Plays', 'All non-musical theatre'),
	(8, 'Shows', 'Opera', 'All opera and light opera'),
	(9, 'Concerts', 'Pop', 'All rock and pop music concerts'),
	(10, 'Concerts', 'Jazz', 'All jazz singers and bands'),
	(11, 'Concerts', 'Classical', 'All symphony, concerto, and choir concerts');

insert into users (userid, username, firstname, lastname, city, state, email, likesports, likejazz) values
	(49977, 'JJK84WTE', 'Julie', 'Hanson', 'San Diego', 'CA', 'julie@example.com', true, false),
	(19750, 'AAS23BDR', 'Charity', 'Zimmerman', 'San Diego', 'CA', 'charity@example.com', false, true),
	(29069, 'SVL81MEQ', 'Axel', 'Grant', 'San Diego', 'CA', 'axel@example.com', true, null),
	(43632, 'VAG08HKW', 'Griffin', 'Dodson', 'San Diego', 'CA', 'griffin@example.com', null, true),
	(36712, 'RXT40MKU', 'Hiram', 'Turner', 'San Diego', 'CA', 'hiram@example.com', false, false),
	(11000, 'ABC12DEF', 'Ann', 'Other', 'San Diego', 'CA', 'ann@example.com', true, true),
	(3, 'NIY95EHZ', 'Lars', 'Ratliff', 'High Point', 'ME', 'lars@example.com', false, true),
	(4, 'MSD36KVR', 'Mufutau', 'Watkins', 'Parowan', 'UT', 'mufutau@example.com', null, null);

insert into venue values
	(1, 'Toyota Park', 'Bridgeview', 'IL', 0),
	(2, 'Columbus Crew Stadium', 'Columbus', 'OH', 0),
	(3, 'RFK Stadium', 'Washington', 'DC', 0),
	(4, 'CommunityAmerica Ballpark', 'Kansas City', 'KS', 0),
	(5, 'Gillette Stadium', 'Foxborough', 'MA', 68756);

insert into date values
	(1827, '2008-01-01', 'TU', 1, 'JAN', '1', 2008, true),
	(1828, '2008-01-02', 'WE', 1, 'JAN', '1', 2008, false),
	(2096, '2008-09-26', 'FR', 39, 'SEP', '3', 2008, false),
	(2170, '2008-12-09', 'TU', 50, 'DEC', '4', 2008, false),
	(2192, '2008-12-31', 'WE', 53, 'DEC', '4', 2008, false),
	(2193, '2009-01-01', 'TH', 1, 'JAN', '1', 2009, true);

insert into event values
	(1, 5, 5, 1827, 'New England Revolution', '2008-01-01 19:30:00'),
	(2, 1, 9, 2096, 'Chicago', '2008-09-26 20:00:00'),
	(3, 3, 10, 2170, 'Wynton Marsalis', '2008-12-09 19:00:00');

insert into listing values
	(1, 49977, 1, 1827, 30, 50.00, 1500.00, '2007-12-20 10:00:00'),
	(2, 19750, 2, 2096, 25, 120.50, 3012.50, '2008-08-24 09:36:12'),
	(3, 29069, 3, 2170, 20, 35.25, 705.00, '2008-11-30 18:00:00');

insert into sales values
	(1, 1, 49977, 3, 1, 1827, 12, 600.00, 90.00, '2008-01-01 08:00:00'),
	(2, 1, 49977, 4, 1, 1828, 10, 500.00, 75.00, '2008-01-02 09:00:00'),
	(3, 1, 49977, 4, 1, 2193, 8, 400.00, 60.00, '2009-01-01 10:00:00'),
	(4, 2, 19750, 3, 2, 2096, 21, 2530.50, 379.58, '2008-09-26 11:00:00'),
	(5, 3, 29069, 4, 3, 2170, 17, 599.25, 89.89, '2008-12-09 12:00:00'),
	(6, 3, 43632, 3, 3, 2170, 9, 317.25, 47.59, '2008-12-09 13:00:00'),
	(7, 3, 43632, 4, 3, 2192, 7, 246.75, 37.01, '2008-12-31 14:00:00'),
	(8, 2, 36712, 3, 2, 2096, 14, 1687.00, 253.05, '2008-09-26 15:00:00'),
	(9, 2, 11000, 4, 2, 2096, 13, 1566.50, 234.98, '2008-09-26 16:00:00'),
	(10, 1, 3, 49977, 1, 1827, 4, 200.00, 30.00, '2008-01-01 17:00:00');
