"""Imports every table so that `Base.metadata` is complete (migrations, create_all)."""

from app.auth.models import ApiKey, BrowserSession, LoginLink
from app.groups.models import Group, GroupMembership
from app.members.models import Member, MemberEmail, MemberPhone
from app.orm import Base
from app.provisioning.models import ProvisioningEvent
from app.scim_settings.models import ScimToken
from app.workspaces.models import Workspace

__all__ = [
    "ApiKey",
    "Base",
    "BrowserSession",
    "Group",
    "GroupMembership",
    "LoginLink",
    "Member",
    "MemberEmail",
    "MemberPhone",
    "ProvisioningEvent",
    "ScimToken",
    "Workspace",
]
