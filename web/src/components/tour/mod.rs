//! The guided tour: chapters of narration keyed to engine events (see [`chapter`]).

pub(crate) mod chapter;
mod page;
#[cfg(test)]
mod tests;

pub(crate) use page::TourPage;
