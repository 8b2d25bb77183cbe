"""``make bench``: what real-time signing costs, one module per measurement (:mod:`.bench`)."""
