pub mod org;
pub mod screens;
