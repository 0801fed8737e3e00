CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric);
CREATE SCHEMA reports;
CREATE TABLE reports.daily (day date PRIMARY KEY, total numeric);
CREATE SCHEMA archive_2020;
