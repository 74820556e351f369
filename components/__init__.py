"""Pure component factories: plain data in, Dash components out. No database access here."""
