-- SOR-komponent schema, version 4: what the matcher learns from, and the KLE table's order.

-- The field agreement levels (matcher PairFeatures as JSON) of a scored link proposal, frozen
-- when the proposal is decided: approved ones are examples of matches, rejected ones of
-- non-matches, for the next run's weights.
CREATE TABLE proposal_features (
    proposal_id INTEGER PRIMARY KEY REFERENCES proposal(id),
    features    TEXT NOT NULL
);

-- Earlier rows of the KLE table win when a unit carries several KLE numbers: keep the order
-- the administrator gave.
ALTER TABLE kle_rule ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
