//! omflow-cli
