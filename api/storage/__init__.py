"""DynamoDB plumbing shared by the repositories: client, attribute codec, keys, table bootstrap."""
