//! The lists of roles, users, groups and identity providers, one per tab, and their search
//! box: the query and filters of each list, the newest results the search worker sent for
//! them (older generations dropped), the cursor and the visible window. It reads the
//! shared [`World`] (the search indexes, the role facts, the inventory), asks for searches
//! and for opening an entry through its [`Outcome`], and draws itself (`list/draw.rs`).

mod draw;

use std::sync::Arc;

use crossterm::event::KeyCode;
use ratatui::layout::Rect;

use crate::tui::command::{Command, Effect};
use crate::tui::facts::KINDS;
use crate::tui::keys::{
    Binding, b, c, clock, common_tail, external_key, k, movement, path_key, reach_key, text_keys,
    whatif_keys,
};
use crate::tui::outcome::{Entry, Outcome, clamp_add, movement as movement_of};
use crate::tui::search::{Query, Request, Response, Searcher, Sort};
use crate::tui::world::World;

pub use draw::{render, rows_area};

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

    /// The entry `i` of this tab's collection.
    #[must_use]
    pub fn entry(self, i: usize) -> Entry {
        match self {
            Self::Roles => Entry::Role(i),
            Self::Users => Entry::User(i),
            Self::Groups => Entry::Group(i),
            Self::Providers => Entry::Provider(i),
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

    /// Keeps the cursor inside a window of `rows` rows.
    fn keep_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(self.hits.len().saturating_sub(rows));
    }
}

/// The list screen: the tab shown and the four lists.
#[derive(Debug, Clone)]
pub struct EntityList {
    pub tab: Tab,
    pub lists: [ListView; 4],
}

impl EntityList {
    /// The lists of `world`'s indexes, unfiltered: known without searching, shown at once.
    #[must_use]
    pub fn new(world: &World) -> Self {
        let mut lists: [ListView; 4] = Default::default();
        let mut searcher = Searcher::new();
        for (list, index) in lists.iter_mut().zip(&world.indexes) {
            let q = list.query();
            list.hits = Arc::new(searcher.search(index, &q, None));
            list.hits_for = q;
        }
        Self {
            tab: Tab::Roles,
            lists,
        }
    }

    #[must_use]
    pub fn list(&self) -> &ListView {
        &self.lists[self.tab.index()]
    }

    pub fn list_mut(&mut self) -> &mut ListView {
        &mut self.lists[self.tab.index()]
    }

    /// True while the search box has the keyboard.
    #[must_use]
    pub fn editing(&self) -> bool {
        self.list().editing
    }

    /// The ARN of the entry under the cursor.
    #[must_use]
    pub fn current_arn(&self, world: &World) -> Option<String> {
        arn(world, self.tab, self.list().current()?)
    }

    /// The entry under the cursor.
    #[must_use]
    pub fn current(&self) -> Option<Entry> {
        self.list().current().map(|i| self.tab.entry(i))
    }

