// Settings → SCIM: the switch, the base URL, bearer tokens, and setup notes for each identity provider.
import { announce, confirmDialog, copyField, field, h, loading, replace, setFieldError, timeEl } from "../dom.js";
import { ERROR_FIELDS, describe, gql, mutate } from "../gql.js";
import { ROLE_LABELS, cell } from "../ui.js";

const TOKEN_FIELDS = `id name prefix createdAt lastUsedAt expiresAt revokedAt active`;
const SETTINGS_FIELDS = `enabled baseUrl tokens { ${TOKEN_FIELDS} }`;

const SETTINGS = `query ScimSettings {
  scimSettings {
    __typename
    ... on ScimSettings { ${SETTINGS_FIELDS} }
    ... on PlanRequired { message plan }
    ... on PermissionDenied { message }
  }
}`;
const CREATED = `${ERROR_FIELDS} ... on ScimTokenCreated { plaintext token { ${TOKEN_FIELDS} } settings { ${SETTINGS_FIELDS} } }`;
const ENABLE = `mutation EnableScim { enableScim { ${CREATED} } }`;
const DISABLE = `mutation DisableScim { disableScim { ${ERROR_FIELDS} ... on ScimSettings { ${SETTINGS_FIELDS} } } }`;
const CREATE_TOKEN = `mutation CreateScimToken($name: String!, $expiresInDays: Int) { createScimToken(name: $name, expiresInDays: $expiresInDays) { ${CREATED} } }`;
const REVOKE_TOKEN = `mutation RevokeScimToken($id: ID!) { revokeScimToken(id: $id) { ${ERROR_FIELDS} ... on ScimToken { ${TOKEN_FIELDS} } } }`;

const PLAN_LABELS = { FREE: "Free", PRO: "Pro", ENTERPRISE: "Enterprise" };

// Where each identity provider takes the two values (wording from the vendors' admin consoles).
function idpNotes() {
  return [
  {
    name: "Okta",
    steps: [
      "In the Okta Admin Console, open your app integration (SAML or SWA) and, on the General tab, choose SCIM as the provisioning method.",
      ["On the Provisioning tab, under Integration, paste the base URL into ", h("strong", null, "SCIM connector base URL"), " and use userName as the unique identifier field."],
      ["Set ", h("strong", null, "Authentication Mode"), " to ", h("strong", null, "HTTP Header"), " and paste the token as the ", h("strong", null, "Bearer"), " token."],
      "Test the connector configuration, then enable Push New Users, Push Profile Updates, Push Groups and Deactivate Users.",
    ],
  },
  {
    name: "Microsoft Entra ID",
    steps: [
      "In the Microsoft Entra admin center, open Enterprise applications, your application, then Provisioning, and set the provisioning mode to Automatic.",
      ["Under Admin Credentials, paste the base URL into ", h("strong", null, "Tenant URL"), " and the token into ", h("strong", null, "Secret Token"), "."],
      "Select Test Connection, save, then review the attribute mappings and start provisioning.",
    ],
  },
  {
    name: "Google Workspace",
    steps: [
      "In the Google Admin console, open Apps, Web and mobile apps, and your custom SAML app, then turn on auto-provisioning.",
      ["Paste the token into ", h("strong", null, "Access token"), " and the base URL into ", h("strong", null, "Endpoint URL"), "."],
      "Review the attribute mapping, choose the provisioning scope and the deprovisioning behaviour, then turn auto-provisioning on. Google pushes users, not groups.",
    ],
  },
  {
    name: "JumpCloud",
    steps: [
      "In the JumpCloud Admin Portal, open SSO, your application, then the Identity Management tab, and choose SCIM 2.0.",
      ["Paste the base URL into ", h("strong", null, "Base URL"), " and the token into ", h("strong", null, "Token Key"), "."],
      "Select Test Connection (JumpCloud creates and deletes a test user and group), then Activate and Save. Enable group management to push groups.",
    ],
  },
  ];
}

function tokenState(token) {
  if (token.revokedAt) return { label: "Revoked", kind: "muted" };
  if (token.expiresAt && new Date(token.expiresAt) <= new Date()) return { label: "Expired", kind: "warn" };
  if (!token.active) return { label: "Inactive", kind: "muted" };
  return { label: "Active", kind: "ok" };
}

