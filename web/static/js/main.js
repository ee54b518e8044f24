// Entry point: the client-side router, the page chrome and the signed-in viewer.
import { announce, h, loading, replace } from "./dom.js";
import { AuthError, describe, gql } from "./gql.js";

const VIEWER = `query Viewer {
  viewer {
    role
    member { id displayName userName email timezone }
    workspace { id name plan scimEnabled }
  }
}`;

const PUBLIC = new Set(["/sign-in", "/signed-out"]);

const ROUTES = [
  { pattern: /^\/members\/?$/, load: () => import("./pages/members.js") },
  { pattern: /^\/groups\/?$/, load: () => import("./pages/groups.js") },
  { pattern: /^\/groups\/([^/]+)\/?$/, load: () => import("./pages/group.js"), params: ["id"] },
  { pattern: /^\/settings\/scim\/?$/, load: () => import("./pages/scim.js") },
  { pattern: /^\/activity\/?$/, load: () => import("./pages/activity.js") },
  { pattern: /^\/profile\/?$/, load: () => import("./pages/profile.js") },
  { pattern: /^\/sign-in\/?$/, load: () => import("./pages/signin.js") },
  { pattern: /^\/signed-out\/?$/, load: () => import("./pages/signin.js"), params: [], signedOut: true },
];

const NAV = [
  { href: "/members", label: "Members", match: /^\/members/ },
  { href: "/groups", label: "Groups", match: /^\/groups/ },
  { href: "/activity", label: "Provisioning activity", match: /^\/activity/, roles: ["OWNER", "ADMIN"] },
  { href: "/settings/scim", label: "SCIM settings", match: /^\/settings/, roles: ["OWNER", "ADMIN"] },
  { href: "/profile", label: "My profile", match: /^\/profile/ },
];

let renderCount = 0;
let renderedLocation = "";
let firstRender = true;

/** Go to a path inside the app (pushes history unless replace is set). */
export function navigate(path, { replace: replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  render();
}

function toSignIn() {
  navigate("/sign-in", { replace: true });
}

function chrome(viewer) {
  const topbar = document.getElementById("topbar");
  if (!viewer) {
    topbar.hidden = true;
    return;
  }
  topbar.hidden = false;
  document.getElementById("workspace-name").textContent = viewer.workspace.name;
  const member = viewer.member;
  document.getElementById("viewer-name").textContent = member.displayName || member.email || member.userName;
  const list = document.getElementById("nav-list");
  const path = location.pathname;
  replace(
    list,
    NAV.filter((item) => !item.roles || item.roles.includes(viewer.role)).map((item) =>
      h("li", null, h("a", { href: item.href, "aria-current": item.match.test(path) ? "page" : null }, item.label)),
    ),
  );
}

function closeMobileNav() {
  const toggle = document.getElementById("nav-toggle");
  toggle.setAttribute("aria-expanded", "false");
  document.getElementById("primary-nav").classList.remove("open");
}

async function render() {
  const token = ++renderCount;
  const main = document.getElementById("main");
  let path = location.pathname;
  if (path === "/" || path === "") {
    history.replaceState(null, "", "/members");
    path = "/members";
  }
  renderedLocation = path + location.search;
  const route = ROUTES.find((r) => r.pattern.test(path));
  const page = h("div", { class: "page" });
  main.setAttribute("aria-busy", "true");
  replace(main, loading("page"));
  closeMobileNav();

  let viewer = null;
  const ctx = {
    params: {},
    query: new URLSearchParams(location.search),
    navigate,
    toSignIn,
    isCurrent: () => token === renderCount,
    setQuery(params) {
      // Keep filters in the address bar so Back, reload and shared links return to the same view.
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
      const qs = search.toString();
      history.replaceState(null, "", `${location.pathname}${qs ? `?${qs}` : ""}`);
    },
    /** Send the browser to sign-in on AuthError (returns true); else show the error in `slot`, if given. */
    handle(error, slot) {
      if (error instanceof AuthError) {
        toSignIn();
        return true;
      }
      if (slot) replace(slot, h("p", { class: "error", role: "alert" }, describe(error)));
      return false;
    },
  };

  try {
    if (!route) {
      chrome(null);
      replace(main, h("div", { class: "page" }, h("h1", null, "Page not found"), h("p", null, h("a", { href: "/members" }, "Go to the member list"))));
      document.title = "Not found · Roster";
      main.setAttribute("aria-busy", "false");
      return;
    }
    if (!PUBLIC.has(path)) {
      const data = await gql(VIEWER);
      viewer = data.viewer;
      if (!viewer) throw new AuthError();
    }
    if (token !== renderCount) return;
    chrome(viewer);
    const match = path.match(route.pattern);
    (route.params || []).forEach((name, i) => {
      ctx.params[name] = decodeURIComponent(match[i + 1]);
    });
    ctx.viewer = viewer;
    ctx.signedOut = Boolean(route.signedOut);
    const module = await route.load();
    if (token !== renderCount) return;
    replace(main, page);
    const title = await module.render(page, ctx);
    if (token !== renderCount) return;
    document.title = `${title || "Roster"} · Roster`;
  } catch (error) {
    if (token !== renderCount) return;
    if (error instanceof AuthError && !PUBLIC.has(path)) {
      toSignIn();
      return;
    }
    chrome(viewer);
    replace(main, h("div", { class: "page" }, h("h1", null, "This page could not be loaded"), h("p", { class: "error", role: "alert" }, describe(error)), h("p", null, h("button", { type: "button", class: "button", onClick: () => render() }, "Try again"))));
    document.title = "Error · Roster";
  } finally {
    if (token === renderCount) {
      main.setAttribute("aria-busy", "false");
      if (!firstRender) {
        // Move focus to the new page so keyboard and screen-reader users start at its top.
        const heading = main.querySelector("h1");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus({ preventScroll: false });
        } else main.focus();
        announce(document.title.replace(/ · Roster$/, ""));
      }
      firstRender = false;
    }
  }
}

function isAppLink(anchor, event) {
  if (!anchor || event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target && anchor.target !== "_self") return false;
  if (anchor.hasAttribute("download") || anchor.origin !== location.origin) return false;
  // In-page anchors (the skip link) keep their native behaviour.
  if (anchor.hash && anchor.pathname === location.pathname && anchor.search === location.search) return false;
  return !/^\/(auth|static|graphql|scim)\b/.test(anchor.pathname);
}

document.addEventListener("click", (event) => {
  const anchor = event.target.closest("a[href]");
  if (!isAppLink(anchor, event)) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
});

window.addEventListener("popstate", () => {
  // A fragment jump (the skip link) fires popstate too; only a new path or query is a new page.
  if (location.pathname + location.search !== renderedLocation) render();
});

document.getElementById("nav-toggle").addEventListener("click", () => {
  const toggle = document.getElementById("nav-toggle");
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  document.getElementById("primary-nav").classList.toggle("open", open);
});

render();
