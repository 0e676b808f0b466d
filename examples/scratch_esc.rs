use rolescope::engine::escalation::{LazyEscalations, walk};
use rolescope::engine::graph::TrustGraph;
use std::sync::Arc;
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let which = std::env::args().nth(2).unwrap_or_default();
    let inv = Arc::new(rolescope::engine::load::load_paths(&[path]).unwrap());
    let g = TrustGraph::build(Arc::clone(&inv), chrono::Utc::now());
    let first = &inv.roles[0].account;
    let role = inv
        .roles
        .iter()
        .filter(|r| &r.account == first && r.name.contains("-app-"))
        .find(|r| {
            r.trust_policy.text.contains(":root") && !r.trust_policy.text.contains("Condition")
        })
        .and_then(|r| g.node_id(&r.arn))
        .unwrap();
    let user = inv
        .users
        .iter()
        .find(|u| &u.account == first && u.groups.iter().any(|x| x == "admins"))
        .and_then(|u| g.node_id(&u.arn))
        .unwrap();
    let t = std::time::Instant::now();
    let esc = LazyEscalations::new(&g);
    eprintln!("lazy new {:?}", t.elapsed());
    let t = std::time::Instant::now();
    if which == "reach" {
        let r = walk::reach(&g, &esc, user, 5, walk::Follow::Working);
        eprintln!("reach esc {} {:?}", r.rows.len(), t.elapsed());
    } else {
        let r = walk::who_can_reach(&g, &esc, role, 5, walk::Follow::Working);
        eprintln!("who esc {} {:?}", r.len(), t.elapsed());
    }
    eprintln!("decided {}", esc.decided());
}
