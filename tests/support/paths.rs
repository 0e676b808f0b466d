//! Every simple path between two principals, enumerated plainly over `edges_from`: what
//! `TrustGraph::paths` must find, kept to check it against.

use std::collections::BTreeSet;

use rolescope::engine::graph::{NodeId, TrustGraph};

/// Every simple path of at most `depth` working hops from `from` to `to`, as (from, to)
/// pairs, stepping on from a principal only when `worth(principal, hops left)` says so.
pub fn simple_paths(
    g: &TrustGraph,
    from: NodeId,
    to: NodeId,
    depth: usize,
    worth: &mut dyn FnMut(NodeId, usize) -> bool,
) -> BTreeSet<Vec<(u32, u32)>> {
    fn walk(
        g: &TrustGraph,
        node: NodeId,
        (to, depth): (NodeId, usize),
        stack: &mut Vec<(u32, u32)>,
        worth: &mut dyn FnMut(NodeId, usize) -> bool,
        out: &mut BTreeSet<Vec<(u32, u32)>>,
    ) {
        if stack.len() >= depth {
            return;
        }
        for e in g.edges_from(node).into_iter().filter(|e| e.works()) {
            let hop = (e.from.0, e.to.0);
            if e.to == to {
                let mut p = stack.clone();
                p.push(hop);
                out.insert(p);
            } else if e.to.0 != stack.first().map_or(node.0, |h| h.0)
                && !stack.iter().any(|h| h.1 == e.to.0)
                && worth(e.to, depth - stack.len() - 1)
            {
                stack.push(hop);
                walk(g, e.to, (to, depth), stack, worth, out);
                stack.pop();
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(g, from, (to, depth), &mut Vec::new(), worth, &mut out);
    out
}
