-- Columns whose precision or text flavour changes in bad.sql and ok.sql.
CREATE TABLE visits (id bigint PRIMARY KEY, seen_at timestamp(3), seen_tz timestamptz(3), starts time(3), period interval(3), handle text, tag citext);
CREATE INDEX visits_tag_idx ON visits (tag);
CREATE TABLE posts (title text);
