//! Integration tests of the live mediation engine.
