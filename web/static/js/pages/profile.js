// My profile: who I am in this workspace, and my own timezone (which the identity provider then no longer sets).
import { announce, field, h, loading, replace, setFieldError } from "../dom.js";
import { ERROR_FIELDS, describe, gql, mutate } from "../gql.js";
import { ROLE_LABELS, managedBadge, memberName, statusBadge } from "../ui.js";

const MEMBER_FIELDS = `id userName displayName email role status timezone timezoneSource idpTimezone scimManaged title department`;
const PROFILE = `query Profile { viewer { member { ${MEMBER_FIELDS} } workspace { name defaultTimezone } } timezones }`;
const SET_TIMEZONE = `mutation SetMyTimezone($timezone: String!) { setMyTimezone(timezone: $timezone) { ${ERROR_FIELDS} ... on Member { ${MEMBER_FIELDS} } } }`;

function sourceText(member) {
  if (member.timezoneSource === "MEMBER") {
    return [
      h("strong", null, "You set this timezone."),
      " Your identity provider no longer changes it.",
      member.idpTimezone && member.idpTimezone !== member.timezone ? ` It last sent ${member.idpTimezone}, which is recorded but not applied.` : "",
    ];
  }
  const from = member.timezoneSource === "IDP" ? "This timezone came from your identity provider." : "This is the workspace's default timezone.";
  return [h("strong", null, from), " Once you choose a timezone here, it is yours: your identity provider no longer changes it."];
}

/** Render the profile page. */
export async function render(root, ctx) {
  replace(root, h("h1", null, "My profile"), loading("your profile"));
  const data = await gql(PROFILE);
  if (!data.viewer) {
    ctx.toSignIn();
    return "Sign in";
  }
  let member = data.viewer.member;
  const zones = data.timezones;
  const known = new Set(zones);

  const current = h("p", { class: "tz-current", dataset: { timezoneSource: member.timezoneSource } });
  const source = h("p", { class: "tz-source", dataset: { timezoneSource: member.timezoneSource } });
  function drawTimezone() {
    replace(current, "Current timezone: ", h("strong", { class: "tz-value" }, member.timezone || "not set"));
    current.dataset.timezoneSource = member.timezoneSource;
    replace(source, sourceText(member));
    source.dataset.timezoneSource = member.timezoneSource;
  }
  drawTimezone();

  const listId = "timezone-options";
  const input = h("input", { type: "text", list: listId, value: member.timezone || "", autocomplete: "off", spellcheck: "false", maxlength: 64, required: true });
  const datalist = h("datalist", { id: listId }, zones.map((z) => h("option", { value: z })));
  const submit = h("button", { type: "submit", class: "button" }, "Save timezone");
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const useBrowser = known.has(browserZone)
    ? h("button", { type: "button", class: "button secondary", onClick: () => { input.value = browserZone; input.focus(); } }, `Use this device's timezone (${browserZone})`)
    : null;
  const form = h(
    "form",
    { class: "stack-form" },
    field("Your timezone", input, { hint: "Start typing a city or region, for example Europe/Paris or America/New_York." }),
    datalist,
    h("div", { class: "form-actions" }, submit, useBrowser),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setFieldError(input, "");
    const value = input.value.trim();
    if (!known.has(value)) {
      setFieldError(input, value ? `“${value}” is not a timezone name. Pick one from the list, for example Europe/Berlin.` : "Choose a timezone.");
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      member = await mutate(SET_TIMEZONE, { timezone: value }, "setMyTimezone");
      drawTimezone();
      announce(`Timezone saved: ${member.timezone}. Your identity provider no longer changes it.`);
    } catch (error) {
      if (!ctx.handle(error)) {
        setFieldError(input, describe(error));
        input.focus();
      }
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  });

  replace(
    root,
    h("h1", null, "My profile"),
    h(
      "section",
      { class: "panel", "aria-labelledby": "me-h" },
      h("h2", { id: "me-h" }, memberName(member), member.scimManaged ? [" ", managedBadge()] : null),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "E-mail"),
        h("dd", null, member.email || member.userName),
        h("dt", null, "Workspace"),
        h("dd", null, data.viewer.workspace.name),
        h("dt", null, "Role"),
        h("dd", null, ROLE_LABELS[member.role] || member.role),
        h("dt", null, "Status"),
        h("dd", null, statusBadge(member.status)),
        member.title ? [h("dt", null, "Title"), h("dd", null, member.title)] : null,
        member.department ? [h("dt", null, "Department"), h("dd", null, member.department)] : null,
      ),
      member.scimManaged ? h("p", { class: "muted" }, "Your name, e-mail and status come from your identity provider. Ask your IT team to change them.") : null,
    ),
    h("section", { class: "panel", "aria-labelledby": "tz-h" }, h("h2", { id: "tz-h" }, "Timezone"), current, source, form),
  );
  return "My profile";
}
