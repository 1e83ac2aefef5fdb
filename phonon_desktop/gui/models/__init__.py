"""Qt item models: thin adapters over the sheet and the campaign plan."""
