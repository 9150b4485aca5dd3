"""Sync between terminals and the central server (wire protocol, client, server)."""
