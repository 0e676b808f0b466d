//! The interactive terminal face of rolescope.
//!
//! [`run`] takes over the terminal, shows the loaded roles and restores the terminal on
//! every exit path.

use std::sync::Arc;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use ratatui::widgets::{Block, List, ListItem, ListState};

use crate::engine::model::Inventory;

/// Opens the interactive explorer on `inventory` and returns when the user quits.
///
/// # Errors
/// When the terminal cannot be set up or read.
pub fn run(inventory: Arc<Inventory>) -> std::io::Result<()> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, &inventory);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    inventory: &Inventory,
) -> std::io::Result<()> {
    let mut state = ListState::default().with_selected(Some(0));
    loop {
        terminal.draw(|frame| {
            let items: Vec<ListItem> = inventory
                .roles
                .iter()
                .map(|r| ListItem::new(format!("{}  {}", r.account, r.name)))
                .collect();
            let title = format!(" rolescope — {} roles (q to quit) ", inventory.roles.len());
            let list = List::new(items)
                .block(Block::bordered().title(title))
                .highlight_symbol("> ");
            frame.render_stateful_widget(list, frame.area(), &mut state);
        })?;
        if let Event::Key(key) = event::read()? {
            if key.kind != KeyEventKind::Press {
                continue;
            }
            match key.code {
                KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                KeyCode::Down | KeyCode::Char('j') => state.select_next(),
                KeyCode::Up | KeyCode::Char('k') => state.select_previous(),
                _ => {}
            }
        }
    }
}
