//! omflow-transport