    /// Shows `tab`'s list.
    pub fn select_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    /// Takes `command` on the list drawn in `area`; `Ignored` for what is not the list's.
    pub fn handle(&mut self, command: &Command, world: &mut World, area: Rect) -> Outcome {
        let rows = usize::from(rows_area(area).height).max(1);
        if let Some(delta) = movement_of(command, rows) {
            self.step(delta, area);
            return Outcome::Done;
        }
        match command {
            Command::SearchResults(r) => {
                self.results(r, area);
                Outcome::Done
            }
            Command::StartSearch => {
                self.list_mut().editing = true;
                Outcome::Done
            }
            Command::SelectTab(i) => {
                if let Some(tab) = Tab::ALL.get(*i) {
                    self.tab = *tab;
                }
                Outcome::Done
            }
            Command::Input(ch) if self.editing() => self.edit(|s| s.push(*ch)),
            Command::Paste(text) if self.editing() => self.edit(|s| s.push_str(text)),
            Command::Backspace if self.editing() => self.edit(|s| {
                s.pop();
            }),
            Command::ClearInput if self.editing() => self.edit(String::clear),
            Command::AcceptSearch => {
                self.list_mut().editing = false;
                Outcome::Done
            }
            Command::CancelSearch => {
                let list = self.list_mut();
                list.editing = false;
                if list.query.is_empty() {
                    Outcome::Done
                } else {
                    list.query.clear();
                    self.requery()
                }
            }
            Command::Back if !self.editing() => {
                if self.list().query.is_empty() {
                    Outcome::Done
                } else {
                    self.list_mut().query.clear();
                    self.requery()
                }
            }
            Command::CycleKind => {
                if self.tab != Tab::Roles {
                    world.say("kinds apply to roles; press 1 for the roles list", false);
                    return Outcome::Done;
                }
                let present = world.role_facts.iter().fold(0u32, |m, f| m | f.mask());
                let current = self.list().kind;
                let next = (current.map_or(0, |k| k + 1)..u8::try_from(KINDS.len()).unwrap_or(0))
                    .find(|k| present & (1 << k) != 0);
                self.list_mut().kind = next;
                self.requery()
            }
            Command::CycleAccount => {
                let n = world.indexes[self.tab.index()].accounts().len();
                let list = self.list_mut();
                list.account = match list.account {
                    None if n > 0 => Some(0),
                    Some(a) if usize::from(a) + 1 < n => Some(a + 1),
                    _ => None,
                };
                self.requery()
            }
            Command::CycleSort => {
                let list = self.list_mut();
                list.sort = list.sort.next();
                self.requery()
            }
            Command::ClearFilters => {
                let list = self.list_mut();
                list.kind = None;
                list.account = None;
                self.requery()
            }
            Command::FocusNext | Command::FocusPrev if !self.editing() => Outcome::FocusSessions,
            Command::Open => self.open(world),
            _ => Outcome::Ignored,
        }
    }

    /// Enter: the entry under the cursor opens (the search box lets go of the keyboard).
    fn open(&mut self, world: &mut World) -> Outcome {
        let Some(entry) = self.current() else {
            world.say(
                "no entry selected: the list is empty; clear the search with Esc",
                true,
            );
            return Outcome::Done;
        };
        self.list_mut().editing = false;
        Outcome::OpenEntry(entry)
    }

    /// Moves the cursor `delta` rows in the list drawn in `area`.
    pub fn step(&mut self, delta: isize, area: Rect) {
        let list = self.list_mut();
        list.selected = clamp_add(list.selected, delta, list.hits.len());
        self.keep_visible(area);
    }

    /// A click at row `y` of the list drawn in `area`: selects the row, or opens it when it
    /// is already selected.
    pub fn click(&mut self, x: u16, y: u16, world: &mut World, area: Rect) -> Outcome {
        let rows = rows_area(area);
        if x < rows.x || x >= rows.right() || y < rows.y || y >= rows.bottom() {
            return Outcome::Done;
        }
        let list = self.list_mut();
        let i = list.offset + usize::from(y - rows.y);
        if i >= list.hits.len() {
            return Outcome::Done;
        }
        if list.selected == i {
            return self.open(world);
        }
        list.selected = i;
        Outcome::Done
    }

    /// Keeps every list's cursor inside the window of the list drawn in `area`.
    pub fn keep_visible(&mut self, area: Rect) {
        let rows = usize::from(rows_area(area).height);
        for list in &mut self.lists {
            list.keep_visible(rows);
        }
    }

    /// Takes the search worker's results: only the newest generation's reach the screen.
    fn results(&mut self, r: &Response, area: Rect) {
        let Some(list) = self.lists.get_mut(r.list) else {
            return;
        };
        // INVARIANT: only the newest generation's results reach the screen.
        if r.generation != list.generation {
            return;
        }
        list.hits = Arc::clone(&r.hits);
        list.hits_for = r.query.clone();
        list.selected = list.selected.min(list.hits.len().saturating_sub(1));
        self.keep_visible(area);
    }

    /// Edits the query in the search box; a changed query is searched for.
    fn edit(&mut self, change: impl FnOnce(&mut String)) -> Outcome {
        let before = self.list().query.clone();
        change(&mut self.list_mut().query);
        if self.list().query == before {
            Outcome::Done
        } else {
            self.requery()
        }
    }

