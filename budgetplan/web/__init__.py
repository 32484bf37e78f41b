"""Entry points: the views and their URLs, the admin, and the management commands."""
