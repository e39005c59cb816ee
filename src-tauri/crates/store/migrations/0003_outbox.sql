-- SOR-komponent schema, version 3: the worklist (outbox) records who marked an item done and
-- when, and when a SOR import confirmed it.
-- The stored status words stay those of version 1: 'pending', 'done', 'confirmed' and
-- 'cancelled' (shown as "trukket tilbage": the approval was undone before the change was made).

ALTER TABLE outbox ADD COLUMN done_at TEXT;
ALTER TABLE outbox ADD COLUMN done_by TEXT;
ALTER TABLE outbox ADD COLUMN confirmed_at TEXT;
-- The SOR entity the confirming snapshot showed (for a created unit: its new SOR id).
ALTER TABLE outbox ADD COLUMN confirmed_sor_id TEXT;
CREATE INDEX outbox_status ON outbox(status);
