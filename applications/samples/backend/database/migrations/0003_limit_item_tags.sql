-- The API has always allowed at most 10 tags per item; the table now says so
-- too. Validating the constraint checks the rows of earlier versions.
ALTER TABLE items ADD CONSTRAINT items_tags_limit CHECK (cardinality(tags) <= 10);
