"""Evidence sources: the Hub, the local Hub cache, a local folder, the bundled snapshot."""
