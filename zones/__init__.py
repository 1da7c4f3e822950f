"""The territory: homogeneous zones, their municipalities, and who speaks for each zone."""
