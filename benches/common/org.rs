//! The data of the terminal face's benchmarks: `n` roles of the synthetic organisation
//! `examples/gen_org` writes (1,000 roles per account), and typed search sequences over
//! its vocabulary. The including bench declares `gen_org` (the generator's module).

use crate::gen_org;

/// A bundle with `n` roles (rounded up to whole accounts of 1,000).
pub fn bundle(n: usize) -> String {
    let spec = gen_org::Spec {
        accounts: n.div_ceil(1000).max(1),
        roles_per_account: 1000.min(n),
        users_per_account: 20,
        seed: 1,
    };
    let mut out = Vec::new();
    gen_org::write_bundle(&spec, &mut out).expect("the generator writes to memory");
    String::from_utf8(out).expect("the generator writes UTF-8")
}

/// Typed sequences: each query as it grows one keystroke at a time.
#[allow(dead_code, reason = "used by the search benchmark, not the render one")]
pub const SEQUENCES: [&str; 8] = [
    "payments-api",
    "orders sync",
    "checkout prod",
    "ledger-etl",
    "fraud",
    "idnty",
    "srchidx",
    "platform-worker-staging",
];
