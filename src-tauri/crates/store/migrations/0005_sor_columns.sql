-- The SOR snapshot's type_code and to_date columns were never queried (both live in the entity's
-- encoded data): every import wrote them for 200,000 entities. SOR imports build the next
-- snapshot without them.
ALTER TABLE sor_entity DROP COLUMN type_code;
ALTER TABLE sor_entity DROP COLUMN to_date;
