"""Roster: a workspace service whose member list an identity provider can drive over SCIM 2.0."""
