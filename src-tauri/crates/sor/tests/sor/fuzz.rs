//! Property test: mutated and truncated real samples never panic the parser; every failure is
//! an error that names the file and a line/column; and reading the same bytes a few at a time
//! (the parser reads in pieces, cut wherever the reader stops) gives the same result.

use proptest::prelude::*;

use crate::common::*;

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<usize>();
    prop_oneof![
        pos.prop_map(Mutation::Truncate),
        (pos, any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (pos, 1usize..200).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (
            pos,
            prop::collection::vec(
                prop_oneof![
                    Just(b'<'),
                    Just(b'>'),
                    Just(b'/'),
                    Just(b'&'),
                    Just(b';'),
                    Just(b':'),
                    Just(b'"'),
                    Just(b'!'),
                    Just(0xC3u8),
                    any::<u8>()
                ],
                1..12
            )
        )
            .prop_map(|(p, v)| Mutation::Insert(p, v)),
        (pos, 1usize..400).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = bytes.len();
    match *m {
        Mutation::Truncate(p) => bytes.truncate(p % (len + 1)),
        Mutation::Flip(p, b) => bytes[p % len] ^= b | 1,
        Mutation::Delete(p, n) => {
            let start = p % len;
            bytes.drain(start..(start + n).min(len));
        }
        Mutation::Insert(p, ref v) => {
            let at = p % (len + 1);
            bytes.splice(at..at, v.iter().copied());
        }
        Mutation::Duplicate(p, n) => {
            let start = p % len;
            let piece = bytes[start..(start + n).min(len)].to_vec();
            bytes.splice(start..start, piece);
        }
    }
    bytes
}

const SAMPLES: [&str; 4] = [V2_SAMPLE, V1_SYGEHUS, V1_APOTEK, V1_PRAKSIS];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn mutated_samples_give_ok_or_a_located_error(
        which in 0usize..4,
        mutations in prop::collection::vec(mutation(), 1..4),
        step in 1usize..300,
    ) {
        let mut bytes = sample(SAMPLES[which]);
        for m in &mutations {
            if bytes.is_empty() { break; }
            bytes = apply(bytes, m);
        }
        let whole = parse_bytes(&bytes);
        let trickled = read_trickled(&bytes, step);
        match (&whole, &trickled) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "read {} bytes at a time", step),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.to_string(), b.to_string(), "read {} bytes at a time", step)
            }
            _ => prop_assert!(false, "whole: {:?}; {} bytes at a time: {:?}", whole, step, trickled),
        }
        match whole {
            Ok((_, all)) => {
                for e in &all {
                    prop_assert!(!e.sor_id.is_empty(), "an accepted entity always has an id");
                }
            }
            Err(err) => {
                let text = err.to_string();
                prop_assert!(text.starts_with("Sor.xml linje "), "not located: {}", text);
                prop_assert!(err.location().is_some(), "no location: {}", text);
            }
        }
    }
}
