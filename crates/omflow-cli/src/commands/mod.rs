//! One module per command.

pub(crate) mod approve;
pub(crate) mod desk;
pub(crate) mod files;
pub(crate) mod garoon;
pub(crate) mod garoon_handle;
pub(crate) mod missions;
pub(crate) mod push;
pub(crate) mod seed;
pub(crate) mod tickets;
