"""HTTP routes, one module per area; sync/server/app.py includes them."""
