"""Background work for the window: Qt threads around pure functions, results by signal."""
