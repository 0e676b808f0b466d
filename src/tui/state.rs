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

/// The picker of the role a path from this principal or session should lead to.
pub type PathPicker = crate::tui::widgets::picker::Picker<crate::tui::access::ReachFrom>;
use crate::tui::search::{EntityIndex, Query, Sort};
use crate::tui::sim::Simulator;
pub use crate::tui::widgets::pane::Pane;
pub use crate::tui::widgets::text::{TextLine, Tok};
pub use crate::tui::world::{
    Choice, EXPIRING_SOON, LogEntry, Session, SessionState, Status, World,
};

/// The browsable lists, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Roles,
    Users,
    Groups,
    Providers,
}

impl Tab {
    pub const ALL: [Self; 4] = [Self::Roles, Self::Users, Self::Groups, Self::Providers];

    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Self::Roles => 0,
            Self::Users => 1,
            Self::Groups => 2,
            Self::Providers => 3,
        }
    }

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Roles => "Roles",
            Self::Users => "Users",
            Self::Groups => "Groups",
            Self::Providers => "Identity providers",
        }
    }
}

/// One browsable list: its query, filters, current results and cursor.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub query: String,
    /// True while the search box has the keyboard.
    pub editing: bool,
    pub kind: Option<u8>,
    pub account: Option<u16>,
    pub sort: Sort,
    /// The results on screen, and the query they answer.
    pub hits: Arc<Vec<u32>>,
    pub hits_for: Query,
    /// Bumped on every query change; results of older generations are dropped.
    pub generation: u64,
    pub selected: usize,
    pub offset: usize,
}

impl ListView {
    /// The query as it stands now (text, filters, order).
    #[must_use]
    pub fn query(&self) -> Query {
        Query {
            text: self.query.clone(),
            kind: self.kind,
            account: self.account,
            sort: self.sort,
        }
    }

    /// True while results for the current query have not arrived yet.
    #[must_use]
    pub fn pending(&self) -> bool {
        self.hits_for != self.query()
    }

    /// The entity number under the cursor.
    #[must_use]
    pub fn current(&self) -> Option<usize> {
        self.hits.get(self.selected).map(|&i| i as usize)
    }
}

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
    pub tab: Tab,
    pub lists: [ListView; 4],
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
            .field("tab", &self.tab)
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
        let mut state = Self {
            world: World {
                whatif: crate::engine::whatif::WhatIf::new(Arc::clone(&inventory)),
                last_run: None,
                inventory,
                graph: Arc::default(),
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
            },
            waiting: Waiting::default(),
            tab: Tab::Roles,
            lists: Default::default(),
            detail: None,
            focus: Focus::Main,
            overlay: None,
            overlay_stack: Vec::new(),
            sessions_panel: crate::tui::screens::sessions::SessionsPanel::default(),
            leave_armed: false,
            return_to: None,
            sessions_collapsed: false,
        };
        // The unfiltered lists are known without searching: show them at once.
        for (i, list) in state.lists.iter_mut().enumerate() {
            let q = list.query();
            let mut searcher = crate::tui::search::Searcher::new();
            list.hits = Arc::new(searcher.search(&state.world.indexes[i], &q, None));
            list.hits_for = q;
        }
        state
    }

    #[must_use]
    pub fn list(&self) -> &ListView {
        &self.lists[self.tab.index()]
    }

    pub fn list_mut(&mut self) -> &mut ListView {
        &mut self.lists[self.tab.index()]
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
        for (i, list) in self.lists.iter_mut().enumerate() {
            list.generation += 1;
            let Some(len) = self.world.indexes.get(i).map(|x| x.len()) else {
                continue;
            };
            list.selected = list.selected.min(len.saturating_sub(1));
            self.world.outbox.push(crate::tui::command::Effect::Search(
                crate::tui::search::Request {
                    list: i,
                    generation: list.generation,
                    query: list.query(),
                },
            ));
        }
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
