//! Python's `socket` module.
