//! The whole state of the terminal face. Only the loop mutates it, through
//! `update::apply`; the screen is drawn from it alone, so a frame is fully determined by
//! a state (and a snapshot test can pin the clock).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::engine::model::Inventory;
use crate::tui::clock::SimClock;
use crate::tui::facts::{self, RoleFacts};
pub use crate::tui::screen::Overlay;
pub use crate::tui::screens::detail::{Detail, Subject, SummaryLine};
pub use crate::tui::screens::list::{EntityList, ListView, Tab};

/// The picker of the role a path from this principal or session should lead to.
pub type PathPicker = crate::tui::widgets::picker::Picker<crate::tui::access::ReachFrom>;
use crate::tui::search::EntityIndex;
use crate::tui::sim::Simulator;
pub use crate::tui::widgets::pane::Pane;
pub use crate::tui::widgets::text::{TextLine, Tok};
pub use crate::tui::world::{
    Choice, EXPIRING_SOON, LogEntry, Session, SessionState, Status, World,
};

/// Where keyboard focus is on the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Main,
    Sessions,
}

/// The generations of the graph questions a screen waits for (an older answer is dropped).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// `v` was pressed: the reach tree opens when this answer comes.
    pub reach: Option<u64>,
    /// The path view waits for its paths.
    pub path: Option<u64>,
    /// The external-access view waits for its findings.
    pub external: Option<u64>,
}

/// Everything the app knows: the shared [`World`] and the state of the screens. Reading a
/// world field through the state (`state.world.now`) reads the world.
pub struct AppState {
    pub world: World,
    /// The questions whose newest answer a screen waits for.
    pub waiting: Waiting,
    /// The lists of roles, users, groups and providers, and their search box.
    pub entities: EntityList,
    pub detail: Option<Detail>,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    /// Overlays under the current one, shown again when it closes (a form opened from the
    /// reach tree goes back to the tree).
    pub overlay_stack: Vec<Overlay>,
    /// What a role opened out of a pop-up (a path, the reach tree, external access) goes
    /// back to on Esc: the pop-ups, top last, and the detail view under them.
    pub return_to: Option<(Vec<Overlay>, Option<Detail>)>,
    /// `q` was pressed with what-if edits pending: the next `q` quits.
    pub leave_armed: bool,
    /// The Sessions panel's cursor.
    pub sessions_panel: crate::tui::screens::sessions::SessionsPanel,
    pub sessions_collapsed: bool,
}

impl std::ops::Deref for AppState {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("tab", &self.entities.tab)
            .field("focus", &self.focus)
            .field("sessions", &self.world.sessions.len())
            .field("now", &self.world.now)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// A fresh state over `inventory`, with the simulated clock starting at `start`.
    #[must_use]
    pub fn new(
        inventory: Arc<Inventory>,
        simulator: Arc<dyn Simulator>,
        start: DateTime<Utc>,
    ) -> Self {
        let role_facts: Vec<RoleFacts> = facts::all_role_facts(&inventory);
        let indexes = [
            Arc::new(EntityIndex::new(facts::role_entries(
                &inventory,
                &role_facts,
            ))),
            Arc::new(EntityIndex::new(facts::user_entries(&inventory))),
            Arc::new(EntityIndex::new(facts::group_entries(&inventory))),
            Arc::new(EntityIndex::new(facts::provider_entries(&inventory))),
        ];
        let world = World {
            whatif: crate::engine::whatif::WhatIf::new(Arc::clone(&inventory)),
            last_run: None,
            inventory,
            graph: Arc::default(),
            escalations: Arc::default(),
            access_generation: 0,
            access_diff: None,
            diff_waiting: None,
            diagnose_waiting: None,
            outbox: Vec::new(),
            role_facts: Arc::new(role_facts),
            indexes,
            simulator,
            sessions: Vec::new(),
            next_session: 1,
            log: Vec::new(),
            clock: SimClock::new(start),
            elapsed: Duration::ZERO,
            now: start,
            width: 80,
            height: 24,
            status: None,
            teach: crate::tui::teach::Teach::default(),
            no_color: false,
            palette: crate::tui::theme::Palette::Dark,
            presenter_palette: crate::tui::theme::Palette::HighContrast,
            keys: Arc::default(),
            profiles_input: None,
            profiles_generation: 0,
            quit: false,
            dirty: true,
        };
        Self {
            entities: EntityList::new(&world),
            world,
            waiting: Waiting::default(),
            detail: None,
            focus: Focus::Main,
            overlay: None,
            overlay_stack: Vec::new(),
            sessions_panel: crate::tui::screens::sessions::SessionsPanel::default(),
            leave_armed: false,
            return_to: None,
            sessions_collapsed: false,
        }
    }

    #[must_use]
    pub fn list(&self) -> &ListView {
        self.entities.list()
    }

    pub fn list_mut(&mut self) -> &mut ListView {
        self.entities.list_mut()
    }

    /// Makes the search indexes of the lists a what-if edit can change again (roles, whose
    /// kinds follow their documents, and providers, which a fix can add), hands them to the
    /// search worker and asks every list's query again.
    pub fn reindex(&mut self) {
        let inv = &self.world.inventory;
        let new = vec![
            (
                Tab::Roles.index(),
                Arc::new(EntityIndex::new(facts::role_entries(
                    inv,
                    &self.world.role_facts,
                ))),
            ),
            (
                Tab::Providers.index(),
                Arc::new(EntityIndex::new(facts::provider_entries(inv))),
            ),
        ];
        for (list, index) in &new {
            if let Some(slot) = self.world.indexes.get_mut(*list) {
                *slot = Arc::clone(index);
            }
        }
        self.world.outbox.push(crate::tui::command::Effect::Reindex(
            crate::tui::search::NewIndexes(new),
        ));
        let fx = self.entities.requery_all(&self.world);
        self.world.outbox.extend(fx);
    }

    /// The number of entities in the current tab's collection.
    #[must_use]
    pub fn loaded(&self, tab: Tab) -> usize {
        self.world.indexes[tab.index()].len()
    }

    /// The session under the cursor in the Sessions panel.
    #[must_use]
    pub fn selected_session(&self) -> Option<&Session> {
        self.sessions_panel.current(&self.world)
    }
}
