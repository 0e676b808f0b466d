pub mod org;
