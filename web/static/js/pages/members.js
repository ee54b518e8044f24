// Members: search, filters, cursor pages, and the admin actions allowed on members the IdP does not manage.
import { announce, badge, confirmDialog, field, h, loading, nextId, replace, setFieldError } from "../dom.js";
import { ERROR_FIELDS, describe, gql, mutate } from "../gql.js";
import { MANAGED_REASON, ROLE_LABELS, TZ_SOURCE_LABELS, managedBadge, memberName, pager, srOnly, statusBadge, cell, emailText } from "../ui.js";

const PAGE_SIZE = 25;

export const MEMBER_FIELDS = `id userName displayName email role status timezone timezoneSource scimManaged
  groups { id displayName }`;

const MEMBERS = `query Members($first: Int, $after: String, $search: String, $status: [MemberStatus!], $groupId: ID) {
  members(first: $first, after: $after, search: $search, status: $status, groupId: $groupId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ${MEMBER_FIELDS} }
  }
}`;

const GROUP_OPTIONS = `query GroupOptions { groups(first: 200) { nodes { id displayName } } }`;

const INVITE = `mutation Invite($email: String!, $displayName: String, $role: Role) {
  inviteMember(email: $email, displayName: $displayName, role: $role) { ${ERROR_FIELDS} ... on Member { ${MEMBER_FIELDS} } }
}`;
const CHANGE_ROLE = `mutation ChangeRole($memberId: ID!, $role: Role!) {
  changeMemberRole(memberId: $memberId, role: $role) { ${ERROR_FIELDS} ... on Member { ${MEMBER_FIELDS} } }
}`;
const SET_ACTIVE = `mutation SetActive($memberId: ID!, $active: Boolean!) {
  setMemberActive(memberId: $memberId, active: $active) { ${ERROR_FIELDS} ... on Member { ${MEMBER_FIELDS} } }
}`;

const STATUS_FILTERS = {
  "": { label: "All", value: null },
  active: { label: "Active", value: ["ACTIVE"] },
  deactivated: { label: "Deactivated", value: ["INACTIVE"] },
  removed: { label: "Removed by the identity provider", value: ["REMOVED"] },
};

function roleOptions(viewerRole, current) {
  const roles = viewerRole === "OWNER" ? ["OWNER", "ADMIN", "MEMBER"] : ["ADMIN", "MEMBER"];
  return roles.map((role) => h("option", { value: role, selected: role === current }, ROLE_LABELS[role]));
}

function groupList(groups) {
  if (!groups.length) return h("span", { class: "muted" }, "—");
  const shown = groups.slice(0, 3);
  const links = shown.map((g, i) => [i ? ", " : "", h("a", { href: `/groups/${encodeURIComponent(g.id)}` }, g.displayName)]);
  return h("span", null, links, groups.length > 3 ? ` and ${groups.length - 3} more` : "");
}

