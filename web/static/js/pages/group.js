// One group: its members (paginated) and, for groups the IdP does not manage, rename/delete/membership.
import { announce, confirmDialog, field, h, loading, replace, setFieldError, timeEl } from "../dom.js";
import { ERROR_FIELDS, describe, gql, mutate } from "../gql.js";
import { MANAGED_REASON, managedBadge, memberName, pager, srOnly, statusBadge, cell, emailText } from "../ui.js";

const PAGE_SIZE = 25;

const GROUP = `query Group($id: ID!, $first: Int, $after: String) {
  group(id: $id) {
    id displayName externalId scimManaged memberCount createdAt updatedAt
    members(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id userName displayName email status scimManaged }
    }
  }
}`;

const CANDIDATES = `query Candidates($search: String) {
  members(first: 8, search: $search, status: [ACTIVE, INACTIVE]) { nodes { id userName displayName email groups { id } } }
}`;

const GROUP_RESULT = `${ERROR_FIELDS} ... on Group { id displayName memberCount }`;
const RENAME = `mutation Rename($id: ID!, $name: String!) { renameGroup(id: $id, name: $name) { ${GROUP_RESULT} } }`;
const ADD = `mutation Add($groupId: ID!, $memberIds: [ID!]!) { addGroupMembers(groupId: $groupId, memberIds: $memberIds) { ${GROUP_RESULT} } }`;
const REMOVE = `mutation Remove($groupId: ID!, $memberIds: [ID!]!) { removeGroupMembers(groupId: $groupId, memberIds: $memberIds) { ${GROUP_RESULT} } }`;
const DELETE = `mutation Delete($id: ID!) { deleteGroup(id: $id) { ${ERROR_FIELDS} ... on DeletedGroup { id } } }`;

