//! The standalone fake OMFLOW server (skeleton).
fn main() {}
