"""Outbound webhook subscriptions (events sent by Vigie); inbound hooks are `api.hooks`."""