/** Render a group's page. */
export async function render(root, ctx) {
  const id = ctx.params.id;
  replace(root, h("p", null, h("a", { href: "/groups", class: "back" }, "← All groups")), loading("group"));
  const first = await gql(GROUP, { id, first: PAGE_SIZE, after: null });
  const group = first.group;
  if (!group) {
    replace(
      root,
      h("p", null, h("a", { href: "/groups", class: "back" }, "← All groups")),
      h("h1", null, "Group not found"),
      h("p", null, "This group does not exist or was deleted."),
    );
    return "Group not found";
  }
  const canEdit = ["OWNER", "ADMIN"].includes(ctx.viewer.role) && !group.scimManaged;
  const heading = h("h1", null, group.displayName);
  const countEl = h("span", null, `${group.memberCount.toLocaleString()} member${group.memberCount === 1 ? "" : "s"}`);
  const results = h("div", { class: "results" });
  const listError = h("div");
  let pending = first.group.members;

  const list = pager({
    label: "Group members",
    pageSize: PAGE_SIZE,
    fetchPage: async (after) => {
      if (pending) {
        const connection = pending;
        pending = null;
        return connection;
      }
      replace(listError);
      results.setAttribute("aria-busy", "true");
      try {
        const data = await gql(GROUP, { id, first: PAGE_SIZE, after });
        if (!data.group) throw new Error("gone");
        return data.group.members;
      } finally {
        results.removeAttribute("aria-busy");
      }
    },
    show: (connection) => draw(connection.nodes),
    onError: (error) => ctx.handle(error, listError),
  });

  function draw(members) {
    if (!members.length) {
      replace(results, h("p", { class: "empty" }, "This group has no members."));
      return;
    }
    const head = ["Name", "E-mail", "Status"];
    if (canEdit) head.push("Actions");
    replace(
      results,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data responsive" },
          h("caption", { class: "visually-hidden" }, `Members of ${group.displayName}`),
          h("thead", null, h("tr", null, head.map((label) => h("th", { scope: "col" }, label)))),
          h("tbody", null, members.map((m) => row(m))),
        ),
      ),
    );
  }

  function row(member) {
    const name = memberName(member);
    const errorSlot = h("div", { class: "row-error" });
    let actionCell = null;
    if (canEdit) {
      const remove = h("button", { type: "button", class: "button danger-outline small" }, "Remove", srOnly(` ${name} from ${group.displayName}`));
      remove.addEventListener("click", async () => {
        remove.disabled = true;
        try {
          const updated = await mutate(REMOVE, { groupId: id, memberIds: [member.id] }, "removeGroupMembers");
          updateCount(updated.memberCount);
          announce(`${name} removed from ${group.displayName}.`);
          await list.reload();
          heading.focus();
        } catch (error) {
          remove.disabled = false;
          if (!ctx.handle(error)) replace(errorSlot, h("p", { class: "error", role: "alert" }, describe(error)));
        }
      });
      actionCell = cell("Actions", null, remove, errorSlot);
    }
    return h(
      "tr",
      { dataset: { memberId: member.id, userName: member.userName } },
      h("th", { scope: "row", "data-label": "Name" }, name, member.scimManaged ? [" ", managedBadge()] : null),
      cell("E-mail", null, emailText(member.email || member.userName)),
      cell("Status", null, statusBadge(member.status)),
      actionCell,
    );
  }

  function updateCount(n) {
    group.memberCount = n;
    countEl.textContent = `${n.toLocaleString()} member${n === 1 ? "" : "s"}`;
  }

  heading.setAttribute("tabindex", "-1");
  replace(
    root,
    h("p", null, h("a", { href: "/groups", class: "back" }, "← All groups")),
    h("div", { class: "page-head" }, h("div", null, heading, h("p", { class: "meta" }, countEl, group.scimManaged ? [" · ", managedBadge()] : null, " · Created ", timeEl(group.createdAt)))),
    group.scimManaged
      ? h("div", { class: "notice", role: "note" }, h("strong", null, MANAGED_REASON), h("p", null, "Its name and members follow your identity provider, so they cannot be changed here. Change them in the identity provider; it pushes the change to Roster."))
      : null,
    canEdit ? editPanel() : null,
    h("h2", null, "Members"),
    listError,
    results,
    list.el,
  );
  await list.reset();
  return group.displayName;

  function editPanel() {
    // Rename
    const nameInput = h("input", { type: "text", value: group.displayName, required: true, maxlength: 255 });
    const renameButton = h("button", { type: "submit", class: "button" }, "Rename");
    const renameForm = h("form", { class: "stack-form", "aria-labelledby": "rename-h" }, field("Group name", nameInput), h("div", { class: "form-actions" }, renameButton));
    renameForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      setFieldError(nameInput, "");
      renameButton.disabled = true;
      try {
        const updated = await mutate(RENAME, { id, name: nameInput.value.trim() }, "renameGroup");
        group.displayName = updated.displayName;
        heading.textContent = updated.displayName;
        document.title = `${updated.displayName} · Roster`;
        announce(`Group renamed to ${updated.displayName}.`);
      } catch (error) {
        if (!ctx.handle(error)) setFieldError(nameInput, describe(error));
      } finally {
        renameButton.disabled = false;
      }
    });

    // Add members: search, then pick from the matches.
    const findInput = h("input", { type: "search", autocomplete: "off", maxlength: 255 });
    const findButton = h("button", { type: "submit", class: "button secondary" }, "Find");
    const matches = h("div", { class: "matches", "aria-live": "polite" });
    const addForm = h("form", { class: "inline-search", role: "search", "aria-labelledby": "add-h" }, field("Find members to add", findInput, { hint: "Search by name or e-mail." }), h("div", { class: "field actions-field" }, findButton));
    addForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const term = findInput.value.trim();
      setFieldError(findInput, "");
      replace(matches, loading("matching members"));
      try {
        const data = await gql(CANDIDATES, { search: term || null });
        const nodes = data.members.nodes;
        if (!nodes.length) {
          replace(matches, h("p", { class: "empty" }, "No member matches."));
          return;
        }
        replace(
          matches,
          h(
            "ul",
            { class: "match-list" },
            nodes.map((m) => {
              const name = memberName(m);
              const inGroup = (m.groups || []).some((g) => g.id === id);
              const add = h("button", { type: "button", class: "button secondary small", disabled: inGroup }, inGroup ? "Already a member" : "Add", srOnly(` ${name}`));
              add.addEventListener("click", async () => {
                add.disabled = true;
                try {
                  const updated = await mutate(ADD, { groupId: id, memberIds: [m.id] }, "addGroupMembers");
                  updateCount(updated.memberCount);
                  replace(add, "Added");
                  announce(`${name} added to ${group.displayName}.`);
                  await list.reload();
                } catch (error) {
                  add.disabled = false;
                  if (!ctx.handle(error)) setFieldError(findInput, describe(error));
                }
              });
              return h("li", null, h("span", null, name, h("span", { class: "sub" }, m.email || m.userName)), add);
            }),
          ),
        );
      } catch (error) {
        replace(matches);
        if (!ctx.handle(error)) setFieldError(findInput, describe(error));
      }
    });

    // Delete
    const deleteError = h("div");
    const deleteButton = h("button", { type: "button", class: "button danger" }, "Delete group");
    deleteButton.addEventListener("click", async () => {
      const ok = await confirmDialog({
        title: `Delete ${group.displayName}?`,
        body: ["The group is deleted for everyone. Its members stay in the workspace."],
        confirmLabel: "Delete group",
      });
      if (!ok) return deleteButton.focus();
      replace(deleteError);
      deleteButton.disabled = true;
      try {
        await mutate(DELETE, { id }, "deleteGroup");
        announce(`Group ${group.displayName} deleted.`);
        ctx.navigate("/groups");
      } catch (error) {
        deleteButton.disabled = false;
        ctx.handle(error, deleteError);
      }
    });

    return h(
      "div",
      { class: "edit-grid" },
      h("section", { class: "panel", "aria-labelledby": "rename-h" }, h("h2", { id: "rename-h" }, "Rename"), renameForm),
      h("section", { class: "panel", "aria-labelledby": "add-h" }, h("h2", { id: "add-h" }, "Add members"), addForm, matches),
      h("section", { class: "panel", "aria-labelledby": "delete-h" }, h("h2", { id: "delete-h" }, "Delete"), h("p", null, "Deleting a group does not remove its members from the workspace."), deleteButton, deleteError),
    );
  }
}
