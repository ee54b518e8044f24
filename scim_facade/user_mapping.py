"""Users on the wire ⇄ ``MemberProfile``. A "document" is the canonical SCIM dict of the attributes the
IdP owns (core at the top, the enterprise extension under its URN); PATCH operates on documents."""

from __future__ import annotations

from typing import Any

from app.groups.models import Group
from app.members.models import Member
from app.members.profile import ContactValue, MemberProfile
from scim_facade.errors import invalid_value
from scim_facade.schemas import ENTERPRISE, USER, USER_ATTRS, find

Doc = dict[str, Any]

# (wire name, profile field) of plain string attributes.
CORE_STRINGS = (
    ("externalId", "external_id"),
    ("displayName", "display_name"),
    ("nickName", "nick_name"),
    ("profileUrl", "profile_url"),
    ("title", "title"),
    ("userType", "user_type"),
    ("preferredLanguage", "preferred_language"),
    ("locale", "locale"),
    ("timezone", "timezone"),
)
NAME_PARTS = (
    ("formatted", "formatted_name"),
    ("familyName", "family_name"),
    ("givenName", "given_name"),
    ("middleName", "middle_name"),
    ("honorificPrefix", "honorific_prefix"),
    ("honorificSuffix", "honorific_suffix"),
)
ENTERPRISE_STRINGS = (
    ("employeeNumber", "employee_number"),
    ("costCenter", "cost_center"),
    ("organization", "organization"),
    ("division", "division"),
    ("department", "department"),
)
READ_ONLY = {"id", "meta", "groups", "schemas"}
# Profile field → SCIM attribute, so that the provisioning log speaks the IdP admin's language.
WIRE_NAMES: dict[str, str] = {
    "user_name": "userName",
    "phone_numbers": "phoneNumbers",
    "manager_value": "manager.value",
    "manager_display_name": "manager.displayName",
    **{attr: wire for wire, attr in CORE_STRINGS + ENTERPRISE_STRINGS},
    **{attr: f"name.{wire}" for wire, attr in NAME_PARTS},
}


# -- profile ⇄ document -------------------------------------------------------------------------------


def profile_to_doc(profile: MemberProfile) -> Doc:
    """The document of a profile (what PATCH starts from)."""
    doc: Doc = {"userName": profile.user_name, "active": profile.active}
    for wire, attr in CORE_STRINGS:
        doc[wire] = getattr(profile, attr)
    name = {wire: getattr(profile, attr) for wire, attr in NAME_PARTS}
    doc["name"] = _compact(name)
    doc["emails"] = [_contact_out(c) for c in profile.emails]
    doc["phoneNumbers"] = [_contact_out(c) for c in profile.phone_numbers]
    ext = {wire: getattr(profile, attr) for wire, attr in ENTERPRISE_STRINGS}
    manager = _compact({"value": profile.manager_value, "displayName": profile.manager_display_name})
    ext["manager"] = manager or None
    doc[ENTERPRISE] = _compact(ext)
    return _compact(doc)


def doc_to_profile(doc: Doc) -> MemberProfile:
    """A profile from a document, checking every type; absent attributes become unassigned."""
    values: dict[str, Any] = {"user_name": _string(doc.get("userName"), "userName") or ""}
    for wire, attr in CORE_STRINGS:
        values[attr] = _string(doc.get(wire), wire)
    name = _complex(doc.get("name"), "name")
    for wire, attr in NAME_PARTS:
        values[attr] = _string(name.get(wire), f"name.{wire}")
    ext = _complex(doc.get(ENTERPRISE), ENTERPRISE)
    for wire, attr in ENTERPRISE_STRINGS:
        values[attr] = _string(ext.get(wire), wire)
    manager = _complex(ext.get("manager"), "manager")
    values["manager_value"] = _string(manager.get("value"), "manager.value")
    values["manager_display_name"] = _string(manager.get("displayName"), "manager.displayName")
    active = doc.get("active", True)
    if active is None:
        active = True
    if not isinstance(active, bool):
        raise invalid_value(f"active must be a boolean (true or false), not {active!r}")
    values["active"] = active
    values["emails"] = _contacts(doc.get("emails"), "emails")
    values["phone_numbers"] = _contacts(doc.get("phoneNumbers"), "phoneNumbers")
    return MemberProfile(**values)


def body_to_doc(body: Doc, ignored: list[dict[str, str]]) -> Doc:
    """The document of a POST/PUT body (already normalised): read-only attributes are ignored (RFC 7644
    §3.5.1), unsupported ones are ignored and reported, the password is never kept."""
    doc: Doc = {}
    for key, value in body.items():
        if key == ENTERPRISE:
            doc[key] = value
        elif key in READ_ONLY:
            continue
        elif key == "password":
            ignored.append({"attribute": "password", "reason": "passwords are never stored"})
        elif find(USER_ATTRS, key) is not None or key == "externalId":
            doc[key] = value
        else:
            ignored.append({"attribute": key, "reason": "not supported by Roster"})
    return doc


# -- member → wire ------------------------------------------------------------------------------------


def member_to_scim(member: Member, groups: list[Group] | None, base_url: str) -> Doc:
    """The full SCIM User of a member; ``groups=None`` leaves the groups attribute out."""
    doc = profile_to_doc(MemberProfile.from_member(member))
    doc.pop("timezone", None)
    out: Doc = {"schemas": [USER], "id": str(member.id)}
    if ENTERPRISE in doc:
        out["schemas"].append(ENTERPRISE)
        manager = doc[ENTERPRISE].get("manager")
        if manager and manager.get("value"):
            manager["$ref"] = f"{base_url}/Users/{manager['value']}"
    out.update(doc)
    if member.timezone:
        out["timezone"] = member.timezone  # the effective one, whoever chose it
    out["active"] = member.active
    if groups is not None:
        out["groups"] = [
            {
                "value": str(g.id),
                "display": g.display_name,
                "$ref": f"{base_url}/Groups/{g.id}",
                "type": "direct",
            }
            for g in groups
        ]
    out["meta"] = {
        "resourceType": "User",
        "created": _iso(member.created_at),
        "lastModified": _iso(member.updated_at),
        "location": f"{base_url}/Users/{member.id}",
        "version": f'W/"{member.version}"',
    }
    return out


def _iso(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")


# -- type checks --------------------------------------------------------------------------------------


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != [] and v != {}}


def _contact_out(c: ContactValue) -> dict[str, Any]:
    return _compact({"value": c.value, "type": c.type, "primary": c.primary, "display": c.display})


def _string(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise invalid_value(f"{field} must be a string, not {type(value).__name__} {value!r}"[:300])


def _complex(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_value(f"{field} must be a JSON object")
    return value


def _contacts(value: Any, field: str) -> tuple[ContactValue, ...]:
    if value is None:
        return ()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise invalid_value(f"{field} must be an array of objects")
    result = []
    for item in value:
        if not isinstance(item, dict):
            raise invalid_value(f"each of {field} must be an object with a value")
        primary = item.get("primary", False)
        if primary is None:
            primary = False
        if not isinstance(primary, bool):
            raise invalid_value(f"{field}.primary must be a boolean, not {primary!r}")
        entry_value = _string(item.get("value"), f"{field}.value")
        if not entry_value:
            raise invalid_value(f"each of {field} needs a value")
        result.append(
            ContactValue(
                value=entry_value,
                type=_string(item.get("type"), f"{field}.type"),
                primary=primary,
                display=_string(item.get("display"), f"{field}.display"),
            )
        )
    return tuple(result)
