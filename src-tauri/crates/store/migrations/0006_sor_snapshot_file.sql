-- From schema 6 on, the SOR snapshot lives in a file of its own beside the database (see
-- src/sor_snapshot.rs). The snapshot kept here until now is renamed out of the way; when the
-- store opens, it is copied into its own file and this table is dropped.
ALTER TABLE sor_entity RENAME TO sor_entity_legacy;
