// Provisioning activity: what the identity provider asked for, what was applied, what was ignored and why.
import { announce, badge, field, h, loading, replace, timeEl } from "../dom.js";
import { GqlError, gql } from "../gql.js";

const PAGE_SIZE = 30;

const EVENTS = `query Events($first: Int, $after: String, $outcome: String, $resourceType: String, $idp: String) {
  provisioningEvents(first: $first, after: $after, outcome: $outcome, resourceType: $resourceType, idp: $idp) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id at idp method path operation resourceType resourceId target statusCode outcome errorType detail applied ignored rewrites }
  }
}`;

export const IDP_LABELS = {
  okta: "Okta",
  entra: "Microsoft Entra ID",
  azure: "Microsoft Entra ID",
  microsoft: "Microsoft Entra ID",
  google: "Google Workspace",
  jumpcloud: "JumpCloud",
  unknown: "Unknown client",
};
const RESOURCES = ["User", "Group"];

function idpLabel(idp) {
  return IDP_LABELS[String(idp || "unknown").toLowerCase()] || idp;
}

function operationLabel(op) {
  const text = String(op || "request").replace(/[_-]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One applied/ignored/rewrite entry in words, whatever shape the log stored it in. */
function entryText(entry) {
  if (entry === null || entry === undefined) return "";
  if (typeof entry !== "object") return String(entry);
  const attribute = entry.attribute || entry.path || entry.field || entry.name;
  const reason = entry.reason || entry.why || entry.detail;
  if (attribute && reason) return `${attribute}: ${reason}`;
  if (entry.from !== undefined && entry.to !== undefined) return `${JSON.stringify(entry.from)} → ${JSON.stringify(entry.to)}`;
  return JSON.stringify(entry);
}

function asList(value) {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => (typeof v === "string" ? `${k}: ${v}` : `${k}: ${JSON.stringify(v)}`));
  return [value];
}

function listSection(title, items, empty) {
  const list = asList(items);
  return h("div", { class: "event-part" }, h("h3", null, title), list.length ? h("ul", null, list.map((e) => h("li", null, entryText(e)))) : h("p", { class: "muted" }, empty));
}

function eventItem(event) {
  const ok = event.outcome === "success";
  const summary = h(
    "summary",
    null,
    h("span", { class: "event-time" }, timeEl(event.at)),
    badge(ok ? "Succeeded" : "Failed", ok ? "status ok" : "status bad"),
    h("span", { class: "event-op" }, operationLabel(event.operation)),
    event.target ? h("span", { class: "event-target" }, event.target) : null,
    h("span", { class: "event-meta" }, `${idpLabel(event.idp)} · HTTP ${event.statusCode}`),
  );
  return h(
    "li",
    { class: "event", dataset: { outcome: event.outcome, operation: event.operation || "", resource: event.resourceType || "" } },
    h(
      "details",
      null,
      summary,
      h(
        "div",
        { class: "event-body" },
        h(
          "dl",
          { class: "facts" },
          h("dt", null, "Request"),
          h("dd", null, h("code", { class: "break" }, `${event.method} ${event.path}`)),
          h("dt", null, "Resource"),
          h("dd", null, [event.resourceType || "—", event.resourceId ? ` ${event.resourceId}` : ""].join("")),
          h("dt", null, "Identity provider"),
          h("dd", null, idpLabel(event.idp)),
          event.errorType ? [h("dt", null, "Error"), h("dd", null, event.errorType)] : null,
          event.detail ? [h("dt", null, "Detail"), h("dd", null, event.detail)] : null,
        ),
        listSection("Applied", event.applied, "Nothing was changed."),
        listSection("Ignored", event.ignored, "Nothing was ignored."),
        asList(event.rewrites).length ? listSection("Rewritten to the standard form", event.rewrites, "") : null,
      ),
    ),
  );
}

/** Render the provisioning activity page. */
export async function render(root, ctx) {
  const state = { outcome: ctx.query.get("outcome") || "", resource: ctx.query.get("resource") || "", idp: ctx.query.get("idp") || "" };
  const outcome = h(
    "select",
    null,
    [["", "Any outcome"], ["success", "Succeeded"], ["failure", "Failed"]].map(([v, l]) => h("option", { value: v, selected: v === state.outcome }, l)),
  );
  const resource = h("select", null, h("option", { value: "" }, "Any resource"), RESOURCES.map((r) => h("option", { value: r, selected: r === state.resource }, r === "User" ? "Users" : "Groups")));
  const idps = ["okta", "entra", "google", "jumpcloud", "unknown"];
  if (state.idp && !idps.includes(state.idp)) idps.push(state.idp);
  const idp = h("select", null, h("option", { value: "" }, "Any identity provider"), idps.map((v) => h("option", { value: v, selected: v === state.idp }, idpLabel(v))));
  const filters = h("form", { class: "filters", "aria-label": "Filter events" }, field("Outcome", outcome), field("Resource", resource), field("Identity provider", idp));
  const list = h("ol", { class: "events" });
  const status = h("div", { class: "results-status" });
  const more = h("button", { type: "button", class: "button secondary", hidden: true }, "Load more");
  const countEl = h("p", { class: "muted", "aria-live": "polite" });
  let cursor = null;
  let generation = 0;

  async function load(reset) {
    // Only the latest request may draw: a filter changed mid-load must not mix two result sets.
    const mine = ++generation;
    if (reset) {
      cursor = null;
      replace(list);
    }
    more.disabled = true;
    more.setAttribute("aria-busy", "true");
    replace(status, loading("events"));
    list.setAttribute("aria-busy", "true");
    try {
      const data = await gql(EVENTS, {
        first: PAGE_SIZE,
        after: cursor,
        outcome: state.outcome || null,
        resourceType: state.resource || null,
        idp: state.idp || null,
      });
      if (mine !== generation) return;
      const connection = data.provisioningEvents;
      replace(status);
      for (const event of connection.nodes) list.append(eventItem(event));
      cursor = connection.pageInfo.endCursor;
      more.hidden = !connection.pageInfo.hasNextPage;
      const n = connection.totalCount;
      countEl.textContent = `${n.toLocaleString()} event${n === 1 ? "" : "s"}${state.outcome || state.resource || state.idp ? " match these filters" : ""}.`;
      if (!list.children.length) replace(status, h("p", { class: "empty" }, state.outcome || state.resource || state.idp ? "No event matches these filters." : "No provisioning activity yet. Events appear here when your identity provider sends changes."));
      if (!reset) announce(`${connection.nodes.length} more events loaded`);
    } catch (error) {
      if (mine !== generation) return;
      if (error instanceof GqlError && error.code === "FORBIDDEN") {
        replace(root, h("h1", null, "Provisioning activity"), h("div", { class: "notice", dataset: { reason: "permission" } }, h("h2", null, "Only owners and admins can see provisioning activity"), h("p", null, "The log shows what your identity provider changed in the workspace. Ask a workspace owner or admin if you need to see it.")));
        return;
      }
      replace(status);
      ctx.handle(error, status);
    } finally {
      if (mine === generation) {
        more.disabled = false;
        more.removeAttribute("aria-busy");
        list.removeAttribute("aria-busy");
      }
    }
  }

  for (const [select, key] of [[outcome, "outcome"], [resource, "resource"], [idp, "idp"]]) {
    select.addEventListener("change", () => {
      state[key] = select.value;
      ctx.setQuery(state);
      load(true);
    });
  }
  filters.addEventListener("submit", (event) => event.preventDefault());
  more.addEventListener("click", () => load(false));

  replace(
    root,
    h("h1", null, "Provisioning activity"),
    h("p", { class: "lead" }, "Every change your identity provider sent over SCIM, newest first. Open an event to see what was applied and what was ignored, and why."),
    filters,
    countEl,
    list,
    status,
    h("div", { class: "load-more" }, more),
  );
  await load(true);
  return "Provisioning activity";
}
