use rolescope::engine::graph::TrustGraph;
use std::sync::Arc;
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let inv = Arc::new(rolescope::engine::load::load_paths(&[path]).unwrap());
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let g = TrustGraph::build(Arc::clone(&inv), chrono::Utc::now());
        eprintln!("build {:?}", t.elapsed());
        let role = g
            .find("arn:aws:iam::210000000000:role/platform-app-001012")
            .unwrap_or_else(|_| g.node_id(&inv.roles[1012].arn).unwrap());
        let t = std::time::Instant::now();
        let w = g.who_can_assume(role, 5);
        eprintln!("who {} rows {:?}", w.rows.len(), t.elapsed());
        let t = std::time::Instant::now();
        let e = g.external_access();
        eprintln!("external {} {:?}", e.findings.len(), t.elapsed());
    }
}
