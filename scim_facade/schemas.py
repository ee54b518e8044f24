"""What Roster supports of the SCIM schemas: one description used by /Schemas, the normaliser and the
PATCH engine (case-insensitive attribute lookup, mutability, types)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


@dataclass(frozen=True, slots=True)
class Attr:
    """One attribute of a schema (RFC 7643 §7)."""

    name: str
    type: str = "string"
    multi: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    required: bool = False
    case_exact: bool = False
    sub: tuple[Attr, ...] = ()
    canonical: tuple[str, ...] = ()
    ref_types: tuple[str, ...] = ()
    description: str = ""

    def child(self, name: str) -> Attr | None:
        return find(self.sub, name)

    @property
    def writable(self) -> bool:
        return self.mutability in ("readWrite", "writeOnly", "immutable")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi,
            "description": self.description or self.name,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        }
        if self.sub:
            out["subAttributes"] = [a.to_json() for a in self.sub]
        if self.canonical:
            out["canonicalValues"] = list(self.canonical)
        if self.ref_types:
            out["referenceTypes"] = list(self.ref_types)
        return out


def find(attrs: tuple[Attr, ...], name: str) -> Attr | None:
    """Attribute names are case-insensitive (RFC 7643 §2.1)."""
    lowered = name.lower()
    return next((a for a in attrs if a.name.lower() == lowered), None)


def _s(name: str, description: str = "", **kw: Any) -> Attr:
    return Attr(name, description=description, **kw)


def _contact(name: str, types: tuple[str, ...], description: str) -> Attr:
    return Attr(
        name,
        type="complex",
        multi=True,
        description=description,
        sub=(
            _s("value", f"The {description.lower()} value"),
            _s("display", "A human-readable name, primarily used for display purposes"),
            _s("type", "A label indicating the attribute's function", canonical=types),
            Attr("primary", type="boolean", description="Whether this is the primary value"),
        ),
    )


NAME_SUB = tuple(
    _s(n, d)
    for n, d in (
        ("formatted", "The full name"),
        ("familyName", "The family name"),
        ("givenName", "The given name"),
        ("middleName", "The middle name"),
        ("honorificPrefix", "The honorific prefix"),
        ("honorificSuffix", "The honorific suffix"),
    )
)

USER_ATTRS: tuple[Attr, ...] = (
    _s(
        "userName", "Unique identifier for the user, unique per workspace", required=True, uniqueness="server"
    ),
    Attr("name", type="complex", sub=NAME_SUB, description="The components of the user's name"),
    _s("displayName", "The name of the user, suitable for display"),
    _s("nickName", "The casual way to address the user"),
    Attr("profileUrl", type="reference", ref_types=("external",), description="URL of the user's profile"),
    _s("title", "The user's title"),
    _s("userType", "The relationship between the organization and the user"),
    _s("preferredLanguage", "The user's preferred written or spoken language"),
    _s("locale", "The user's default location for localisation"),
    _s("timezone", "The user's time zone (IANA name); the member's own choice in the app wins"),
    Attr("active", type="boolean", description="Whether the member may use the workspace"),
    Attr(
        "password",
        mutability="writeOnly",
        returned="never",
        description="Accepted for compatibility; never stored nor returned",
    ),
    _contact("emails", ("work", "home", "other"), "E-mail addresses"),
    _contact("phoneNumbers", ("work", "home", "mobile", "fax", "pager", "other"), "Phone numbers"),
    Attr(
        "groups",
        type="complex",
        multi=True,
        mutability="readOnly",
        description="The groups the user belongs to",
        sub=(
            _s("value", "The group's id", mutability="readOnly"),
            Attr("$ref", type="reference", ref_types=("Group",), mutability="readOnly"),
            _s("display", "The group's display name", mutability="readOnly"),
            _s("type", "direct", mutability="readOnly", canonical=("direct",)),
        ),
    ),
)

ENTERPRISE_ATTRS: tuple[Attr, ...] = (
    _s("employeeNumber", "Numeric or alphanumeric identifier assigned to a person"),
    _s("costCenter", "Name of a cost center"),
    _s("organization", "Name of an organization"),
    _s("division", "Name of a division"),
    _s("department", "Name of a department"),
    Attr(
        "manager",
        type="complex",
        description="The user's manager",
        sub=(
            _s("value", "The id of the manager"),
            Attr("$ref", type="reference", ref_types=("User",), description="The URI of the manager"),
            _s("displayName", "The display name of the manager"),
        ),
    ),
)

GROUP_ATTRS: tuple[Attr, ...] = (
    _s("displayName", "The group's name, unique per workspace", required=True, uniqueness="server"),
    Attr(
        "members",
        type="complex",
        multi=True,
        description="The members of the group",
        sub=(
            _s("value", "The id of a member", mutability="immutable"),
            Attr("$ref", type="reference", ref_types=("User",), mutability="immutable"),
            _s("display", "The member's display name", mutability="readOnly"),
            _s("type", "User", mutability="immutable", canonical=("User",)),
        ),
    ),
)

COMMON_ATTRS: tuple[Attr, ...] = (
    _s("id", mutability="readOnly", returned="always", uniqueness="server", case_exact=True),
    _s("externalId", "An identifier defined by the provisioning client", case_exact=True),
    Attr("meta", type="complex", mutability="readOnly"),
    Attr("schemas", multi=True, mutability="readOnly", type="reference"),
)

SCHEMAS: dict[str, tuple[str, str, tuple[Attr, ...]]] = {
    USER: ("User", "User Account", USER_ATTRS),
    ENTERPRISE: ("EnterpriseUser", "Enterprise User", ENTERPRISE_ATTRS),
    GROUP: ("Group", "Group", GROUP_ATTRS),
}


def schema_json(urn: str, base_url: str) -> dict[str, Any]:
    name, description, attrs = SCHEMAS[urn]
    return {
        "schemas": [SCHEMA],
        "id": urn,
        "name": name,
        "description": description,
        "attributes": [a.to_json() for a in attrs],
        "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{urn}"},
    }
