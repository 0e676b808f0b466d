//! The allocator the rolescope binary uses (src/main.rs), so the benches measure what users
//! run.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
