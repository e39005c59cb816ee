-- SOR-komponent schema, version 1.

-- Settings of this installation: municipality CVR, the administrator's name, sync validators.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The current SOR snapshot (the whole country). `data` is the SorEntity as JSON; the other
-- columns are what queries filter and join on.
-- An import builds the next snapshot beside this table and swaps it in (see sor_import.rs).
CREATE TABLE sor_entity (
    sor_id    TEXT NOT NULL,
    level     TEXT NOT NULL,
    parent_id TEXT,
    owner_id  TEXT NOT NULL,
    name      TEXT NOT NULL,
    type_code TEXT,
    cvr       TEXT,
    postcode  TEXT,
    to_date   TEXT,
    data      TEXT NOT NULL
);
CREATE UNIQUE INDEX sor_entity_id ON sor_entity(sor_id);
CREATE INDEX sor_entity_owner ON sor_entity(owner_id);
CREATE INDEX sor_entity_parent ON sor_entity(parent_id);

-- The current FK Organisation snapshot of the municipality.
CREATE TABLE org_unit (
    uuid        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    user_key    TEXT,
    parent_uuid TEXT,
    status      TEXT NOT NULL CHECK (status IN ('AKTIV', 'INAKTIV')),
    valid_from  TEXT,
    valid_to    TEXT
) WITHOUT ROWID;
CREATE INDEX org_unit_parent ON org_unit(parent_uuid);

-- Addresses in FK Organisation's wide sense (postal, visiting, e-mail, phone, EAN, SOR code).
CREATE TABLE org_address (
    org_uuid    TEXT NOT NULL REFERENCES org_unit(uuid) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    role        TEXT NOT NULL,
    role_title  TEXT NOT NULL,
    text        TEXT NOT NULL,
    parsed      TEXT,
    PRIMARY KEY (org_uuid, position)
) WITHOUT ROWID;

CREATE TABLE org_kle (
    org_uuid TEXT NOT NULL REFERENCES org_unit(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number   TEXT NOT NULL,
    title    TEXT NOT NULL,
    role     TEXT NOT NULL,
    PRIMARY KEY (org_uuid, position)
) WITHOUT ROWID;

-- What the matcher proposed and what the administrator decided.
CREATE TABLE proposal (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('link', 'create', 'delete', 'update')),
    status      TEXT NOT NULL CHECK (status IN ('new', 'approved', 'rejected', 'withdrawn')),
    org_uuid    TEXT,
    sor_id      TEXT,
    score       REAL NOT NULL,
    explanation TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]',
    new_unit    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    decided_at  TEXT,
    decided_by  TEXT,
    reason      TEXT
);
CREATE INDEX proposal_status ON proposal(status, kind);
CREATE INDEX proposal_org ON proposal(org_uuid);
CREATE INDEX proposal_sor ON proposal(sor_id);

-- ORG unit <-> SOR entity links. A link ends (ended_at) rather than disappears.
CREATE TABLE link (
    id          INTEGER PRIMARY KEY,
    org_uuid    TEXT NOT NULL,
    sor_id      TEXT NOT NULL,
    manual      INTEGER NOT NULL,
    proposal_id INTEGER REFERENCES proposal(id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    TEXT,
    end_reason  TEXT
);
CREATE UNIQUE INDEX link_active_org ON link(org_uuid) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX link_active_sor ON link(sor_id) WHERE ended_at IS NULL;

-- Approved proposals as concrete changes to make in SOR (the worklist).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposal(id),
    action      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'done', 'confirmed', 'cancelled')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- The editable KLE -> SOR unit type table that decides relevance.
CREATE TABLE kle_rule (
    kle_prefix    TEXT PRIMARY KEY,
    sor_type_code TEXT NOT NULL,
    label         TEXT NOT NULL
) WITHOUT ROWID;

-- The append-only, hash-chained change log. Each row carries the hash of the previous one.
CREATE TABLE change_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('sync', 'matcher', 'user', 'rule')),
    who         TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX change_log_entity ON change_log(entity_id);

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
