"""Database helpers shared by the apps: bulk writes for the pipeline stages."""
