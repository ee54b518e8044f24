// Small pieces shared by several pages.
import { badge, h } from "./dom.js";

export const ROLE_LABELS = { OWNER: "Owner", ADMIN: "Admin", MEMBER: "Member" };
export const STATUS_LABELS = { ACTIVE: "Active", INACTIVE: "Deactivated", REMOVED: "Removed" };
export const TZ_SOURCE_LABELS = { IDP: "from identity provider", MEMBER: "set by member", DEFAULT: "workspace default" };
export const MANAGED_REASON = "Managed by your identity provider";

/** The name people recognise a member by. */
export function memberName(member) {
  return member.displayName || [member.givenName, member.familyName].filter(Boolean).join(" ") || member.email || member.userName;
}

/** The badge for objects the identity provider manages over SCIM. */
export function managedBadge() {
  return badge("Identity provider", "managed", "Managed by your identity provider over SCIM; change it there");
}

/** Active / deactivated / removed, as a coloured badge with words (colour is never the only signal). */
export function statusBadge(status) {
  const kind = status === "ACTIVE" ? "ok" : status === "INACTIVE" ? "warn" : "muted";
  return badge(STATUS_LABELS[status] || status, `status ${kind}`);
}

/** A visually hidden span, for context that sighted users get from the layout. */
export function srOnly(text) {
  return h("span", { class: "visually-hidden" }, text);
}

/**
 * Cursor pagination with Previous/Next. `fetchPage(after)` resolves to a connection
 * ({nodes, pageInfo {hasNextPage endCursor}, totalCount}); `show(connection, offset)` draws it.
 */
export function pager({ label, fetchPage, show, pageSize, onError }) {
  const cursors = [null];
  let index = 0;
  let generation = 0;
  const info = h("span", { class: "pager-info" });
  const prev = h("button", { type: "button", class: "button secondary", disabled: true }, "Previous");
  const next = h("button", { type: "button", class: "button secondary", disabled: true }, "Next");
  const el = h("nav", { class: "pager", "aria-label": `${label} pages` }, prev, info, next);

  async function load() {
    // The latest request wins: a new filter or page while one is loading supersedes it.
    const mine = ++generation;
    prev.disabled = true;
    next.disabled = true;
    el.setAttribute("aria-busy", "true");
    try {
      const connection = await fetchPage(cursors[index]);
      if (mine !== generation) return;
      const offset = index * pageSize;
      const count = connection.nodes.length;
      const total = connection.totalCount;
      info.textContent = count
        ? `${(offset + 1).toLocaleString()}–${(offset + count).toLocaleString()}${typeof total === "number" ? ` of ${total.toLocaleString()}` : ""}`
        : "";
      if (connection.pageInfo.hasNextPage) cursors[index + 1] = connection.pageInfo.endCursor;
      prev.disabled = index === 0;
      next.disabled = !connection.pageInfo.hasNextPage;
      // A single page needs no paging buttons, only the count.
      const single = index === 0 && !connection.pageInfo.hasNextPage;
      prev.hidden = single;
      next.hidden = single;
      show(connection, offset);
    } catch (error) {
      if (mine !== generation) return;
      prev.disabled = index === 0;
      onError(error);
    } finally {
      if (mine === generation) el.removeAttribute("aria-busy");
    }
  }
  prev.addEventListener("click", () => {
    if (index > 0) {
      index -= 1;
      load();
    }
  });
  next.addEventListener("click", () => {
    if (cursors[index + 1] !== undefined) {
      index += 1;
      load();
    }
  });
  return {
    el,
    reload: load,
    reset() {
      cursors.length = 1;
      index = 0;
      return load();
    },
  };
}

/** A table cell with a label for the stacked phone layout; content sits in one wrapper so it stays together. */
export function cell(label, props, ...children) {
  return h("td", { ...(props || {}), "data-label": label }, h("div", { class: "cell" }, ...children));
}

/** An e-mail address that may wrap before its "@" (long addresses otherwise widen tables). */
export function emailText(address) {
  const text = String(address || "");
  const at = text.indexOf("@");
  if (at <= 0) return h("span", { class: "break" }, text);
  return h("span", { class: "break" }, text.slice(0, at), h("wbr"), text.slice(at));
}
