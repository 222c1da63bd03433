"""Analysis layer: deficits, peers, levers, scenarios, goals."""
