"""What the stand-ins consult at each clock read: the switch, the chosen signing times, and
what time a read gets here (:mod:`.reading`). Imports the clock, nothing above it."""
