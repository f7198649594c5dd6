//! omflow-client