/** Render the members page. */
export async function render(root, ctx) {
  const isAdmin = ["OWNER", "ADMIN"].includes(ctx.viewer.role);
  const state = {
    search: ctx.query.get("q") || "",
    status: STATUS_FILTERS[ctx.query.get("status") || ""] ? ctx.query.get("status") || "" : "",
    group: ctx.query.get("group") || "",
  };

  const searchInput = h("input", { type: "search", name: "q", value: state.search, autocomplete: "off", maxlength: 255 });
  const statusSelect = h(
    "select",
    { name: "status" },
    Object.entries(STATUS_FILTERS).map(([key, f]) => h("option", { value: key, selected: key === state.status }, f.label)),
  );
  const groupSelect = h("select", { name: "group" }, h("option", { value: "" }, "Any group"));
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter members" },
    field("Search by name or e-mail", searchInput),
    field("Status", statusSelect),
    field("Group", groupSelect),
    h("div", { class: "field actions-field" }, h("button", { type: "submit", class: "button" }, "Search")),
  );

  const results = h("div", { class: "results" });
  const listError = h("div", { class: "list-error" });
  const list = pager({
    label: "Member list",
    pageSize: PAGE_SIZE,
    fetchPage: async (after) => {
      replace(listError);
      results.setAttribute("aria-busy", "true");
      if (!results.querySelector("table")) replace(results, loading("members"));
      try {
        const data = await gql(MEMBERS, {
          first: PAGE_SIZE,
          after,
          search: state.search || null,
          status: STATUS_FILTERS[state.status].value,
          groupId: state.group || null,
        });
        return data.members;
      } finally {
        results.removeAttribute("aria-busy");
      }
    },
    show: (connection) => {
      drawTable(connection.nodes);
      const n = connection.totalCount;
      announce(typeof n === "number" ? `${n.toLocaleString()} member${n === 1 ? "" : "s"} found` : "Members loaded");
    },
    onError: (error) => {
      replace(results);
      ctx.handle(error, listError);
    },
  });

  function drawTable(members) {
    if (!members.length) {
      replace(results, h("p", { class: "empty" }, state.search || state.group || state.status ? "No member matches these filters." : "No members yet."));
      return;
    }
    const head = ["Name", "E-mail", "Role", "Status", "Groups", "Timezone"];
    if (isAdmin) head.push("Actions");
    const table = h(
      "table",
      { class: "data responsive members" },
      h("caption", { class: "visually-hidden" }, "Members of the workspace"),
      h("thead", null, h("tr", null, head.map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", null, members.map((m) => memberRow(m))),
    );
    replace(results, h("div", { class: "table-wrap" }, table));
  }

  function memberRow(member) {
    const name = memberName(member);
    const row = h(
      "tr",
      { dataset: { memberId: member.id, userName: member.userName, status: member.status } },
      h(
        "th",
        { scope: "row", "data-label": "Name" },
        h("span", { class: "member-name" }, name),
        member.scimManaged ? [" ", managedBadge()] : null,
        member.id === ctx.viewer.member.id ? [" ", badge("You", "you")] : null,
      ),
      cell("E-mail", null, emailText(member.email || member.userName)),
      cell("Role", null, ROLE_LABELS[member.role] || member.role),
      cell("Status", null, statusBadge(member.status)),
      cell("Groups", null, groupList(member.groups || [])),
      cell("Timezone", null,
        member.timezone || h("span", { class: "muted" }, "—"),
        member.timezone ? h("span", { class: "sub" }, TZ_SOURCE_LABELS[member.timezoneSource] || "") : null,
      ),
      isAdmin ? cell("Actions", { class: "row-actions" }, actions(member, name)) : null,
    );
    return row;
  }

  function actions(member, name) {
    if (member.scimManaged) {
      return h("p", { class: "unavailable", title: "Change this member's role and status in your identity provider" }, MANAGED_REASON);
    }
    if (member.status === "REMOVED") return h("span", { class: "muted" }, "Removed");
    const errorSlot = h("div", { class: "row-error" });
    const parts = [];
    if (member.role === "OWNER" && ctx.viewer.role !== "OWNER") {
      parts.push(h("p", { class: "unavailable" }, "Only owners can change an owner's role."));
    } else {
      const select = h("select", { id: nextId("role") }, roleOptions(ctx.viewer.role, member.role));
      const apply = h("button", { type: "submit", class: "button secondary small" }, "Change role");
      const form = h(
        "form",
        { class: "inline-form", "aria-label": `Role of ${name}` },
        h("label", { for: select.id, class: "visually-hidden" }, `Role for ${name}`),
        select,
        apply,
      );
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (select.value === member.role) {
          replace(errorSlot, h("p", { class: "error", role: "alert" }, `${name} already has the ${ROLE_LABELS[member.role]} role.`));
          return;
        }
        await run(apply, errorSlot, CHANGE_ROLE, { memberId: member.id, role: select.value }, "changeMemberRole", (m) => `${memberName(m)} is now ${ROLE_LABELS[m.role]}.`);
      });
      parts.push(form);
    }
    const active = member.status === "ACTIVE";
    const toggle = h("button", { type: "button", class: active ? "button danger-outline small" : "button secondary small" }, active ? "Deactivate" : "Reactivate", srOnly(` ${name}`));
    toggle.addEventListener("click", async () => {
      if (active) {
        const ok = await confirmDialog({
          title: `Deactivate ${name}?`,
          body: [`${name} is signed out at once and cannot sign in or use API keys until reactivated.`, "Their history stays, and you can reactivate them later."],
          confirmLabel: "Deactivate",
        });
        if (!ok) return toggle.focus();
      }
      await run(toggle, errorSlot, SET_ACTIVE, { memberId: member.id, active: !active }, "setMemberActive", (m) => `${memberName(m)} is ${m.status === "ACTIVE" ? "active again" : "deactivated"}.`);
    });
    parts.push(toggle, errorSlot);
    return h("div", { class: "action-stack" }, parts);
  }

  async function run(button, errorSlot, mutation, variables, key, message) {
    replace(errorSlot);
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const updated = await mutate(mutation, variables, key);
      const oldRow = results.querySelector(`tr[data-member-id="${CSS.escape(updated.id)}"]`);
      const newRow = memberRow(updated);
      if (oldRow) oldRow.replaceWith(newRow);
      announce(message(updated));
      const focusTarget = newRow.querySelector("button, select");
      if (focusTarget) focusTarget.focus();
    } catch (error) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      if (!ctx.handle(error)) replace(errorSlot, h("p", { class: "error", role: "alert" }, describe(error)));
    }
  }

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
  });
  statusSelect.addEventListener("change", applyFilters);
  groupSelect.addEventListener("change", applyFilters);
  let debounce;
  searchInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(applyFilters, 350);
  });

  function applyFilters() {
    clearTimeout(debounce);
    const next = { search: searchInput.value.trim(), status: statusSelect.value, group: groupSelect.value };
    if (next.search === state.search && next.status === state.status && next.group === state.group && results.querySelector("table, .empty")) return;
    Object.assign(state, next);
    ctx.setQuery({ q: state.search, status: state.status, group: state.group });
    list.reset();
  }

  replace(
    root,
    h("div", { class: "page-head" }, h("h1", null, "Members"), isAdmin ? inviteForm() : null),
    filters,
    listError,
    results,
    list.el,
  );

  gql(GROUP_OPTIONS)
    .then((data) => {
      for (const g of data.groups.nodes) groupSelect.append(h("option", { value: g.id, selected: g.id === state.group }, g.displayName));
    })
    .catch(() => {
      // The list still works without group names; the filter just offers "Any group".
    });
  await list.reset();
  return "Members";

  function inviteForm() {
    const email = h("input", { type: "email", required: true, autocomplete: "off", maxlength: 320 });
    const name = h("input", { type: "text", autocomplete: "off", maxlength: 255 });
    const role = h("select", null, roleOptions(ctx.viewer.role, "MEMBER"));
    const submit = h("button", { type: "submit", class: "button" }, "Invite");
    const status = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "stack-form", "aria-label": "Invite a member" },
      field("E-mail", email),
      field("Name (optional)", name),
      field("Role", role),
      h("div", { class: "form-actions" }, submit),
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      setFieldError(email, "");
      replace(status);
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        const member = await mutate(INVITE, { email: email.value.trim(), displayName: name.value.trim() || null, role: role.value }, "inviteMember");
        replace(status, h("p", { class: "success", role: "status" }, `${memberName(member)} was added.`));
        announce(`${memberName(member)} was added.`);
        form.reset();
        list.reset();
      } catch (error) {
        if (!ctx.handle(error)) {
          setFieldError(email, describe(error));
          email.focus();
        }
      } finally {
        submit.disabled = false;
        submit.removeAttribute("aria-busy");
      }
    });
    return h("details", { class: "panel invite" }, h("summary", null, "Invite a member"), form);
  }
}
