"""What several test modules share (helpers, fixtures, test data): test modules import from here,
never from each other."""
