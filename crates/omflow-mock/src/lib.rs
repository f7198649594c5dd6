//! omflow-mock
