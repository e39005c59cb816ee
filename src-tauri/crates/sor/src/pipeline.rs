//! Parsing on its own thread while the caller consumes: on two cores the store's inserts run
//! beside the parser instead of after each entity.

use std::sync::mpsc::sync_channel;

use sorkomp_model::SorEntity;

use crate::error::SorError;
use crate::parse::SorHeader;

/// Entities per hand-over: large enough that the channel costs nothing per entity.
const BATCH: usize = 256;
/// Batches the parser may run ahead of the consumer: a deep queue absorbs the store's pauses
/// (page writes) so the parser does not wait. Bounded, so memory stays flat: at most ~8,000
/// entities (~8 MB) in flight.
const BATCHES_IN_FLIGHT: usize = 32;

/// Runs `parse` (e.g. `|sink| read_file(path, sink)`) on a new thread and hands its entities,
/// in document order and in batches, to `consume` on the calling thread, which keeps non-`Send`
/// state such as an open SQLite transaction there.
///
/// The result is the same as calling `parse(consume)` directly: the first error wins; an error
/// from `consume` stops the parser and is returned as is; an error from the parser can come
/// after entities were consumed (the caller discards them, as with [`crate::read_entities`]).
pub fn parse_beside<P>(
    parse: P,
    mut consume: impl FnMut(&[SorEntity]) -> Result<(), SorError>,
) -> Result<SorHeader, SorError>
where
    P: FnOnce(&mut dyn FnMut(SorEntity) -> Result<(), SorError>) -> Result<SorHeader, SorError>
        + Send,
{
    let (to_consumer, from_parser) = sync_channel::<Vec<SorEntity>>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let consumer_gone = || SorError::Aborted("modtageren stoppede".to_string());
            let mut batch = Vec::with_capacity(BATCH);
            let header = parse(&mut |entity| {
                batch.push(entity);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    to_consumer.send(full).map_err(|_| consumer_gone())?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                to_consumer.send(batch).map_err(|_| consumer_gone())?;
            }
            Ok(header)
        });
        let mut consumed = Ok(());
        for batch in &from_parser {
            consumed = consume(&batch);
            if consumed.is_err() {
                break;
            }
        }
        // Dropping the receiver makes the parser's next send fail, so it stops early.
        drop(from_parser);
        let parsed = parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        consumed.and(parsed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(n: u64) -> SorEntity {
        SorEntity {
            sor_id: n.to_string(),
            name: format!("Enhed {n}"),
            ..SorEntity::default()
        }
    }

    fn header() -> SorHeader {
        SorHeader {
            format: crate::SorFormat::V2,
            created_at: None,
            snapshot_date: None,
        }
    }

    #[test]
    fn every_entity_arrives_once_in_document_order() {
        let total = BATCH as u64 * 3 + 7;
        let mut seen = Vec::new();
        parse_beside(
            |sink| {
                for n in 0..total {
                    sink(entity(n))?;
                }
                Ok(header())
            },
            |batch| {
                seen.extend(batch.iter().map(|e| e.sor_id.parse::<u64>().unwrap()));
                Ok(())
            },
        )
        .expect("no error");
        assert_eq!(seen, (0..total).collect::<Vec<_>>());
    }

    #[test]
    fn a_consumer_error_stops_the_parser_and_is_returned() {
        let mut parsed = 0u64;
        let err = parse_beside(
            |sink| {
                for n in 0..1_000_000 {
                    parsed = n;
                    sink(entity(n))?;
                }
                Ok(header())
            },
            |batch| {
                if batch.iter().any(|e| e.sor_id == "10") {
                    Err(SorError::Aborted("databasen er fuld".into()))
                } else {
                    Ok(())
                }
            },
        )
        .expect_err("the consumer's error");
        assert!(err.to_string().contains("databasen er fuld"), "{err}");
        assert!(
            parsed < 1_000_000 - 1,
            "the parser should stop early, it read {parsed} entities"
        );
    }

    #[test]
    fn a_parser_error_after_entities_is_returned() {
        let err = parse_beside(
            |sink| {
                for n in 0..BATCH as u64 * 2 {
                    sink(entity(n))?;
                }
                Err(SorError::Empty {
                    file: "Sor.xml".into(),
                })
            },
            |_| Ok(()),
        )
        .expect_err("the parser's error");
        assert!(matches!(err, SorError::Empty { .. }), "{err}");
    }
}
