// Groups: the list with member counts, search, and creating groups in the app.
import { announce, field, h, loading, replace, setFieldError } from "../dom.js";
import { ERROR_FIELDS, describe, gql, mutate } from "../gql.js";
import { managedBadge, pager, cell } from "../ui.js";

const PAGE_SIZE = 25;

const GROUPS = `query Groups($first: Int, $after: String, $search: String) {
  groups(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id displayName externalId scimManaged memberCount }
  }
}`;

const CREATE = `mutation CreateGroup($name: String!) {
  createGroup(name: $name) { ${ERROR_FIELDS} ... on Group { id displayName } }
}`;

/** Render the groups page. */
export async function render(root, ctx) {
  const isAdmin = ["OWNER", "ADMIN"].includes(ctx.viewer.role);
  let search = ctx.query.get("q") || "";
  const searchInput = h("input", { type: "search", value: search, autocomplete: "off", maxlength: 255 });
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter groups" },
    field("Search by name", searchInput),
    h("div", { class: "field actions-field" }, h("button", { type: "submit", class: "button" }, "Search")),
  );
  const results = h("div", { class: "results" });
  const listError = h("div");
  const list = pager({
    label: "Group list",
    pageSize: PAGE_SIZE,
    fetchPage: async (after) => {
      replace(listError);
      if (!results.querySelector("table")) replace(results, loading("groups"));
      results.setAttribute("aria-busy", "true");
      try {
        return (await gql(GROUPS, { first: PAGE_SIZE, after, search: search || null })).groups;
      } finally {
        results.removeAttribute("aria-busy");
      }
    },
    show: (connection) => {
      draw(connection.nodes);
      announce(`${connection.totalCount.toLocaleString()} group${connection.totalCount === 1 ? "" : "s"}`);
    },
    onError: (error) => {
      replace(results);
      ctx.handle(error, listError);
    },
  });

  function draw(groups) {
    if (!groups.length) {
      replace(results, h("p", { class: "empty" }, search ? "No group matches this search." : "No groups yet."));
      return;
    }
    replace(
      results,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data responsive groups" },
          h("caption", { class: "visually-hidden" }, "Groups of the workspace"),
          h("thead", null, h("tr", null, ["Group", "Members", "Managed by"].map((label) => h("th", { scope: "col" }, label)))),
          h(
            "tbody",
            null,
            groups.map((g) =>
              h(
                "tr",
                { dataset: { groupId: g.id, groupName: g.displayName } },
                h("th", { scope: "row", "data-label": "Group" }, h("a", { href: `/groups/${encodeURIComponent(g.id)}` }, g.displayName)),
                cell("Members", { class: "num" }, g.memberCount.toLocaleString()),
                cell("Managed by", null, g.scimManaged ? managedBadge() : h("span", { class: "muted" }, "Roster")),
              ),
            ),
          ),
        ),
      ),
    );
  }

  let debounce;
  const apply = () => {
    clearTimeout(debounce);
    const next = searchInput.value.trim();
    if (next === search && results.querySelector("table, .empty")) return;
    search = next;
    ctx.setQuery({ q: search });
    list.reset();
  };
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  searchInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(apply, 350);
  });

  replace(root, h("div", { class: "page-head" }, h("h1", null, "Groups"), isAdmin ? createForm() : null), filters, listError, results, list.el);
  await list.reset();
  return "Groups";

  function createForm() {
    const name = h("input", { type: "text", required: true, maxlength: 255, autocomplete: "off" });
    const submit = h("button", { type: "submit", class: "button" }, "Create group");
    const form = h("form", { class: "stack-form", "aria-label": "Create a group" }, field("Group name", name), h("div", { class: "form-actions" }, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      setFieldError(name, "");
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        const group = await mutate(CREATE, { name: name.value.trim() }, "createGroup");
        announce(`Group ${group.displayName} created.`);
        ctx.navigate(`/groups/${encodeURIComponent(group.id)}`);
      } catch (error) {
        if (!ctx.handle(error)) {
          setFieldError(name, describe(error));
          name.focus();
        }
      } finally {
        submit.disabled = false;
        submit.removeAttribute("aria-busy");
      }
    });
    return h("details", { class: "panel" }, h("summary", null, "Create a group"), form);
  }
}
