-- SOR-komponent schema, version 2: decision rules and units kept only in SOR.

-- Per proposal kind: approve automatically (1) or leave for the administrator (0).
-- The rules themselves (labels, what they cover) are defined in the API crate; a missing row
-- means manual.
CREATE TABLE decision_rule (
    key        TEXT PRIMARY KEY,
    automatic  INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) WITHOUT ROWID;

-- SOR units the administrator marked as existing only in SOR (e.g. a technical location
-- number): kept, never proposed for deletion.
CREATE TABLE only_in_sor (
    sor_id    TEXT PRIMARY KEY,
    marked_at TEXT NOT NULL,
    marked_by TEXT NOT NULL,
    reason    TEXT
) WITHOUT ROWID;

-- Undo looks up the rows that reference an earlier row and the links a proposal made.
CREATE INDEX change_log_kind_entity ON change_log(entity_kind, entity_id);
CREATE INDEX link_proposal ON link(proposal_id);
CREATE INDEX link_pair ON link(org_uuid, sor_id);
