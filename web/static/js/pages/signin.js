// The sign-in and signed-out pages. Roster has no passwords: an owner or admin hands out one-time links.
import { h, replace } from "../dom.js";

async function status() {
  try {
    const response = await fetch("/auth/status", { credentials: "same-origin", headers: { accept: "application/json" } });
    if (!response.ok) return { signedIn: false, reason: null };
    return await response.json();
  } catch {
    return { signedIn: false, reason: null };
  }
}

/** Render the sign-in (or signed-out) card. */
export async function render(root, ctx) {
  root.classList.add("centered");
  const card = h("div", { class: "card signin-card" }, h("p", { class: "loading", role: "status" }, "Checking your session…"));
  replace(root, card);
  if (ctx.signedOut) {
    card.dataset.reason = "signed-out";
    replace(
      card,
      h("h1", null, "You are signed out"),
      h("p", null, "Your session on this browser has ended."),
      h("p", null, "To come back, open a new sign-in link from a workspace owner or admin."),
    );
    return "Signed out";
  }
  const state = await status();
  if (state.signedIn) {
    card.dataset.reason = "signed-in";
    replace(card, h("h1", null, "You are signed in"), h("p", null, h("a", { href: "/members", class: "button" }, "Go to Roster")));
    return "Signed in";
  }
  if (state.reason === "inactive") {
    card.dataset.reason = "inactive";
    replace(
      card,
      h("h1", null, "Your membership is deactivated"),
      h("p", null, "You can no longer use this workspace, so your session was ended."),
      h("p", null, "If you think this is a mistake, ask a workspace owner or your IT team to reactivate you."),
    );
    return "Membership deactivated";
  }
  card.dataset.reason = state.reason || "none";
  replace(
    card,
    h("h1", null, "Sign in to Roster"),
    state.reason === "ended" ? h("p", null, "Your session has ended.") : null,
    h("p", null, "Ask an owner for a sign-in link."),
    h("p", { class: "muted" }, "Sign-in links work once and expire after a while. Open the link in this browser to start a session."),
  );
  return "Sign in";
}
