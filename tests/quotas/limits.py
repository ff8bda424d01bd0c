"""The daily mention quota of the quota tests' app (the session app's is 100 000)."""

QUOTA = 5
