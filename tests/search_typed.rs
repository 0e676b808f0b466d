//! The search result for a query depends only on the text in the box: typing it one
//! character at a time (each keystroke answered by the search worker, which narrows from
//! its previous answer when the query is extended) gives the same hits as pasting it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::sync::mpsc::channel;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use proptest::prelude::*;
use rolescope::engine::load::load_demo;
use rolescope::tui::facts;
use rolescope::tui::search::{EntityIndex, Query, Request, Worker};

static ROLES: LazyLock<Arc<EntityIndex>> = LazyLock::new(|| {
    let inv = load_demo().unwrap();
    let role_facts = facts::all_role_facts(&inv);
    Arc::new(EntityIndex::new(facts::role_entries(&inv, &role_facts)))
});

/// The demo's role ARNs: their prefixes are what people type.
static ARNS: LazyLock<Vec<String>> = LazyLock::new(|| {
    load_demo()
        .unwrap()
        .roles
        .iter()
        .map(|r| r.arn.clone())
        .collect()
});

/// A query: random text in the characters queries use, or a prefix of a role's ARN.
fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9:/ _!^$'-]{1,16}",
        (0..ARNS.len(), 1usize..80).prop_map(|(i, n)| ARNS[i].chars().take(n).collect()),
    ]
}

/// The hits of `text` typed character by character: every prefix is asked and answered
/// before the next key, as when typing slowly.
fn typed(text: &str) -> Vec<u32> {
    let (tx, rx) = channel();
    let worker = Worker::spawn(vec![Arc::clone(&ROLES)], move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    let mut last = Vec::new();
    for (generation, (end, ch)) in text.char_indices().enumerate() {
        let query = Query {
            text: text[..end + ch.len_utf8()].to_owned(),
            ..Query::default()
        };
        worker.send(Request {
            list: 0,
            generation: generation as u64,
            query,
        });
        let r = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        last = (*r.hits).clone();
    }
    last
}

/// The hits of `text` pasted: one query for the whole text.
fn pasted(text: &str) -> Vec<u32> {
    let (tx, rx) = channel();
    let worker = Worker::spawn(vec![Arc::clone(&ROLES)], move |r| {
        let _ = tx.send(r);
    })
    .unwrap();
    worker.send(Request {
        list: 0,
        generation: 0,
        query: Query {
            text: text.to_owned(),
            ..Query::default()
        },
    });
    (*rx.recv_timeout(Duration::from_secs(30)).unwrap().hits).clone()
}

#[test]
fn a_full_arn_typed_finds_the_role_as_pasted_does() {
    let arn = "arn:aws:iam::333333333333:role/service-role/codebuild-storefront";
    let p = pasted(arn);
    assert!(!p.is_empty(), "pasting the ARN finds the role");
    assert_eq!(typed(arn), p);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn typed_and_pasted_queries_give_the_same_hits(text in query()) {
        prop_assert_eq!(typed(&text), pasted(&text));
    }
}
