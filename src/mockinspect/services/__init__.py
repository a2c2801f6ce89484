"""Use cases the window, the command line and the tests call: typed, synchronous, no Qt."""
