use rolescope::engine::graph::TrustGraph;
use std::sync::Arc;
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let inv = Arc::new(rolescope::engine::load::load_paths(&[path]).unwrap());
    let t = std::time::Instant::now();
    let g = TrustGraph::build(Arc::clone(&inv), chrono::Utc::now());
    eprintln!("build {:?}", t.elapsed());
    let first = &inv.roles[0].account;
    let user = inv
        .users
        .iter()
        .find(|u| &u.account == first && u.groups.iter().any(|x| x == "admins"))
        .unwrap();
    let u = g.node_id(&user.arn).unwrap();
    for _ in 0..2 {
        let t = std::time::Instant::now();
        let r = g.reach(u, 5);
        eprintln!(
            "reach {} rows {} broken in {:?}",
            r.rows.len(),
            r.broken.len(),
            t.elapsed()
        );
    }
}
