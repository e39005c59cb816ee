//! Matching ORG units to SOR entities.
