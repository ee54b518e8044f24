// DOM helpers. Data only ever reaches the page as text nodes or attribute values, never as HTML.

/** Create an element: h("a", {href: "/x", class: "y", onClick: fn}, "text", child, [more]). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value" || key === "checked" || key === "selected") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Append children (strings become text nodes; arrays are flattened; null is skipped). */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace all children of an element. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A unique id for label/control pairs. */
export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form control: {label, control, hint?, error slot}. */
export function field(label, control, { hint, inline } = {}) {
  if (!control.id) control.id = nextId("field");
  const hintEl = hint ? h("p", { class: "hint", id: `${control.id}-hint` }, hint) : null;
  const errorEl = h("p", { class: "field-error", id: `${control.id}-error`, hidden: true });
  const describedBy = [hintEl ? hintEl.id : null, errorEl.id].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", describedBy);
  const wrap = h(
    "div",
    { class: inline ? "field inline" : "field" },
    h("label", { for: control.id }, label),
    control,
    hintEl,
    errorEl,
  );
  return wrap;
}

/** Show an error under a control made with field(); clears it when message is empty. */
export function setFieldError(control, message) {
  const errorEl = document.getElementById(`${control.id}-error`);
  if (!errorEl) return;
  errorEl.textContent = message || "";
  errorEl.hidden = !message;
  if (message) control.setAttribute("aria-invalid", "true");
  else control.removeAttribute("aria-invalid");
}

/** A paragraph for an error next to what caused it; role=alert makes screen readers say it at once. */
export function errorBox(message) {
  return h("p", { class: "error", role: "alert" }, message);
}

/** A loading indicator announced politely. */
export function loading(what) {
  return h("p", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), `Loading ${what}…`);
}

/** A small status badge. */
export function badge(text, kind = "", title) {
  return h("span", { class: `badge ${kind}`.trim(), title }, text);
}

/** Format an ISO timestamp for people, in their browser's locale and time zone. */
export function formatTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A <time> element for an ISO timestamp. */
export function timeEl(iso, fallback = "—") {
  if (!iso) return h("span", { class: "muted" }, fallback);
  return h("time", { datetime: iso }, formatTime(iso));
}

/** Say something to assistive technology (and show nothing). */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick makes repeated identical messages be announced again.
  setTimeout(() => {
    region.textContent = message;
  }, 30);
}

/** Copy text to the clipboard, with a fallback for browsers without the async clipboard API. */
export async function copyText(text, sourceInput) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (sourceInput) {
      sourceInput.focus();
      sourceInput.select();
      try {
        return document.execCommand("copy");
      } catch {
        return false;
      }
    }
    return false;
  }
}

/** A read-only value with a copy button; the status message sits next to the button. */
export function copyField(label, value, { id, testId } = {}) {
  const input = h("input", { type: "text", readonly: true, value, id: id || nextId("copy"), class: "mono", spellcheck: "false", "data-testid": testId });
  const status = h("span", { class: "copy-status", "aria-live": "polite" });
  const button = h(
    "button",
    {
      type: "button",
      class: "button secondary",
      onClick: async () => {
        const ok = await copyText(input.value, input);
        status.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
        setTimeout(() => {
          status.textContent = "";
        }, 4000);
      },
    },
    "Copy",
  );
  button.setAttribute("aria-label", `Copy the ${label}`);
  return h("div", { class: "field copy-field" }, h("label", { for: input.id }, label), h("div", { class: "copy-row" }, input, button, status));
}

/** A modal confirmation built on <dialog>; resolves true when confirmed. */
export function confirmDialog({ title, body, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const titleId = nextId("dlg");
    const cancel = h("button", { type: "button", class: "button secondary", value: "cancel" }, "Cancel");
    const ok = h("button", { type: "button", class: danger ? "button danger" : "button", value: "confirm" }, confirmLabel);
    const dialog = h(
      "dialog",
      { class: "dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      ...(Array.isArray(body) ? body : [body]).map((part) => (part instanceof Node ? part : h("p", null, part))),
      h("div", { class: "actions" }, cancel, ok),
    );
    const finish = (result) => {
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    cancel.addEventListener("click", () => finish(false));
    ok.addEventListener("click", () => finish(true));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
