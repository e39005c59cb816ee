//! FK Organisation read side.
