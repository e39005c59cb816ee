//! Integration tests of sorkomp-sor: one test binary, one module per concern.

mod bad_input;
mod common;
mod download;
mod fuzz;
mod samples;