/** Render the SCIM settings page. */
export async function render(root, ctx) {
  replace(root, h("h1", null, "SCIM provisioning"), loading("SCIM settings"));
  const data = await gql(SETTINGS);
  const result = data.scimSettings;
  const head = h("h1", null, "SCIM provisioning");

  if (result.__typename === "PlanRequired") {
    replace(
      root,
      head,
      h(
        "div",
        { class: "notice plan", dataset: { reason: "plan" } },
        h("h2", null, `SCIM provisioning needs the ${PLAN_LABELS[result.plan] || result.plan || "Enterprise"} plan`),
        h("p", null, `This workspace is on the ${PLAN_LABELS[ctx.viewer.workspace.plan] || ctx.viewer.workspace.plan} plan. With SCIM, your identity provider (Okta, Microsoft Entra ID, Google Workspace, JumpCloud…) adds, updates and deactivates members and groups for you.`),
        h("p", null, "Upgrade the workspace to the Enterprise plan to turn it on."),
      ),
    );
    return "SCIM provisioning";
  }
  if (result.__typename !== "ScimSettings") {
    replace(
      root,
      head,
      h(
        "div",
        { class: "notice", dataset: { reason: "permission" } },
        h("h2", null, "Only workspace owners can manage SCIM provisioning"),
        h("p", null, `You are ${ctx.viewer.role === "ADMIN" ? "an" : "a"} ${(ROLE_LABELS[ctx.viewer.role] || ctx.viewer.role).toLowerCase()} of this workspace. SCIM tokens give an identity provider control over every member, so only owners can turn SCIM on or off and create or revoke tokens.`),
        h("p", null, "Ask a workspace owner if you need a change here."),
      ),
    );
    return "SCIM provisioning";
  }

  let settings = result;
  const statusArea = h("section", { class: "panel", "aria-labelledby": "scim-status-h" });
  const secretArea = h("div", { class: "secret-area" });
  const tokensArea = h("section", { class: "panel", "aria-labelledby": "scim-tokens-h" });
  const notes = h(
    "section",
    { class: "panel", "aria-labelledby": "scim-notes-h" },
    h("h2", { id: "scim-notes-h" }, "Set up your identity provider"),
    h("p", null, "Each identity provider needs two values from this page: the base URL and a token."),
    idpNotes().map((idp) => h("details", { class: "idp-note" }, h("summary", null, idp.name), h("ol", null, idp.steps.map((step) => h("li", null, step))))),
  );

  function drawStatus() {
    const error = h("div");
    const on = settings.enabled;
    const button = h("button", { type: "button", class: on ? "button danger-outline" : "button" }, on ? "Turn off SCIM" : "Turn on SCIM");
    button.addEventListener("click", async () => {
      replace(error);
      if (on) {
        const live = settings.tokens.filter((t) => tokenState(t).label === "Active").length;
        const ok = await confirmDialog({
          title: "Turn off SCIM provisioning?",
          body: [
            `All ${live} active token${live === 1 ? " is" : "s are"} revoked at once. Turning SCIM on again later issues new tokens.`,
            "Your identity provider can no longer create, update or deactivate members or groups, and its requests are refused.",
            "Members and groups already provisioned stay in the workspace as they are.",
          ],
          confirmLabel: "Turn off SCIM",
        });
        if (!ok) return button.focus();
      }
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      try {
        if (on) {
          settings = await mutate(DISABLE, {}, "disableScim");
          replace(secretArea);
          announce("SCIM provisioning is off. All tokens were revoked.");
        } else {
          const created = await mutate(ENABLE, {}, "enableScim");
          settings = created.settings;
          showSecret(created);
          announce("SCIM provisioning is on. Copy the token now; it is shown only once.");
        }
        drawStatus();
        drawTokens();
        statusArea.querySelector("button")?.focus();
      } catch (e) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        ctx.handle(e, error);
      }
    });
    replace(
      statusArea,
      h("h2", { id: "scim-status-h" }, "Status"),
      h("p", { class: "scim-state", dataset: { enabled: String(on) } }, "SCIM provisioning is ", h("strong", null, on ? "on" : "off"), "."),
      h("p", { class: "muted" }, on ? "Your identity provider can add, update and deactivate members and groups with a live token." : "Turn it on to let your identity provider add, update and deactivate members and groups. The first token is shown once."),
      button,
      error,
      copyField("SCIM base URL", settings.baseUrl, { id: "scim-base-url", testId: "scim-base-url" }),
    );
  }

  function showSecret(created) {
    replace(
      secretArea,
      h(
        "section",
        { class: "panel secret", "aria-labelledby": "scim-secret-h", tabindex: "-1" },
        h("h2", { id: "scim-secret-h" }, `New token “${created.token.name}”`),
        h("p", { class: "warning", role: "alert" }, h("strong", null, "Copy this token now. "), "It is shown only once and cannot be shown again. Store it in your identity provider; if it is lost, create a new token and revoke this one."),
        copyField("Token", created.plaintext, { id: "scim-new-token", testId: "new-token" }),
      ),
    );
  }

  function drawTokens() {
    const rows = settings.tokens.map((token) => {
      const state = tokenState(token);
      const error = h("div", { class: "row-error" });
      let action = h("span", { class: "muted" }, "—");
      if (state.label === "Active") {
        action = h("button", { type: "button", class: "button danger-outline small" }, "Revoke", h("span", { class: "visually-hidden" }, ` token ${token.name}`));
        action.addEventListener("click", async () => {
          const ok = await confirmDialog({
            title: `Revoke token “${token.name}”?`,
            body: ["Requests with this token are refused at once. Other tokens keep working."],
            confirmLabel: "Revoke token",
          });
          if (!ok) return action.focus();
          action.disabled = true;
          try {
            const revoked = await mutate(REVOKE_TOKEN, { id: token.id }, "revokeScimToken");
            settings = { ...settings, tokens: settings.tokens.map((t) => (t.id === revoked.id ? revoked : t)) };
            drawTokens();
            announce(`Token ${token.name} revoked.`);
            tokensArea.querySelector("h2")?.focus();
          } catch (e) {
            action.disabled = false;
            ctx.handle(e, error);
          }
        });
      }
      return h(
        "tr",
        { dataset: { tokenId: token.id, state: state.label.toLowerCase() } },
        h("th", { scope: "row", "data-label": "Name" }, token.name),
        cell("Prefix", null, h("code", null, `${token.prefix}…`)),
        cell("Created", null, timeEl(token.createdAt)),
        cell("Last used", null, timeEl(token.lastUsedAt, "Never")),
        cell("Expires", null, timeEl(token.expiresAt, "Never")),
        cell("Status", null, h("span", { class: `badge status ${state.kind}` }, state.label)),
        cell("Action", null, action, error),
      );
    });
    const heading = h("h2", { id: "scim-tokens-h", tabindex: "-1" }, "Tokens");
    replace(
      tokensArea,
      heading,
      h("p", { class: "muted" }, "Keep two live tokens while you rotate: add the new one to your identity provider, then revoke the old one."),
      rows.length
        ? h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "data responsive tokens" },
              h("caption", { class: "visually-hidden" }, "SCIM tokens"),
              h("thead", null, h("tr", null, ["Name", "Prefix", "Created", "Last used", "Expires", "Status", "Action"].map((l) => h("th", { scope: "col" }, l)))),
              h("tbody", null, rows),
            ),
          )
        : h("p", { class: "empty" }, "No tokens yet."),
      settings.enabled ? createForm() : h("p", { class: "muted" }, "Turn SCIM on to create tokens."),
    );
  }

  function createForm() {
    const name = h("input", { type: "text", required: true, maxlength: 100, autocomplete: "off", value: "" });
    const days = h("input", { type: "number", min: 1, max: 3650, step: 1, inputmode: "numeric" });
    const submit = h("button", { type: "submit", class: "button" }, "Create token");
    const form = h(
      "form",
      { class: "stack-form row-form", "aria-label": "Create a token" },
      field("Token name", name, { hint: "For example the identity provider's name." }),
      field("Expires after (days)", days, { hint: "Leave empty for a token that does not expire." }),
      h("div", { class: "form-actions" }, submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      setFieldError(name, "");
      setFieldError(days, "");
      const expires = days.value.trim() ? Number(days.value) : null;
      if (expires !== null && (!Number.isInteger(expires) || expires < 1)) {
        setFieldError(days, "Enter a whole number of days, at least 1.");
        days.focus();
        return;
      }
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        const created = await mutate(CREATE_TOKEN, { name: name.value.trim(), expiresInDays: expires }, "createScimToken");
        settings = created.settings;
        showSecret(created);
        drawTokens();
        announce(`Token ${created.token.name} created. Copy it now; it is shown only once.`);
        secretArea.querySelector("section")?.focus();
      } catch (error) {
        submit.disabled = false;
        submit.removeAttribute("aria-busy");
        if (!ctx.handle(error)) {
          const target = error.field === "expiresInDays" || /day|expir/i.test(error.message) ? days : name;
          setFieldError(target, describe(error));
          target.focus();
        }
      }
    });
    return h("div", { class: "create-token" }, h("h3", null, "Create a token"), form);
  }

  drawStatus();
  drawTokens();
  replace(
    root,
    head,
    h("p", { class: "lead" }, "SCIM lets your identity provider keep the member list and groups of this workspace up to date: it adds people, changes their names and e-mails, and deactivates them when they leave."),
    statusArea,
    secretArea,
    tokensArea,
    notes,
  );
  return "SCIM provisioning";
}