    /// Starts a search for the current list's query, with a new generation.
    fn requery(&mut self) -> Outcome {
        let list_no = self.tab.index();
        let list = self.list_mut();
        list.generation += 1;
        list.selected = 0;
        list.offset = 0;
        Outcome::Effects(vec![Effect::Search(Request {
            list: list_no,
            generation: list.generation,
            query: list.query(),
        })])
    }

    /// Asks every list's query again, over indexes that changed (the cursor kept inside
    /// each collection).
    pub fn requery_all(&mut self, world: &World) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (i, list) in self.lists.iter_mut().enumerate() {
            list.generation += 1;
            let Some(len) = world.indexes.get(i).map(|x| x.len()) else {
                continue;
            };
            list.selected = list.selected.min(len.saturating_sub(1));
            fx.push(Effect::Search(Request {
                list: i,
                generation: list.generation,
                query: list.query(),
            }));
        }
        fx
    }
}

/// The ARN of entry `i` of `tab`'s collection.
#[must_use]
pub fn arn(world: &World, tab: Tab, i: usize) -> Option<String> {
    let inv = &world.inventory;
    match tab {
        Tab::Roles => inv.roles.get(i).map(|r| r.arn.clone()),
        Tab::Users => inv.users.get(i).map(|u| u.arn.clone()),
        Tab::Groups => inv.groups.get(i).map(|g| g.arn.clone()),
        Tab::Providers => inv.identity_providers.get(i).map(|p| p.arn.clone()),
    }
}

/// The lists' keys.
#[must_use]
pub fn keys() -> Vec<Binding> {
    let mut t = vec![
        b(
            vec![c('/')],
            "/",
            "search (fuzzy; name, path, ARN, account, tags, kinds)",
            true,
            Command::StartSearch,
        ),
        b(
            vec![k(KeyCode::Enter), c('l'), k(KeyCode::Right)],
            "Enter",
            "open",
            true,
            Command::Open,
        ),
        b(
            vec![c('a')],
            "a",
            "simulate an assume-role",
            true,
            Command::Simulate,
        ),
        reach_key("what can this user or role reach? (tree)"),
        path_key("paths from this user or role to a role you pick"),
        external_key(),
    ];
    t.extend(whatif_keys(true));
    t.extend([
        b(
            vec![c('f')],
            "f",
            "filter by kind",
            true,
            Command::CycleKind,
        ),
        b(
            vec![c('A')],
            "A",
            "filter by account",
            true,
            Command::CycleAccount,
        ),
        b(
            vec![c('s')],
            "s",
            "sort: name, account, last used",
            true,
            Command::CycleSort,
        ),
        b(
            vec![c('F')],
            "F",
            "clear filters",
            false,
            Command::ClearFilters,
        ),
        b(vec![c('1')], "1", "roles", false, Command::SelectTab(0)),
        b(vec![c('2')], "2", "users", false, Command::SelectTab(1)),
        b(vec![c('3')], "3", "groups", false, Command::SelectTab(2)),
        b(
            vec![c('4')],
            "4",
            "identity providers",
            false,
            Command::SelectTab(3),
        ),
        b(
            vec![k(KeyCode::Tab)],
            "Tab",
            "to the Sessions panel",
            true,
            Command::FocusNext,
        ),
        b(
            vec![c('y')],
            "y",
            "copy the ARN (OSC 52)",
            false,
            Command::YankArn,
        ),
        b(
            vec![k(KeyCode::Esc)],
            "Esc",
            "clear the search",
            false,
            Command::Back,
        ),
    ]);
    t.extend(movement());
    t.extend(clock());
    t.extend(common_tail());
    t
}

/// The search box's keys (other characters are typed into it).
#[must_use]
pub fn search_keys() -> Vec<Binding> {
    vec![
        b(
            vec![k(KeyCode::Enter)],
            "Enter",
            "keep the query, back to the list",
            true,
            Command::AcceptSearch,
        ),
        b(
            vec![k(KeyCode::Esc)],
            "Esc",
            "clear the query",
            true,
            Command::CancelSearch,
        ),
        b(vec![k(KeyCode::Down)], "↓", "down", true, Command::Down),
        b(vec![k(KeyCode::Up)], "↑", "up", true, Command::Up),
    ]
    .into_iter()
    .chain(text_keys("clear the query"))
    .collect()
}
