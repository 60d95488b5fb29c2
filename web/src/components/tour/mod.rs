//! The guided tour: chapters of narration keyed to engine events (see [`chapter`]).

pub(crate) mod chapter;
#[cfg(test)]
mod tests;
