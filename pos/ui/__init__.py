"""The cashier's Qt app: thin widgets over the terminal's services (pos.terminal)."""
