// The UI's only channel to the server: POST /graphql with the same-origin session cookie.

/** The session is missing, ended, or its member was deactivated. */
export class AuthError extends Error {
  constructor(message = "not signed in") {
    super(message);
    this.name = "AuthError";
  }
}

/** A GraphQL error (or a failed request) in plain words; `code` comes from extensions.code. */
export class GqlError extends Error {
  constructor(message, code, field) {
    super(message);
    this.name = "GqlError";
    this.code = code || null;
    this.field = field || null;
  }
}

const FRIENDLY = {
  FORBIDDEN: "You do not have permission to see this.",
  INTERNAL_SERVER_ERROR: "Something went wrong on the server. Please try again.",
};

function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return "Something went wrong. Please try again.";
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Run a query or mutation; returns `data` or throws AuthError / GqlError. */
export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GqlError("Could not reach the server. Check your connection and try again.", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new GqlError(`The server answered with an unexpected response (HTTP ${response.status}).`, "HTTP");
  }
  if (response.status === 401) throw new AuthError();
  const errors = body && Array.isArray(body.errors) ? body.errors : [];
  if (errors.length) {
    const first = errors.find((e) => e?.extensions?.code === "UNAUTHENTICATED") || errors[0];
    const code = first?.extensions?.code || null;
    if (code === "UNAUTHENTICATED") throw new AuthError(first.message);
    const message = FRIENDLY[code] && code !== "FORBIDDEN" ? FRIENDLY[code] : first.message;
    throw new GqlError(sentence(message || FRIENDLY[code]), code);
  }
  if (!body || typeof body.data !== "object" || body.data === null) {
    throw new GqlError(`The server answered with an unexpected response (HTTP ${response.status}).`, "HTTP");
  }
  return body.data;
}

/**
 * Run a mutation whose result is a union of a success type and typed errors (which all have
 * `message`). Returns the success object or throws GqlError carrying the typed error's field.
 * The selection must include ERROR_FIELDS.
 */
export async function mutate(query, variables, key) {
  const data = await gql(query, variables);
  const result = data[key];
  if (!result) throw new GqlError("The server did not return a result.", "EMPTY");
  if (typeof result.message === "string") {
    throw new GqlError(sentence(result.message), result.__typename, result.field);
  }
  return result;
}

/** The fragment every mutation selects for its typed errors. */
export const ERROR_FIELDS = `__typename ... on Error { message } ... on InvalidInput { field }`;

/** Plain-words text for an error thrown by gql()/mutate(). */
export function describe(error) {
  if (error instanceof GqlError) return error.message;
  if (error instanceof AuthError) return "You are not signed in.";
  return "Something went wrong in the page. Please reload and try again.";
}
