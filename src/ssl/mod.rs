//! Python's `ssl` module.
